"""Filters for the councillors' outstanding page, the decisions register and the people list,
and the API's filter sets of the meetings app's records (each `?committee=` takes the
committee's id or its slug)."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone

from delivery_plans.models import Plan, Section
from meetings.models import (
    ActionPoint,
    AgendaItem,
    Committee,
    Meeting,
    Membership,
    Minute,
    Resolution,
    WorkProgrammeItem,
    WrittenQuestion,
)
from meetings.outstanding import KINDS, STATUSES
from safer_norfolk.filters import PlausibleDatesFilterSet
from safer_norfolk.models import Organisation, Person
from safer_norfolk.query_params import record_id
from safer_norfolk.validators import plausible_date
from safer_norfolk.widgets import GovukSelect, ListedChoiceFilter

SELECT = GovukSelect()


def unknown(what):
    """The message for a value no record or choice has."""
    return {"invalid_choice": f"There is no {what} “%(value)s”."}


NOT_A_DATE = {"invalid": "Enter a real date, like 2024-03-31."}
# What the page does instead of a filter given a value it does not know.
INSTEAD = {
    "kind": "Items of every kind are shown.",
    "status": "Items of every status are shown.",
    "committee": "Items of every committee are shown.",
    "owner_organisation": "Items of every owner are shown.",
    "owner_person": "Items of every owner are shown.",
    "plan": "Items of every plan are shown.",
    "section": "Items of every section are shown.",
    "sort": "The list is sorted by due date, soonest first.",
}
DATE_INSTEAD = "The list is not limited by this date."
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
        choices=KINDS, method="keep", widget=forms.CheckboxSelectMultiple, label="Kind",
        error_messages=unknown("kind of item"),
    )  # fmt: skip
    status = django_filters.MultipleChoiceFilter(
        choices=STATUSES, method="keep", widget=forms.CheckboxSelectMultiple, label="Status",
        error_messages=unknown("status"),
    )  # fmt: skip
    committee = ListedChoiceFilter(
        label="Committee",
        queryset=Committee.objects.only("pk", "name").order_by("name"),
        label_fields=["name"],
        option_label=str,
        method="keep",
        empty_label="All committees",
        widget=SELECT,
        error_messages=unknown("committee"),
    )
    owner_organisation = ListedChoiceFilter(
        # Only organisations of published material: the list names each one offered.
        queryset=Organisation.objects.public().only("pk", "name").order_by("name"), method="keep", empty_label="All organisations", widget=SELECT,
        label="Owner organisation", label_fields=["name"], option_label=str,
        error_messages=unknown("organisation"),
    )  # fmt: skip
    owner_person = ListedChoiceFilter(
        # The people who owe an open action point of published minutes: draft minutes name
        # nobody here. A semi-join on the open points' owner index (actionpoint_open_owner_idx).
        queryset=Person.objects.filter(
            Exists(ActionPoint.objects.public().open().filter(owner_person=OuterRef("pk")))
        ).only("pk", "honorific", "name").order_by("name"),
        method="keep", empty_label="Anyone", widget=SELECT, label="Owner (person)",
        label_fields=["honorific", "name"], option_label=lambda honorific, name: f"{honorific} {name}".strip(),
        error_messages=unknown("person owing an open action point"),
    )  # fmt: skip
    plan = ListedChoiceFilter(
        queryset=Plan.objects.public().order_by("title"),
        label_fields=["title"],
        option_label=str,
        method="keep",
        empty_label="All plans",
        widget=SELECT,
        label="Plan",
        error_messages=unknown("published plan"),
    )
    section = ListedChoiceFilter(
        queryset=Section.objects.public().only("pk", "number", "title").in_plan_order("plan__title"),
        method="keep", empty_label="All sections", widget=SELECT, label="Plan section",
        label_fields=["number", "title"], option_label=lambda number, title: f"{number} {title}".strip(),
        error_messages=unknown("section of a published plan"),
    )  # fmt: skip
    raised_after = django_filters.DateFilter(
        method="keep",
        label="Raised on or after",
        validators=[plausible_date],
        error_messages=NOT_A_DATE,
    )
    raised_before = django_filters.DateFilter(
        method="keep",
        label="Raised on or before",
        validators=[plausible_date],
        error_messages=NOT_A_DATE,
    )
    due_after = django_filters.DateFilter(
        method="keep",
        label="Due on or after",
        validators=[plausible_date],
        error_messages=NOT_A_DATE,
    )
    due_before = django_filters.DateFilter(
        method="keep",
        label="Due on or before",
        validators=[plausible_date],
        error_messages=NOT_A_DATE,
    )
    overdue_only = django_filters.BooleanFilter(
        method="keep", widget=forms.CheckboxInput, label="Overdue only"
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="keep", empty_label=None, widget=SELECT, label="Sort by",
        error_messages=unknown("sort order"),
    )  # fmt: skip

    class Meta:
        model = ActionPoint
        fields = []

    @property
    def form(self):
        if not hasattr(self, "_form"):
            super().form  # noqa: B018 (made and kept as self._form)
            self._offer_the_organisations_people()
        return self._form

    def _offer_the_organisations_people(self):
        """With an owner organisation chosen, the "Owner (person)" list offers only the people
        who owe it an open action point (and anyone already chosen), not everyone who owes
        one: a thousand names at county scale, half the page. Any person owing one is still
        accepted from an address, as before."""
        data = QueryDict(mutable=True)
        data.update(self.data or {})
        organisation = record_id(data.get("owner_organisation", ""))
        if organisation is None:
            return
        chosen = [key for key in map(record_id, data.getlist("owner_person")) if key]
        owes_it = (
            ActionPoint.objects.public()
            .open()
            .filter(owner_person=OuterRef("pk"), owner_organisation=organisation)
        )
        field = self._form.fields["owner_person"]
        field.widget.choices.queryset = field.queryset.filter(Exists(owes_it) | Q(pk__in=chosen))

    def keep(self, queryset, name, value):
        return queryset

    def values(self):
        """The cleaned values of the filters given well; one given a value it does not know
        is left out (and reported by problems())."""
        self.is_valid()
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in self.form.errors and value not in (None, "", [], False)
        }

    def problems(self):
        """[Problem] for each filter given a value it does not know, in the form's order: the
        page reports them, the CSV refuses."""
        self.is_valid()
        errors = self.form.errors.as_data()
        return [
            Problem(
                name=field.name,
                # The checkboxes are written with ids of their own (kind-open, …).
                anchor=f"{field.name}-{field.field.choices[0][0]}"
                if field.name in ("kind", "status")
                else field.id_for_label,
                message=_message(error),
                instead=INSTEAD.get(field.name, DATE_INSTEAD),
            )
            for field in self.form
            for error in errors.get(field.name, ())
        ]


@dataclass(frozen=True)
class Problem:
    name: str
    anchor: str
    message: str  # what is wrong
    instead: str  # what the page shows instead


def _message(error):
    """The error's message with the value as asked shown plainly: no control characters, and
    no longer than a line."""
    params = dict(error.params or {})
    if "value" in params:
        value = "".join(
            character if unicodedata.category(character)[0] != "C" else "\ufffd"
            for character in str(params["value"])
        )
        params["value"] = value if len(value) <= 40 else value[:39] + "…"
    return str(error.message % params if params else error.message)


# --- the API's filter sets ------------------------------------------------------------------

COMMITTEE_HELP = (
    "The committee, by its id (`3`) or its slug (`nccsp-scrutiny-sub-panel`). "
    "A value naming no committee is refused with 400."
)
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
KEY = re.compile(r"[0-9]{1,18}")


def committee_for(key):
    """The committee whose id or slug is `key` (its id first, should a slug be all digits),
    or None. A value that could be neither is not looked up."""
    if not SLUG.fullmatch(key):
        return None
    lookup = Q(slug=key)
    if KEY.fullmatch(key):
        lookup |= Q(pk=int(key))
    found = list(Committee.objects.filter(lookup).only("pk", "slug")[:2])
    found.sort(key=lambda committee: committee.slug == key)
    return found[0] if found else None


class CommitteeKeyField(forms.CharField):
    """A committee named by its id or its slug: cleans to the committee."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", Committee._meta.get_field("slug").max_length)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        committee = committee_for(value)
        if committee is None:
            raise forms.ValidationError(
                "No committee has the id or slug “%(value)s”.",
                code="unknown_committee",
                params={"value": value},
            )
        return committee


