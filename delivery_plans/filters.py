"""Filters for a plan's actions, shared by the plan page and the API."""

import django_filters
from django import forms
from django.db.models import Q

from delivery_plans.models import Action, ActionUpdate, Section
from safer_norfolk.models import Organisation
from safer_norfolk.validators import plausible_date
from safer_norfolk.widgets import GovukSelect, ListedChoiceFilter

YES_NO = [("", "Any"), ("true", "Yes"), ("false", "No")]


class ActionFilter(django_filters.FilterSet):
    """Filters an action queryset annotated by `queries.with_status`."""

    section = ListedChoiceFilter(
        queryset=Section.objects.none(),
        label_fields=["number", "title"],
        option_label=lambda number, title: f"{number} {title}".strip(),
        method="filter_section",
        label="Section",
        empty_label="All sections",
        widget=GovukSelect(),
    )
    owner = ListedChoiceFilter(
        queryset=Organisation.objects.none(),
        label_fields=["name"],
        option_label=str,
        field_name="owners",
        label="Owner",
        empty_label="All owners",
        widget=GovukSelect(),
    )
    rag = django_filters.MultipleChoiceFilter(
        field_name="current_rag", choices=ActionUpdate.Rag.choices, method="filter_rag", label="RAG",
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    distance = django_filters.MultipleChoiceFilter(
        field_name="current_distance", choices=ActionUpdate.Distance.choices, method="filter_distance",
        label="Distance to the success measure", widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    stage = django_filters.MultipleChoiceFilter(
        choices=Action.Stage.choices, widget=forms.CheckboxSelectMultiple
    )
    overdue = django_filters.TypedChoiceFilter(
        field_name="is_overdue", choices=YES_NO, coerce=lambda value: value == "true", label="Overdue",
        empty_value=None, widget=GovukSelect(),
    )  # fmt: skip
    due_after = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="gte",
        label="Due on or after",
        validators=[plausible_date],
    )
    due_before = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="lte",
        label="Due on or before",
        validators=[plausible_date],
    )
    updated_since = django_filters.DateFilter(
        field_name="last_update_on",
        lookup_expr="gte",
        label="Updated since",
        validators=[plausible_date],
    )

    class Meta:
        model = Action
        fields = []

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.filters["section"].queryset = Section.objects.filter(plan=plan).in_plan_order()
            self.filters["owner"].queryset = Organisation.objects.filter(
                plan_actions__plan=plan
            ).distinct()
        else:  # across plans (the API): any published section, any organisation
            self.filters["section"].queryset = Section.objects.public()
            self.filters["owner"].queryset = Organisation.objects.all()

    def filter_section(self, queryset, name, section):
        # A theme includes its priorities' actions.
        return queryset.filter(Q(section=section) | Q(section__parent=section))

    def filter_rag(self, queryset, name, values):
        return _with_not_assessed(queryset, "current_rag", values, ActionUpdate.Rag.NOT_ASSESSED)

    def filter_distance(self, queryset, name, values):
        return _with_not_assessed(
            queryset, "current_distance", values, ActionUpdate.Distance.NOT_ASSESSED
        )


def _with_not_assessed(queryset, field, values, not_assessed):
    """An action with no published update counts as not assessed."""
    condition = Q(**{f"{field}__in": values})
    if not_assessed in values:
        condition |= Q(**{f"{field}__isnull": True})
    return queryset.filter(condition)
