"""The base of the filter sets the API builds from a view's `filterset_fields`."""

import django_filters
from django_filters.rest_framework import FilterSet

from safer_norfolk.validators import plausible_date


class PlausibleDatesFilterSet(FilterSet):
    """Its date filters refuse a date such as year 1 or 9999 (400, naming the parameter), as
    the site's own filter forms do, rather than answer an empty or a whole list."""

    @classmethod
    def filter_for_field(cls, field, field_name, lookup_expr=None):
        made = super().filter_for_field(field, field_name, lookup_expr)
        if isinstance(made, django_filters.DateFilter | django_filters.DateTimeFilter):
            made.extra["validators"] = [plausible_date]
        return made
