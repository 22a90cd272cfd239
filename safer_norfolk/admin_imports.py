"""The admin's spreadsheet upload pages: one form and one view for every import."""

from django import forms
from django.contrib import messages
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse

from safer_norfolk.spreadsheets import ImportFileError


class SpreadsheetUploadForm(forms.Form):
    max_bytes = 20 * 1024 * 1024
    too_large_hint = ""

    file = forms.FileField(help_text="A .csv or .xlsx file with a header row.")
    dry_run = forms.BooleanField(
        required=False,
        initial=True,
        label="Check only",
        help_text="Check the file and report, writing nothing.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The file is over {filesizeformat(self.max_bytes)}.{self.too_large_hint}"
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        return upload


def spreadsheet_import_view(
    model_admin, request, *, run, template, context, form_class=SpreadsheetUploadForm
):
    """Show the upload form; on a valid upload call `run(name=, content=, dry_run=)`, which
    returns a report with `ok`, `dry_run` and `summary()` or raises ImportFileError."""
    report = None
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = run(
                    name=upload.name, content=upload.read(), dry_run=form.cleaned_data["dry_run"]
                )
            except ImportFileError as error:
                form.add_error("file", str(error))
            else:
                if report.ok and not report.dry_run:
                    messages.success(request, report.summary())
    else:
        form = form_class()
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            **context,
            "form": form,
            "report": report,
            "opts": model_admin.model._meta,
        },
    )
