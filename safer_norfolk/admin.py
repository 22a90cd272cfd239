from django.contrib import admin
from django.db.models import Count

from safer_norfolk.admin_audit import AuditedAdmin
from safer_norfolk.models import Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "people_count"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("people"))

    @admin.display(description="People", ordering="people_count")
    def people_count(self, organisation):
        return organisation.people_count


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ["name", "honorific", "job_title", "organisation", "user"]
    list_filter = ["organisation__kind", "organisation"]
    list_select_related = ["organisation", "user"]
    search_fields = ["name", "job_title", "organisation__name", "organisation__short_name"]
    autocomplete_fields = ["organisation", "user"]
    fieldsets = [
        (None, {"fields": ["honorific", "name", "job_title", "organisation"]}),
        (
            "Contact (never shown publicly except as a committee's published contact)",
            {"fields": ["email", "phone"]},
        ),
        ("Back-office login", {"fields": ["user"]}),
    ]
