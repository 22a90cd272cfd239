"""The data officer's back office: frameworks, outcomes, measures, areas and the import of
observations from a spreadsheet."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse

from outcomes.models import Area, Measure, Observation, Outcome, OutcomeFramework
from outcomes.tasks import import_observations_file
from safer_norfolk.admin_audit import AuditedAdmin, VersionedAdminMixin
from safer_norfolk.admin_imports import (
    SpreadsheetUploadForm,
    import_status_view,
    spreadsheet_import_view,
)
from safer_norfolk.models import ImportJob

# A spreadsheet of observations larger than this is better run with the command.
MAX_IMPORT_BYTES = 20 * 1024 * 1024


@admin.register(Area)
class AreaAdmin(AuditedAdmin):
    list_display = ["name", "kind", "gss_code", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name", "gss_code"]
    prepopulated_fields = {"slug": ["name"]}


class OutcomeInline(VersionedAdminMixin, admin.TabularInline):
    model = Outcome
    extra = 0
    fields = ["number", "title", "level"]
    show_change_link = True
    ordering = ["sort_key"]


@admin.register(OutcomeFramework)
class OutcomeFrameworkAdmin(AuditedAdmin):
    list_display = ["title", "organisation", "area", "status"]
    list_filter = ["status"]
    list_select_related = ["organisation", "area"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "area"]
    inlines = [OutcomeInline]


class MeasureInline(VersionedAdminMixin, admin.TabularInline):
    model = Measure
    extra = 0
    fields = ["number", "title", "unit", "direction", "frequency"]
    show_change_link = True
    ordering = ["sort_key"]


@admin.register(Outcome)
class OutcomeAdmin(AuditedAdmin):
    list_display = ["__str__", "framework", "level"]
    list_filter = ["framework", "level"]
    list_select_related = ["framework"]
    search_fields = ["title", "number", "description"]
    autocomplete_fields = ["framework", "contributes_to"]
    ordering = ["framework", "sort_key"]
    inlines = [MeasureInline]


@admin.register(Measure)
class MeasureAdmin(AuditedAdmin):
    list_display = ["__str__", "outcome", "unit", "direction", "source"]
    list_filter = ["direction", "unit", "frequency", "outcome__framework"]
    list_select_related = ["outcome"]
    search_fields = ["title", "source", "number"]
    autocomplete_fields = ["outcome"]
    ordering = ["outcome__framework", "outcome__sort_key", "sort_key"]


class ImportForm(SpreadsheetUploadForm):
    max_bytes = MAX_IMPORT_BYTES
    too_large_hint = " Import it with manage.py import_observations."


@admin.register(Observation)
class ObservationAdmin(AuditedAdmin):
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
            path(
                "import/<int:job_id>/",
                self.admin_site.admin_view(self.import_status),
                name="outcomes_observation_import_status",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return spreadsheet_import_view(
            self,
            request,
            kind=ImportJob.Kind.OBSERVATIONS,
            task=import_observations_file,
            status_url=lambda job: reverse(
                "admin:outcomes_observation_import_status", args=[job.pk]
            ),
            template="admin/outcomes/observation/import.html",
            context={
                "title": "Import observations",
                "changelist_url": reverse("admin:outcomes_observation_changelist"),
            },
            form_class=ImportForm,
        )

    def import_status(self, request, job_id):
        if not self.has_add_permission(request):
            raise PermissionDenied
        changelist_url = reverse("admin:outcomes_observation_changelist")
        return import_status_view(
            self,
            request,
            job_id=job_id,
            task=import_observations_file,
            kind=ImportJob.Kind.OBSERVATIONS,
            context={
                "title": "Import of observations",
                "breadcrumbs": [(changelist_url, "Observations")],
                "upload_url": reverse("admin:outcomes_observation_import"),
                "done_url": changelist_url,
                "done_label": "See the observations",
            },
        )
