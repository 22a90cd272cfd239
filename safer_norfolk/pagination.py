"""The API's pages of results. A module of its own: REST framework imports the default
pagination class while its own modules load, so it cannot live beside the viewsets."""

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination


class PublicPagination(CursorPagination):
    """50 records to a page; `page_size` asks for another number, up to 200 (a larger number
    gives 200, a number below 1 or not a number the default).

    Pages are linked by cursors, not numbered: `next` and `previous` are full addresses that
    carry the parameters given and a `cursor` marking where the page ends, so a record added
    or removed while a client reads the list moves no other record to another page. There is
    no total: counting every published row cost more than reading the page. The order is the
    view's `ordering` (or the `ordering` parameter), with the record's id after it
    (safer_norfolk.api.StableOrderingFilter), so that every record has one place in it. A
    cursor that was not made here answers 404."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    # Used only by a view without an ordering; every API view declares its own.
    ordering = "id"

    def paginate_queryset(self, queryset, request, view=None):
        self.queryset = queryset
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """The cursor, if its position is a value of the field the list is ordered by: a
        cursor is a client's to send back, so one edited into nonsense is not found, rather
        than a failure of the query."""
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            name = self.ordering[0].lstrip("-")
            try:
                field = self.queryset.model._meta.get_field(name)
            except FieldDoesNotExist:
                field = self.queryset.query.annotations[name].output_field
            try:
                ProhibitNullCharactersValidator()(cursor.position)
                field.get_prep_value(field.to_python(cursor.position))
            except (ValidationError, ValueError, TypeError, OverflowError):
                raise NotFound(self.invalid_cursor_message) from None
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"Records to a page: {self.page_size} unless given, at most "
                    f"{self.max_page_size} (a larger number gives {self.max_page_size})."
                )
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "Where the page starts: take it from a page's `next` or `previous` link "
                    "(which carry it already); a cursor this list did not make answers 404."
                )
        return parameters


class NestedListPagination(PublicPagination):
    """For lists whose records carry their children (a meeting and its agenda items): fewer
    to a page, so that a page costs about what a page of flat records does (ten meetings of a
    county's partnerships carry about 450 records)."""

    page_size = 10
    max_page_size = 100
