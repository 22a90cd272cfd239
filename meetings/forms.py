import datetime

from django import forms
from django.contrib.admin.widgets import AdminDateWidget, AdminSplitDateTime
from django.forms.utils import from_current_timezone
from django.utils import timezone

from meetings import search as site_search
from meetings.models import Committee, Document, Meeting
from safer_norfolk.storage import discard, store_upload
from safer_norfolk.validators import inspect_pdf, plausible_date
from safer_norfolk.widgets import GovukSelect, ListedModelChoiceField


class DocumentForm(forms.ModelForm):
    """An uploaded paper: the file must really be a readable PDF; its page count, size, text
    and accessibility facts are read from it here, so nothing half-checked is saved. A paper
    that may not be accessible is saved all the same (`pdf_facts.accessibility_problems` says
    why, for the officer's warning)."""

    class Meta:
        model = Document
        fields = ["agenda_item", "title", "kind", "file", "is_public", "order"]

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded and "file" in self.changed_data:
            self.pdf_facts = inspect_pdf(uploaded)
        return uploaded

    def clean(self):
        cleaned = super().clean()
        agenda_item = cleaned.get("agenda_item")
        meeting_id = self.instance.meeting_id
        if agenda_item and meeting_id and agenda_item.meeting_id != meeting_id:
            self.add_error("agenda_item", "Choose an item of this meeting's agenda.")
        return cleaned

    def save(self, commit=True):
        facts = getattr(self, "pdf_facts", None)
        if facts is not None:
            self.instance.take_facts(facts)
            # Stored before the row, so that a disk too full to take the file leaves neither
            # the row nor part of the file (UploadNotStored says so).
            self.stored_upload = store_upload(self.instance.file, self.cleaned_data["file"])
        return super().save(commit=commit)

    def discard_upload(self):
        """Remove the file this form stored, when the save it was part of is undone."""
        stored = getattr(self, "stored_upload", None)
        if stored:
            discard(self.instance.file.storage, stored)
            self.stored_upload = None


class SearchForm(forms.Form):
    """The site search's terms and filters, read from the address so a search can be shared.
    A value that names nothing (an unknown committee or kind, a date that is not one) is an
    error shown on the page, never quietly dropped."""

    q = forms.CharField(required=False, strip=True)
    committee = ListedModelChoiceField(
        queryset=Committee.objects.order_by("name"),
        to_field_name="slug",
        label="Committee",
        label_fields=["name"],
        option_label=str,
        required=False,
        empty_label="All committees",
        widget=GovukSelect(),
        error_messages={"invalid_choice": "Choose a committee from the list."},
    )
    kind = forms.MultipleChoiceField(
        choices=site_search.kinds,
        required=False,
        label="Kind of record",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose kinds of record from the list."},
    )
    date_from = forms.DateField(
        required=False,
        label="Dated on or after",
        validators=[plausible_date],
        error_messages={"invalid": "Enter the date as a real date, for example 2022-02-24."},
    )
    date_to = forms.DateField(
        required=False,
        label="Dated on or before",
        validators=[plausible_date],
        error_messages={"invalid": "Enter the date as a real date, for example 2022-03-31."},
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The end of the date range must not be before its start.")
        return cleaned

    def filters(self):
        """The cleaned filters, for meetings.search.search."""
        committee = self.cleaned_data.get("committee")
        return site_search.Filters(
            committee=committee.pk if committee else None,
            kinds=tuple(self.cleaned_data.get("kind") or ()),
            date_from=self.cleaned_data.get("date_from"),
            date_to=self.cleaned_data.get("date_to"),
        )

    @property
    def narrowed(self):
        return any(
            self.cleaned_data.get(name) for name in ("committee", "kind", "date_from", "date_to")
        )


NOT_A_DAY = {"invalid": "Enter a real date, like 2024-03-31."}


class CalendarFromForm(forms.Form):
    """`?from=YYYY-MM-DD` of the site's calendar: the first day it covers."""

    # `from` is a keyword in Python: the field is named through the class namespace.
    locals()["from"] = forms.DateField(
        required=False, input_formats=["%Y-%m-%d"], validators=[plausible_date],
        error_messages=NOT_A_DAY,
    )  # fmt: skip


class MonthField(forms.CharField):
    """A month written YYYY-MM: cleans to its first day."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            if len(value) > len("2022-07"):
                raise ValueError(value)
            month = datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(
                "Enter a month as year and month, like 2022-07.", code="invalid"
            ) from None
        return month


class MonthForm(forms.Form):
    month = MonthField(required=False, validators=[plausible_date])


NOT_A_DAY = {"invalid": "Enter a real date, like 2024-03-31."}


class PeriodForm(forms.Form):
    """The period an organisation's record covers (`?from=2021-04-01&to=2022-03-31`): the
    meetings held from and to those days, Europe/London; either may be left out."""

    # `from` is a keyword in Python: the field is named through the class namespace.
    locals()["from"] = forms.DateField(
        required=False, label="From", validators=[plausible_date], error_messages=NOT_A_DAY
    )
    to = forms.DateField(
        required=False, label="To", validators=[plausible_date], error_messages=NOT_A_DAY
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", "The “to” date must be the same as or after the “from” date.")
        return cleaned

    def problems(self):
        """[(name, message)] for each value that cannot be read, in the form's order."""
        if self.is_valid():
            return []
        return [(name, message) for name in self.fields for message in self.errors.get(name, [])]


class OrganisationListForm(PeriodForm):
    """The list of organisations: the period, and the column it is sorted by (`-` first for
    the other way)."""

    sort = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "There is no column “%(value)s” to sort by."},
    )

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [
            (f"{way}{column}", column) for column in columns for way in ("", "-")
        ]


