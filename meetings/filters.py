"""Filters for the councillors' outstanding page (and, later, its API)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef

from delivery_plans.models import Plan, Section
from meetings.models import ActionPoint, Committee
from meetings.outstanding import KINDS, STATUSES
from safer_norfolk.models import Organisation, Person
from safer_norfolk.validators import plausible_date
from safer_norfolk.widgets import GovukSelect, ListedChoiceFilter

SELECT = GovukSelect()
SORT_CHOICES = [
    ("due", "Due date, soonest first"),
    ("-due", "Due date, latest first"),
    ("-raised", "Raised, newest first"),
    ("raised", "Raised, oldest first"),
    ("owner", "Owner"),
    ("kind", "Kind"),
]


class OutstandingFilter(django_filters.FilterSet):
    """Validates and renders the outstanding page's filters. The rows come from three models
    combined in `meetings.outstanding`, which applies the cleaned values to each of them."""

    kind = django_filters.MultipleChoiceFilter(
        choices=KINDS, method="keep", widget=forms.CheckboxSelectMultiple
    )
    status = django_filters.MultipleChoiceFilter(
        choices=STATUSES, method="keep", widget=forms.CheckboxSelectMultiple
    )
    committee = ListedChoiceFilter(
        label="Committee",
        queryset=Committee.objects.only("pk", "name").order_by("name"),
        label_fields=["name"],
        option_label=str,
        method="keep",
        empty_label="All committees",
        widget=SELECT,
    )
    owner_organisation = ListedChoiceFilter(
        queryset=Organisation.objects.only("pk", "name").order_by("name"), method="keep", empty_label="All organisations", widget=SELECT,
        label="Owner organisation", label_fields=["name"], option_label=str,
    )  # fmt: skip
    owner_person = ListedChoiceFilter(
        # The people who owe an open action point of published minutes: draft minutes name
        # nobody here. A semi-join on the open points' owner index (actionpoint_open_owner_idx).
        queryset=Person.objects.filter(
            Exists(ActionPoint.objects.public().open().filter(owner_person=OuterRef("pk")))
        ).only("pk", "honorific", "name").order_by("name"),
        method="keep", empty_label="Anyone", widget=SELECT, label="Owner (person)",
        label_fields=["honorific", "name"], option_label=lambda honorific, name: f"{honorific} {name}".strip(),
    )  # fmt: skip
    plan = ListedChoiceFilter(
        queryset=Plan.objects.public().order_by("title"),
        label_fields=["title"],
        option_label=str,
        method="keep",
        empty_label="All plans",
        widget=SELECT,
        label="Plan",
    )
    section = ListedChoiceFilter(
        queryset=Section.objects.public().only("pk", "number", "title").order_by("plan__title", "order", "sort_key"),
        method="keep", empty_label="All sections", widget=SELECT, label="Plan section",
        label_fields=["number", "title"], option_label=lambda number, title: f"{number} {title}".strip(),
    )  # fmt: skip
    raised_after = django_filters.DateFilter(
        method="keep", label="Raised on or after", validators=[plausible_date]
    )
    raised_before = django_filters.DateFilter(
        method="keep", label="Raised on or before", validators=[plausible_date]
    )
    due_after = django_filters.DateFilter(
        method="keep", label="Due on or after", validators=[plausible_date]
    )
    due_before = django_filters.DateFilter(
        method="keep", label="Due on or before", validators=[plausible_date]
    )
    overdue_only = django_filters.BooleanFilter(
        method="keep", widget=forms.CheckboxInput, label="Overdue only"
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="keep", empty_label=None, widget=SELECT, label="Sort by"
    )

    class Meta:
        model = ActionPoint
        fields = []

    def keep(self, queryset, name, value):
        return queryset

    def values(self):
        """The cleaned filter values, or {} when the form is invalid."""
        if not self.is_valid():
            return {}
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [], False)
        }
