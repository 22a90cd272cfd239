"""The admin's spreadsheet imports: one upload form, one upload view and one status view for
every import. An upload is stored and imported by a background task (safer_norfolk.import_jobs),
so no web request waits for a large file; the officer follows the import on its status page."""

from django import forms
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse

from safer_norfolk.import_jobs import settle_lost_import, start_import
from safer_norfolk.models import ImportJob

# How often the status page reloads itself, once the officer has asked it to.
AUTO_REFRESH_SECONDS = 5
RECENT_IMPORTS = 5


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


def _jobs(request, kind, target_id):
    """The officer's own imports of this kind (into this target): nobody else's."""
    return ImportJob.objects.defer("content").filter(
        requested_by=request.user, kind=kind, target_id=target_id
    )


def spreadsheet_import_view(
    model_admin,
    request,
    *,
    kind,
    task,
    status_url,
    template,
    context,
    target_id=None,
    form_class=SpreadsheetUploadForm,
):
    """Show the upload form. A valid upload becomes an ImportJob that `task` imports in the
    background, and the officer is sent to its status page, `status_url(job)`."""
    if request.method == "POST":
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            job = start_import(
                kind=kind,
                task=task,
                upload=form.cleaned_data["file"],
                dry_run=form.cleaned_data["dry_run"],
                by=request.user,
                target_id=target_id,
            )
            return HttpResponseRedirect(status_url(job))
    else:
        form = form_class()
    recent = list(_jobs(request, kind, target_id)[:RECENT_IMPORTS])
    for job in recent:
        job.status_url = status_url(job)
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            **context,
            "form": form,
            "recent_imports": recent,
            "opts": model_admin.model._meta,
        },
    )


def import_status_view(model_admin, request, *, job_id, kind, task, context, target_id=None):
    """How far the officer's import has got, then its result: what was imported, or every
    problem by row and column. The page reloads itself only when the officer asks it to (an
    unasked refresh would move a screen reader back to the top every few seconds)."""
    job = settle_lost_import(get_object_or_404(_jobs(request, kind, target_id), pk=job_id), task)
    auto_refresh = not job.is_finished and request.GET.get("auto") == "1"
    return TemplateResponse(
        request,
        "admin/import_status.html",
        {
            **model_admin.admin_site.each_context(request),
            **context,
            "job": job,
            "auto_refresh": AUTO_REFRESH_SECONDS if auto_refresh else None,
            "refresh_every": AUTO_REFRESH_SECONDS,
            "opts": model_admin.model._meta,
        },
    )
