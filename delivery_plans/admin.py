"""The back office for delivery plans.

Plan managers (committee officers) edit plans, sections and actions and import actions from a
spreadsheet. Partnership officers add and edit progress updates only on the actions their
organisation owns: `services.can_update` decides, here and in the services.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from delivery_plans import services
from delivery_plans.dates import UNKNOWN, parse_due_text
from delivery_plans.models import Action, ActionUpdate, Plan, Section
from delivery_plans.tasks import import_actions_file
from safer_norfolk.admin_audit import AuditedAdmin, VersionedAdminMixin
from safer_norfolk.admin_imports import (
    SpreadsheetUploadForm,
    import_status_view,
    spreadsheet_import_view,
)
from safer_norfolk.models import ImportJob

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class SectionInline(VersionedAdminMixin, admin.TabularInline):
    model = Section
    fk_name = "plan"
    extra = 0
    fields = ["order", "number", "title", "parent"]
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            plan_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(plan_id=plan_id, parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    list_display = ["title", "organisation", "status", "period_start", "period_end"]
    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisation", "framework"]
    # Written by the actions import, in the order of the plan's file.
    readonly_fields = ["extra_fields"]
    inlines = [SectionInline]
    change_form_template = "admin/delivery_plans/plan/change_form.html"

    def get_urls(self):
        return [
            path(
                "<int:plan_id>/import-actions/",
                self.admin_site.admin_view(self.import_actions_view),
                name="delivery_plans_plan_import_actions",
            ),
            path(
                "<int:plan_id>/import-actions/<int:job_id>/",
                self.admin_site.admin_view(self.import_actions_status),
                name="delivery_plans_plan_import_actions_status",
            ),
            *super().get_urls(),
        ]

    def _plan_to_import_into(self, request, plan_id):
        plan = get_object_or_404(Plan, pk=plan_id)
        if not (
            self.has_change_permission(request, plan) and services.can_manage_plans(request.user)
        ):
            raise PermissionDenied
        return plan

    def import_actions_view(self, request, plan_id):
        plan = self._plan_to_import_into(request, plan_id)
        return spreadsheet_import_view(
            self,
            request,
            kind=ImportJob.Kind.PLAN_ACTIONS,
            task=import_actions_file,
            target_id=plan.pk,
            status_url=lambda job: reverse(
                "admin:delivery_plans_plan_import_actions_status", args=[plan.pk, job.pk]
            ),
            template="admin/delivery_plans/plan/import_actions.html",
            context={
                "title": f"Import actions into {plan}",
                "plan": plan,
                "plan_url": reverse("admin:delivery_plans_plan_change", args=[plan.pk]),
            },
            form_class=ImportActionsForm,
        )

    def import_actions_status(self, request, plan_id, job_id):
        plan = self._plan_to_import_into(request, plan_id)
        plan_url = reverse("admin:delivery_plans_plan_change", args=[plan.pk])
        return import_status_view(
            self,
            request,
            job_id=job_id,
            task=import_actions_file,
            kind=ImportJob.Kind.PLAN_ACTIONS,
            target_id=plan.pk,
            context={
                "title": f"Import of actions into {plan}",
                "breadcrumbs": [
                    (reverse("admin:delivery_plans_plan_changelist"), "Plans"),
                    (plan_url, str(plan)),
                ],
                "upload_url": reverse("admin:delivery_plans_plan_import_actions", args=[plan.pk]),
                "done_url": plan_url,
                "done_label": "Back to the plan",
            },
        )


class ImportActionsForm(SpreadsheetUploadForm):
    max_bytes = MAX_IMPORT_BYTES


@admin.register(Section)
class SectionAdmin(AuditedAdmin):
    list_display = ["__str__", "plan", "parent"]
    list_filter = ["plan"]
    list_select_related = ["plan", "parent"]
    search_fields = ["title", "number"]
    autocomplete_fields = ["plan", "parent", "outcomes"]


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "plan", "section", "number", "title", "success_measure", "success_measure_unreadable", "owners", "owner_note", "lead",
            "due_text", "method", "indicators", "cost_text", "cost_amount", "funding_source",
            "outcomes", "related_actions", "external_ref", "stage",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        plan, section = cleaned.get("plan"), cleaned.get("section")
        if plan and section and section.plan_id != plan.pk:
            self.add_error("section", "Choose a section of this plan.")
        if cleaned.get("success_measure_unreadable") and cleaned.get("success_measure", "").strip():
            self.add_error(
                "success_measure_unreadable",
                "Untick this: the success measure is written above, so it is no longer unknown.",
            )
        if plan:
            due_date, precision = parse_due_text(
                cleaned.get("due_text", ""), plan_start=plan.period_start
            )
            if precision == UNKNOWN:
                self.add_error(
                    "due_text",
                    "Write the date as the plan does: “September 2021”, “Year 2”, “2023/24”, “Ongoing” or “TBC”.",
                )
            self.instance.due_date, self.instance.due_precision = due_date, precision
        return cleaned


class ActionUpdateInline(VersionedAdminMixin, admin.StackedInline):
    model = ActionUpdate
    extra = 0
    fields = [
        "reported_on",
        "day_given",
        "period_label",
        "kind",
        "rag",
        "distance",
        "text",
        "status",
    ]
    readonly_fields = ["status"]
    ordering = ["-reported_on", "-pk"]


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
    form = ActionForm
    list_display = ["number", "plan", "section", "short_title", "due_text", "stage"]
    list_filter = ["plan", "stage", "due_precision", "owners"]
    list_select_related = ["plan", "section"]
    search_fields = ["number", "title", "success_measure", "owner_note", "plan__title"]
    autocomplete_fields = ["plan", "section", "owners", "lead", "outcomes", "related_actions"]
    readonly_fields = ["due_date", "due_precision", "extra"]
    ordering = ["plan", "sort_key"]
    inlines = [ActionUpdateInline]

    @admin.display(description="Action")
    def short_title(self, action):
        return action.title[:90]

    def save_formset(self, request, form, formset, change):
        if formset.model is not ActionUpdate:
            super().save_formset(request, form, formset, change)
            return
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for update in instances:
            if update.pk:
                update.save()
                continue
            services.record_update(
                action=form.instance,
                text=update.text,
                rag=update.rag,
                distance=update.distance,
                reported_on=update.reported_on,
                period_label=update.period_label,
                kind=update.kind,
                by=request.user,
            )


class ActionUpdateForm(forms.ModelForm):
    class Meta:
        model = ActionUpdate
        fields = ["action", "reported_on", "period_label", "kind", "rag", "distance", "text"]

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action is not None and not services.can_update(self.user, action):
            self.add_error("action", "You may only report on actions your organisation owns.")
        return cleaned


@admin.register(ActionUpdate)
class ActionUpdateAdmin(AuditedAdmin):
    form = ActionUpdateForm
    list_display = ["action", "reported_on", "period_label", "rag", "distance", "status"]
    list_filter = ["status", "rag", "distance", "action__plan"]
    list_select_related = ["action__plan"]
    search_fields = ["text", "action__number", "action__title"]
    autocomplete_fields = ["action"]
    readonly_fields = ["status", "author"]
    actions = ["publish_updates"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or services.can_update(request.user, obj.action))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or services.can_update(request.user, obj.action))

    def save_model(self, request, obj, form, change):
        if change:
            if not services.can_update(request.user, obj.action):
                raise PermissionDenied
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = services.record_update(
            action=data["action"],
            text=data["text"],
            rag=data["rag"],
            distance=data["distance"],
            reported_on=data["reported_on"],
            period_label=data["period_label"],
            kind=data["kind"],
            by=request.user,
        )
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description="Publish the selected updates", permissions=["change"])
    def publish_updates(self, request, queryset):
        published = 0
        for update in queryset.select_related("action"):
            try:
                services.publish_update(update=update, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(
                    request,
                    f"Action {update.action.number}: {error.messages[0] if hasattr(error, 'messages') else error}",
                )
            else:
                published += 1
        if published:
            messages.success(request, f"Updates published: {published}.")