class DayAndOptionalTimeWidget(AdminSplitDateTime):
    """The admin's date and time boxes; a day alone (a start time not recorded) shows the
    time box empty."""

    def decompress(self, value):
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return [value, None]
        return super().decompress(value)


class DayAndOptionalTimeField(forms.SplitDateTimeField):
    """A meeting's start: the day, and the time when the papers give it. With the time left
    blank the meeting starts at the beginning of its day (Europe/London) and `time_given` is
    False, so the meeting is saved with `start_time_known` off and no time is ever shown."""

    widget = DayAndOptionalTimeWidget

    def __init__(self, **kwargs):
        super().__init__(require_all_fields=False, **kwargs)
        self.fields[1].required = False
        self.time_given = True

    def compress(self, data_list):
        if not data_list or data_list[0] in self.empty_values:
            return super().compress(data_list)
        self.time_given = data_list[1] not in self.empty_values
        if self.time_given:
            return super().compress(data_list)
        return from_current_timezone(datetime.datetime.combine(data_list[0], datetime.time()))


def start_of_day(day):
    """The first instant of `day` in Europe/London (midnight always exists there)."""
    return from_current_timezone(datetime.datetime.combine(day, datetime.time()))


def publication_day(moment):
    return timezone.localdate(moment) if moment else None


class MeetingForm(forms.ModelForm):
    """A meeting in the back office, including one entered after the event: its start time
    may be left blank when the papers do not give it, and the days its agenda and minutes
    were published then may be given (publishing keeps them instead of stamping today)."""

    starts_at = DayAndOptionalTimeField(
        label="Starts at",
        help_text="Leave the time blank for a past meeting whose papers do not give it.",
    )
    agenda_published_on = forms.DateField(
        required=False, label="Agenda published on", widget=AdminDateWidget
    )
    minutes_published_on = forms.DateField(
        required=False, label="Minutes published on", widget=AdminDateWidget
    )

    class Meta:
        model = Meeting
        fields = [
            "committee",
            "starts_at",
            "ends_at",
            "status",
            "venue",
            "mode",
            "livestream_url",
            "public_notice",
            "public_questions_deadline",
            "signed_by",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.instance
        if meeting.pk and not meeting.start_time_known:
            self.initial["starts_at"] = meeting.local_date
        self.initial["agenda_published_on"] = publication_day(meeting.agenda_published_at)
        self.initial["minutes_published_on"] = publication_day(meeting.minutes_published_at)

    def clean(self):
        cleaned = super().clean()
        committee, starts_at = cleaned.get("committee"), cleaned.get("starts_at")
        if starts_at:
            cleaned["start_time_known"] = self.fields["starts_at"].time_given
            self.instance.start_time_known = cleaned["start_time_known"]
        if committee and starts_at:
            clash = Meeting.objects.filter(
                committee=committee, starts_at__date=timezone.localdate(starts_at)
            )
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("starts_at", f"{committee} already has a meeting on that day.")
        self._clean_publication_days(starts_at)
        return cleaned

    def _clean_publication_days(self, starts_at):
        today = timezone.localdate()
        agenda_day = self.cleaned_data.get("agenda_published_on")
        minutes_day = self.cleaned_data.get("minutes_published_on")
        meeting = self.instance
        # Only what the officer changes is checked: a record stamped long ago is left alone.
        changed = set(self.changed_data)
        for name, day, published in (
            ("agenda_published_on", agenda_day, meeting.agenda_is_public),
            ("minutes_published_on", minutes_day, meeting.minutes_are_public),
        ):
            if name not in changed:
                continue
            if day is None and published:
                self.add_error(name, "Published papers keep the day they were published.")
            elif day is not None and day > today:
                self.add_error(name, "Give a day that has passed: the day it was published.")
        if not changed & {"agenda_published_on", "minutes_published_on", "starts_at"}:
            return
        if minutes_day and starts_at and minutes_day < timezone.localdate(starts_at):
            self.add_error("minutes_published_on", "Minutes are published after the meeting.")
        if agenda_day and minutes_day and minutes_day < agenda_day:
            self.add_error("minutes_published_on", "Minutes come after the agenda.")
        for name, field in (
            ("agenda_published_on", "agenda_published_at"),
            ("minutes_published_on", "minutes_published_at"),
        ):
            if name in self.changed_data and name not in self.errors:
                day = self.cleaned_data.get(name)
                self.cleaned_data[field] = start_of_day(day) if day else None
                setattr(meeting, field, self.cleaned_data[field])
