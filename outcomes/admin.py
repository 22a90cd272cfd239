"""The data officer's back office: frameworks, outcomes, measures, areas and the import of
observations from a spreadsheet."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse

from outcomes.models import Area, Measure, Observation, Outcome, OutcomeFramework
from outcomes.services import import_observations
from safer_norfolk.spreadsheets import ImportFileError

# A spreadsheet of observations larger than this is better run with the command.
MAX_IMPORT_BYTES = 20 * 1024 * 1024


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "gss_code", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    fields = ["number", "title", "level"]
    show_change_link = True
    ordering = ["sort_key"]


@admin.register(OutcomeFramework)
class OutcomeFrameworkAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "area", "status"]
    list_filter = ["status"]
    list_select_related = ["organisation", "area"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "area"]
    inlines = [OutcomeInline]


class MeasureInline(admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["number", "title", "unit", "direction", "frequency"]
    show_change_link = True
    ordering = ["sort_key"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "framework", "level"]
    list_filter = ["framework", "level"]
    list_select_related = ["framework"]
    search_fields = ["title", "number", "description"]
    autocomplete_fields = ["framework", "contributes_to"]
    ordering = ["framework", "sort_key"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outcome", "unit", "direction", "source"]
    list_filter = ["direction", "unit", "frequency", "outcome__framework"]
    list_select_related = ["outcome"]
    search_fields = ["title", "source", "number"]
    autocomplete_fields = ["outcome"]
    ordering = ["outcome__framework", "outcome__sort_key", "sort_key"]


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A .csv or .xlsx file with a header row.")
    dry_run = forms.BooleanField(
        required=False,
        initial=True,
        label="Check only",
        help_text="Check the file and report, writing nothing.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                "The file is over 20 MB: import it with manage.py import_observations."
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        return upload


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["measure", "area", "period", "value", "is_provisional"]
    list_filter = ["measure__outcome__framework", "area", "is_provisional"]
    list_select_related = ["measure", "area"]
    search_fields = ["measure__title", "area__name", "note"]
    autocomplete_fields = ["measure", "area"]
    date_hierarchy = "period_start"
    change_list_template = "admin/outcomes/observation/change_list.html"

    @admin.display(description="Period", ordering="period_start")
    def period(self, observation):
        return observation.period_label

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="outcomes_observation_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    report = import_observations(
                        name=upload.name,
                        content=upload.read(),
                        dry_run=form.cleaned_data["dry_run"],
                        by=request.user,
                    )
                except ImportFileError as error:
                    form.add_error("file", str(error))
                else:
                    if report.ok and not report.dry_run:
                        messages.success(request, report.summary())
        else:
            form = ImportForm()
        return TemplateResponse(
            request,
            "admin/outcomes/observation/import.html",
            {
                **self.admin_site.each_context(request),
                "title": "Import observations",
                "form": form,
                "report": report,
                "opts": self.model._meta,
                "changelist_url": reverse("admin:outcomes_observation_changelist"),
            },
        )