class CommitteeFilter(django_filters.CharFilter):
    """`?committee=` by id or slug, on the records reached through `field_name`. A string in
    the schema, since a slug is one."""

    field_class = CommitteeKeyField

    def __init__(self, field_name="committee", **kwargs):
        kwargs.setdefault("label", "Committee")
        kwargs.setdefault("help_text", COMMITTEE_HELP)
        super().__init__(field_name=field_name, **kwargs)


# --- the decisions register -----------------------------------------------------------------


def _day_starts(day):
    """The first moment of `day` in Europe/London, as meetings are dated."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DecisionFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", "The “to” date must be the same as or after the “from” date.")
        return cleaned


class ListFilterSet(django_filters.FilterSet):
    """A public list's filters, whose values that cannot be read are named to the visitor."""

    def problems(self):
        """[(name, message)] for each filter given a value that cannot be read."""
        self.is_valid()
        errors = self.form.errors.as_data()
        return [
            (field.name, _message(error))
            for field in self.form
            for error in errors.get(field.name, ())
        ]


class DecisionFilter(ListFilterSet):
    """The decisions register's filters, for its page, CSV and Atom feed alike: committee (by
    id or slug), verbs, the meeting's day from and to (Europe/London) and words in the text.
    A value that cannot be read is refused with its reason (`problems`)."""

    committee = CommitteeFilter(field_name="minute__meeting__committee", help_text="")
    verb = django_filters.MultipleChoiceFilter(
        choices=Resolution.Verb.choices,
        field_name="verb",
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
        label="Decision",
        error_messages=unknown("kind of decision"),
    )
    # `from` is a keyword in Python: the filter is named through the class namespace.
    locals()["from"] = django_filters.DateFilter(
        method="from_day",
        label="Meetings from",
        validators=[plausible_date],
        error_messages=NOT_A_DATE,
    )
    to = django_filters.DateFilter(
        method="to_day",
        label="Meetings to",
        validators=[plausible_date],
        error_messages=NOT_A_DATE,
    )
    q = django_filters.CharFilter(
        field_name="text", lookup_expr="icontains", label="Words in the decision", max_length=200
    )

    class Meta:
        model = Resolution
        fields = []
        form = DecisionFilterForm

    def from_day(self, queryset, name, value):
        return queryset.filter(minute__meeting__starts_at__gte=_day_starts(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(
            minute__meeting__starts_at__lt=_day_starts(value + datetime.timedelta(days=1))
        )


class PersonFilter(ListFilterSet):
    """The people list's filter: words in the name. A value that cannot be read (a NUL byte,
    too long) is refused with its reason (`problems`)."""

    name = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label="Name", max_length=200
    )

    class Meta:
        model = Person
        fields = []


class CommitteeApiFilter(PlausibleDatesFilterSet):
    parent = CommitteeFilter(field_name="parent", label="Parent committee")

    class Meta:
        model = Committee
        fields = ["partnership"]


class MembershipApiFilter(PlausibleDatesFilterSet):
    committee = CommitteeFilter()

    class Meta:
        model = Membership
        fields = ["person", "role", "representing"]


class MeetingApiFilter(PlausibleDatesFilterSet):
    committee = CommitteeFilter()

    class Meta:
        model = Meeting
        fields = {"status": ["exact"], "starts_at": ["gte", "lte"]}


class AgendaItemApiFilter(PlausibleDatesFilterSet):
    committee = CommitteeFilter(field_name="meeting__committee")

    class Meta:
        model = AgendaItem
        fields = ["meeting", "kind", "plan"]


class MinuteApiFilter(PlausibleDatesFilterSet):
    committee = CommitteeFilter(field_name="meeting__committee")

    class Meta:
        model = Minute
        fields = ["meeting", "agenda_item"]


class ResolutionApiFilter(PlausibleDatesFilterSet):
    committee = CommitteeFilter(field_name="minute__meeting__committee")

    class Meta:
        model = Resolution
        fields = ["minute", "verb", "minute__meeting"]


class ActionPointApiFilter(PlausibleDatesFilterSet):
    committee = CommitteeFilter()

    class Meta:
        model = ActionPoint
        fields = {
            "meeting": ["exact"],
            "status": ["exact"],
            "owner_organisation": ["exact"],
            "owner_person": ["exact"],
            "due_date": ["gte", "lte"],
        }


class WrittenQuestionApiFilter(PlausibleDatesFilterSet):
    committee = CommitteeFilter(field_name="meeting__committee")

    class Meta:
        model = WrittenQuestion
        fields = {
            "meeting": ["exact"],
            "status": ["exact"],
            "addressed_to": ["exact"],
            "response_due": ["gte", "lte"],
        }


class WorkProgrammeItemApiFilter(PlausibleDatesFilterSet):
    committee = CommitteeFilter()

    class Meta:
        model = WorkProgrammeItem
        fields = ["status", "meeting"]
