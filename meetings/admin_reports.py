"""The back office of committee reports: an author writes a report section by section on an
agenda item; a committee officer publishes it with the agenda (DESIGN §4.5, §6).

The report's form has one Markdown box per section of its template. The template is the
agenda item's committee's own, else the council's default; an officer who chooses another
template is shown its sections before anything is saved. Publishing and withdrawing go
through `meetings.services`, from the report's page (one button) or the list (an action).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.html import format_html

from meetings import services
from meetings.models import AgendaItem, Report, ReportTemplate
from safer_norfolk.admin_audit import VERSION_FIELD, AuditedAdmin
from safer_norfolk.query_params import record_id

# What a "table" section starts with: the shape of seed 004's financial implications.
TABLE_STARTER = """| Year | Total cost | Of which in kind |
|---|---|---|
| 2017-18 | £ | £ |
"""
SECTION_PREFIX = "section_"
PUBLISH = "_publish"
WITHDRAW = "_withdraw"


def section_field_name(section):
    return SECTION_PREFIX + section["key"]


class ReportForm(forms.ModelForm):
    """A report with a box for each section of `template` (set by ReportAdmin.get_form)."""

    template_shown = None  # the ReportTemplate whose sections the form shows
    shown = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Report
        fields = [
            "agenda_item",
            "title",
            "template",
            "responsible_officer",
            "responsible_officer_title",
            "order",
            "plans",
            "plan_actions",
            "outcomes",
            "legal_cleared_by",
            "legal_cleared_on",
            "finance_cleared_by",
            "finance_cleared_on",
        ]
        labels = {
            "responsible_officer": "Chief officer",
            "responsible_officer_title": "Their post",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        template = self.template_shown
        self.fields["shown"].initial = template.pk if template else None
        # The template whose boxes the officer filled in, and the one shown now: the page
        # sent back after a change of template carries the new one.
        self.posted_shown = self.data.get("shown") if self.is_bound else None
        if self.is_bound and template is not None:
            self.data = self.data.copy()
            self.data["shown"] = str(template.pk)
        if "template" in self.fields and template is not None:
            self.fields["template"].initial = template.pk
        written = self.instance.sections or {}
        for section in template.sections if template else []:
            required = section.get("required")
            self.fields[section_field_name(section)] = forms.CharField(
                label=section["heading"],
                required=False,  # a draft may be unfinished; publishing checks
                widget=forms.Textarea(
                    attrs={
                        "rows": 8 if section.get("kind") == "table" else 6,
                        "class": "vLargeTextField",
                    }
                ),
                initial=written.get(section["key"])
                or (
                    TABLE_STARTER if section.get("kind") == "table" and not self.instance.pk else ""
                ),
                help_text=(
                    "Markdown: a blank line starts a new paragraph"
                    + (", and each paragraph is numbered" if section.get("numbered") else "")
                    + (", “| a | b |” rows make a table" if section.get("kind") == "table" else "")
                    + ". "
                    + ("Needed before the report is published." if required else "Optional.")
                ),
            )

    def section_fields(self):
        return [name for name in self.fields if name.startswith(SECTION_PREFIX)]

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("template")
        if chosen is not None and self.posted_shown != str(chosen.pk):
            raise ValidationError(
                f"The sections below are now those of “{chosen}”: check them and save again."
            )
        return cleaned

    def save(self, commit=True):
        # Sections the template no longer lists keep their text: nothing written is lost.
        sections = dict(self.instance.sections or {})
        for section in self.template_shown.sections:
            text = self.cleaned_data.get(section_field_name(section), "")
            if text.strip() == TABLE_STARTER.strip():
                text = ""  # the starter table left untouched is nothing written
            sections[section["key"]] = text.replace("\r\n", "\n").strip()
        self.instance.sections = sections
        return super().save(commit=commit)


@admin.register(ReportTemplate)
class ReportTemplateAdmin(AuditedAdmin):
    list_display = ["name", "committee"]
    autocomplete_fields = ["committee"]
    fields = ["name", "committee", "sections"]


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    form = ReportForm
    change_form_template = "admin/meetings/report/change_form.html"
    list_display = ["title", "meeting", "item", "status", "author"]
    list_filter = ["status", "agenda_item__meeting__committee"]
    list_select_related = ["agenda_item__meeting__committee", "author"]
    search_fields = ["title", "agenda_item__title"]
    autocomplete_fields = [
        "agenda_item",
        "responsible_officer",
        "plans",
        "plan_actions",
        "outcomes",
    ]
    readonly_fields = ["status", "published_at", "author"]
    actions = ["publish_reports", "withdraw_reports"]

    @admin.display(description="Meeting", ordering="agenda_item__meeting__starts_at")
    def meeting(self, report):
        return report.agenda_item.meeting

    @admin.display(description="Item")
    def item(self, report):
        return report.agenda_item.number

    def template_for(self, request, obj):
        """The template whose sections the form shows: the one just chosen on the form, else
        the report's own, else the agenda item's committee's (from the address the meeting's
        page links to), else the default."""
        chosen = request.POST.get("template") if request.method == "POST" else None
        if record_id(chosen) is not None:
            template = ReportTemplate.objects.filter(pk=chosen).first()
            if template is not None:
                return template
        if obj is not None:
            return obj.template
        item_key = request.GET.get("agenda_item", "")
        item = (
            AgendaItem.objects.select_related("meeting").filter(pk=item_key).first()
            if record_id(item_key) is not None
            else None
        )
        return ReportTemplate.for_committee(item.meeting.committee_id if item else None)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The section boxes are added by the form itself, so the model form is made from the
        # model's fields only.
        kwargs["fields"] = [
            name
            for name in ReportForm.Meta.fields
            if name not in self.get_readonly_fields(request, obj)
        ]
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"template_shown": self.template_for(request, obj)})

    def get_fieldsets(self, request, obj=None):
        template = self.template_for(request, obj)
        sections = (
            [section_field_name(section) for section in template.sections] if template else []
        )
        return [
            (
                None,
                {"fields": ["agenda_item", "title", "template", "shown", "order", VERSION_FIELD]},
            ),
            (
                "Responsible chief officer",
                {"fields": ["responsible_officer", "responsible_officer_title"]},
            ),
            ("Sections", {"fields": sections}),
            ("What the report concerns", {"fields": ["plans", "plan_actions", "outcomes"]}),
            (
                "Clearance (for officers: never published)",
                {
                    "fields": [
                        "legal_cleared_by",
                        "legal_cleared_on",
                        "finance_cleared_by",
                        "finance_cleared_on",
                    ]
                },
            ),
            ("Publication", {"fields": ["status", "published_at", "author"]}),
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        """The page's "Publish with the agenda" and "Withdraw" buttons save the officer's
        changes first, then publish or withdraw what they saved."""
        for button, service, done in (
            (PUBLISH, services.publish_report, "is published with its agenda"),
            (WITHDRAW, services.withdraw_report, "is withdrawn: back to draft"),
        ):
            if button in request.POST:
                try:
                    service(report=obj, by=request.user, expected_version=obj.version)
                except (ValidationError, PermissionDenied) as error:
                    for message in getattr(error, "messages", [str(error)]):
                        messages.error(request, message)
                else:
                    meeting = obj.agenda_item.meeting
                    when = (
                        ""
                        if meeting.agenda_status == meeting.AgendaStatus.PUBLISHED
                        else " It will be public when the agenda is."
                    )
                    messages.success(request, f"“{obj}” {done}.{when}")
                return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_publish"] = request.user.has_perm("meetings.publish_report")
        context["public_address"] = (
            format_html(
                '<a href="{}?preview=1">{}</a>', obj.get_absolute_url(), "Look at it as a page"
            )
            if obj is not None
            else ""
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description="Publish the selected reports with their agendas")
    def publish_reports(self, request, queryset):
        self._run(request, queryset, services.publish_report, "Reports published")

    @admin.action(description="Withdraw the selected reports (back to draft)")
    def withdraw_reports(self, request, queryset):
        self._run(request, queryset, services.withdraw_report, "Reports withdrawn")

    def _run(self, request, queryset, service, done):
        succeeded = 0
        for report in queryset:
            try:
                service(report=report, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                for message in getattr(error, "messages", [str(error)]):
                    messages.error(request, f"{report}: {message}")
            else:
                succeeded += 1
        if succeeded:
            messages.success(request, f"{done}: {succeeded}.")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("meetings.publish_report"):
            actions.pop("publish_reports", None)
            actions.pop("withdraw_reports", None)
        return actions
