from django import forms

from meetings.models import Document
from safer_norfolk.storage import discard, store_upload
from safer_norfolk.validators import inspect_pdf


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
