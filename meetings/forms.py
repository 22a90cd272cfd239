from django import forms

from meetings import search as site_search
from meetings.models import Committee, Document
from safer_norfolk.storage import discard, store_upload
from safer_norfolk.validators import inspect_pdf, plausible_date
from safer_norfolk.widgets import GovukSelect, ListedModelChoiceField


class DocumentForm(forms.ModelForm):
    """An uploaded paper: the file must really be a readable PDF; its page count, size and
    text are read from it here, so nothing half-checked is saved."""

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
            self.instance.sha256 = facts.sha256
            self.instance.page_count = facts.page_count
            self.instance.size_bytes = facts.size_bytes
            self.instance.text = facts.text
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
