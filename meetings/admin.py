"""The committee officer's back office for meetings.

Status changes (publishing, confirming, cancelling, closing, answering) happen only through
admin actions and saves that call `meetings.services`; the status fields themselves are
read-only here.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from meetings import (
    admin_reports,  # noqa: F401 -- registers the reports' admin
    queries,
    services,
)
from meetings.admin_minutes import minute_taking_url, minutes_link
from meetings.forms import DocumentForm, MeetingForm
from meetings.models import (
    ActionPoint,
    ActionPointNote,
    AgendaItem,
    Attendance,
    AttendanceGroup,
    Committee,
    Declaration,
    Document,
    Meeting,
    Membership,
    Minute,
    Resolution,
    StandardItem,
    WorkProgrammeItem,
    WrittenQuestion,
)
from safer_norfolk import formats, pdf_accessibility
from safer_norfolk.admin_audit import (
    AuditedAdmin,
    SharedChoices,
    VersionedAdminMixin,
    renumbered_rows,
)
from safer_norfolk.audit import release_unique_values
from safer_norfolk.query_params import record_id
from safer_norfolk.storage import UploadNotStored


def report_errors(request, error, subject):
    for message in error.messages:
        messages.error(request, f"{subject}: {message}")


def run_service_on_each(modeladmin, request, queryset, service, done, **kwargs):
    """Apply a service to each selected row; one failure does not stop the rest."""
    succeeded = 0
    for instance in queryset:
        try:
            service(**{modeladmin.service_argument: instance}, by=request.user, **kwargs)
        except ValidationError as error:
            report_errors(request, error, str(instance))
        else:
            succeeded += 1
    if succeeded:
        messages.success(request, f"{done}: {succeeded}.")


def warn_of_inaccessible_papers(request, formset):
    """A warning for each paper uploaded or replaced in `formset` (once saved) whose check
    found it may not be accessible, saying what to do."""
    for document_form in formset.forms:
        facts = getattr(document_form, "pdf_facts", None)
        if facts is None or document_form in formset.deleted_forms:
            continue
        found = facts.accessibility_problems
        if found:
            messages.warning(
                request, pdf_accessibility.officer_warning(document_form.instance.title, found)
            )


class MeetingChildInline:
    """Inline whose agenda item and minute choices are limited to the meeting being edited,
    and whose attendance groups are those of the meeting's committee."""

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_meeting = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        meeting = getattr(self, "parent_meeting", None)
        if db_field.name == "agenda_item":
            kwargs["queryset"] = AgendaItem.objects.filter(meeting=meeting).order_by("sort_key")
        elif db_field.name == "minute":
            kwargs["queryset"] = Minute.objects.filter(meeting=meeting).order_by("sort_key")
        elif db_field.name == "group":
            kwargs["queryset"] = AttendanceGroup.objects.filter(
                committee=meeting.committee_id if meeting else None
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def free_numbers(formset):
    """Let one save swap or shift numbers that are unique within the meeting (items 5 and 6
    exchanged, or 5, 6, 7 moved down one): the rows renumbered or deleted first give up their
    old numbers, then each is saved with its new one or deleted."""
    release_unique_values(formset.model, renumbered_rows(formset, "number"), "number")


class AttendanceGroupInline(VersionedAdminMixin, admin.TabularInline):
    model = AttendanceGroup
    extra = 0
    fields = ["order", "label"]
    verbose_name = "attendance heading"
    verbose_name_plural = (
        "Attendance headings (as the minutes print them; none: “Present” and “Also in attendance”)"
    )


class StandardItemInline(VersionedAdminMixin, admin.TabularInline):
    model = StandardItem
    extra = 0
    fields = ["order", "kind", "title", "description"]
    verbose_name_plural = "Standard items (every new meeting's agenda starts with these)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.base_fields["description"].widget.attrs["rows"] = 1
        return formset


def place_new_lines_last(formset):
    """A line of attendance added on the meeting's page and given no position of its own is
    listed after those already there, in the order the lines were added: a guest added to a
    meeting is printed after its pre-filled officers, not before them."""
    placed = Attendance.objects.filter(meeting=formset.instance).aggregate(last=Max("order"))
    position = (placed["last"] or 0) + 1
    for line in formset.extra_forms:
        if not line.has_changed() or "order" in line.changed_data:
            continue
        if line.cleaned_data.get("DELETE"):
            continue
        line.instance.order = position
        position += 1


class MembershipInline(SharedChoices, VersionedAdminMixin, admin.TabularInline):
    model = Membership
    fk_name = "committee"
    extra = 0
    shared_choices = ["group"]
    autocomplete_fields = ["person", "representing", "substitute_for"]
    fields = [
        "order",
        "person",
        "role",
        "representing",
        "substitute_for",
        "group",
        "department",
        "start_date",
        "end_date",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        self.parent_committee = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            committee = getattr(self, "parent_committee", None)
            kwargs["queryset"] = AttendanceGroup.objects.filter(
                committee=committee.pk if committee else None
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class WorkProgrammeInline(VersionedAdminMixin, admin.TabularInline):
    model = WorkProgrammeItem
    fk_name = "committee"
    extra = 0
    autocomplete_fields = ["meeting", "requested_at"]
    fields = ["order", "title", "target_text", "meeting", "invited", "status", "requested_at"]


@admin.register(Committee)
class CommitteeAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "parent", "meeting_count"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["parent", "partnership", "contact"]
    inlines = [StandardItemInline, AttendanceGroupInline, MembershipInline, WorkProgrammeInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(meeting_count=Count("meetings"))
        )

    @admin.display(description="Meetings", ordering="meeting_count")
    def meeting_count(self, committee):
        return committee.meeting_count


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["person", "committee", "role", "representing", "start_date", "end_date"]
    list_filter = ["committee", "role"]
    list_select_related = ["person", "committee", "representing"]
    search_fields = ["person__name", "committee__name", "representing__name"]
    autocomplete_fields = ["committee", "person", "representing", "substitute_for"]


class AgendaItemInline(VersionedAdminMixin, admin.TabularInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["lead"]
    fields = [
        "number",
        "title",
        "kind",
        "lead_text",
        "lead",
        "duration_minutes",
        "pack_page",
        "is_exempt",
        "reports",
    ]
    readonly_fields = ["reports"]
    ordering = ["sort_key"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("reports")

    @admin.display(description="Reports")
    def reports(self, item):
        """The item's reports, and a link to write one: the form starts on this item, with
        its committee's template."""
        if item.pk is None:
            return ""
        written = format_html_join(
            "",
            '<a href="{}">{}</a> ({})<br>',
            (
                (reverse("admin:meetings_report_change", args=[report.pk]), report.title,
                 report.get_status_display().lower())
                for report in item.reports.all()
            ),
        )  # fmt: skip
        add = reverse("admin:meetings_report_add")
        return format_html(
            '{}<a href="{}?agenda_item={}">Write a report</a>', written, add, item.pk
        )


class DocumentInline(VersionedAdminMixin, MeetingChildInline, admin.TabularInline):
    model = Document
    form = DocumentForm
    extra = 0
    fields = [
        "order",
        "agenda_item",
        "title",
        "kind",
        "file",
        "is_public",
        "page_count",
        "accessibility",
    ]
    readonly_fields = ["page_count", "accessibility"]

    @admin.display(description="Accessibility")
    def accessibility(self, document):
        """What the upload's check found; nothing for a paper whose file was never read."""
        if document.pk is None or document.has_text_layer is None:
            return "-"
        found = document.accessibility_problems
        if not found:
            return "No problems found"
        labels = ", ".join(pdf_accessibility.LABELS[problem] for problem in found)
        return f"May not be accessible: {labels}"


class AttendanceInline(SharedChoices, VersionedAdminMixin, MeetingChildInline, admin.TabularInline):
    model = Attendance
    fk_name = "meeting"
    extra = 0
    shared_choices = ["group"]
    autocomplete_fields = ["person", "substitute_for"]
    fields = [
        "order",
        "person",
        "capacity",
        "group",
        "department",
        "status",
        "no_substitute",
        "substitute_for",
        "in_chair",
        "note",
    ]


class DeclarationInline(VersionedAdminMixin, MeetingChildInline, admin.TabularInline):
    model = Declaration
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "agenda_item", "kind", "text"]


class MinuteInline(VersionedAdminMixin, MeetingChildInline, admin.StackedInline):
    model = Minute
    extra = 0
    show_change_link = True  # resolutions are edited on the minute's own page
    fields = ["number", "agenda_item", "heading", "body"]
    ordering = ["sort_key"]


class ActionPointInlineForm(forms.ModelForm):
    class Meta:
        model = ActionPoint
        fields = [
            "reference",
            "minute",
            "title",
            "description",
            "owner_text",
            "owner_person",
            "owner_organisation",
            "due_date",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].required = False
        self.fields["reference"].help_text = "Left blank, the next number is given (e.g. 07/03)."

    def clean_reference(self):
        reference = self.cleaned_data["reference"].strip()
        meeting = (
            Meeting.objects.filter(pk=self.instance.meeting_id).select_related("committee").first()
        )
        if reference and meeting:
            taken = ActionPoint.objects.filter(committee=meeting.committee, reference=reference)
            if taken.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(
                    f"{meeting.committee} already has an action point {reference}."
                )
        return reference


class ActionPointInline(VersionedAdminMixin, MeetingChildInline, admin.TabularInline):
    model = ActionPoint
    form = ActionPointInlineForm
    fk_name = "meeting"
    extra = 0
    show_change_link = True
    autocomplete_fields = ["owner_person", "owner_organisation"]
    fields = [
        "reference",
        "minute",
        "title",
        "description",
        "owner_text",
        "owner_person",
        "owner_organisation",
        "due_date",
        "status",
    ]
    readonly_fields = ["status"]
    ordering = ["sort_key"]


class WrittenQuestionInline(VersionedAdminMixin, MeetingChildInline, admin.StackedInline):
    model = WrittenQuestion
    extra = 0
    show_change_link = True  # responses are recorded on the question's own page
    autocomplete_fields = ["asked_by", "addressed_to", "plan_actions"]
    fields = [
        "number",
        "agenda_item",
        "question",
        "plan_actions",
        "asked_by",
        "addressed_to",
        "response_due",
        "status",
    ]
    readonly_fields = ["status"]


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    form = MeetingForm
    service_argument = "meeting"
    list_display = ["starts", "committee", "status", "agenda_status", "minutes_status"]
    list_filter = ["committee", "status", "agenda_status", "minutes_status"]
    list_select_related = ["committee"]
    date_hierarchy = "starts_at"
    search_fields = ["committee__name", "committee__short_name", "venue"]
    autocomplete_fields = ["committee", "signed_by"]
    readonly_fields = ["agenda_status", "minutes_status", "minutes_confirmed_at_meeting"]
    fieldsets = [
        (None, {"fields": ["committee", "starts_at", "ends_at", "status"]}),
        ("Where", {"fields": ["venue", "mode", "livestream_url"]}),
        ("Advice to the public", {"fields": ["public_notice", "public_questions_deadline"]}),
        (
            "Entering a past meeting",
            {
                "fields": ["agenda_published_on", "minutes_published_on"],
                "description": "For a meeting held before it was entered here: the days its "
                "agenda and minutes were first published. Publishing keeps these days; left "
                "blank, publishing records today.",
            },
        ),
        ("Who chaired", {"fields": ["stand_in_chair"]}),
        (
            "Publication (change with the actions on the meetings list)",
            {"fields": [*readonly_fields, "signed_by"]},
        ),
    ]
    inlines = [
        AgendaItemInline,
        DocumentInline,
        AttendanceInline,
        DeclarationInline,
        MinuteInline,
        ActionPointInline,
        WrittenQuestionInline,
    ]
    actions = [
        "publish_agenda",
        "publish_minutes",
        "confirm_minutes_at_next_meeting",
        "cancel_meetings",
    ]

    def get_search_results(self, request, queryset, search_term):
        """Meetings are found by committee, venue, or the day or month as written ("21
        February 2018", "21/02/2018", "Feb 2018"); the close-action form's picker asks only
        for its committees' meetings."""
        if request.path == reverse("admin:autocomplete") and request.GET.get("committee"):
            keys = [key for key in map(record_id, request.GET["committee"].split(",")) if key]
            queryset = queryset.filter(committee__in=keys)
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        period = formats.written_period(search_term)
        if period:
            found |= queryset.filter(starts_at__date__range=period)
        return found, may_have_duplicates

    @admin.display(description="Starts at", ordering="starts_at")
    def starts(self, meeting):
        """The local day and time; the day alone when the start time was not recorded."""
        starts = timezone.localtime(meeting.starts_at)
        if not meeting.start_time_known:
            return f"{formats.date(starts, 'j M Y')} (time not recorded)"
        return formats.date(starts, "j M Y, H:i")

    def get_urls(self):
        return [minute_taking_url(self), *super().get_urls()]

    def get_list_display(self, request):
        return [*super().get_list_display(request), minutes_link]

    def get_inlines(self, request, obj):
        # A new meeting is created with its standard items and expected attendees first;
        # the agenda and the rest are edited once it exists.
        return self.inlines if obj else []

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj else fieldsets[:4]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        details = {
            name: form.cleaned_data[name]
            for name in (
                "ends_at",
                "start_time_known",
                "agenda_published_at",
                "minutes_published_at",
                "livestream_url",
                "public_notice",
                "public_questions_deadline",
                "status",
            )
            if name in form.cleaned_data
        }
        created = services.create_meeting(
            committee=form.cleaned_data["committee"],
            starts_at=form.cleaned_data["starts_at"],
            # A venue left blank is the committee's usual one for a meeting to come; for a
            # past meeting entered after the event it stays blank: not recorded.
            venue=form.cleaned_data.get("venue")
            or ("" if form.cleaned_data["starts_at"] < timezone.now() else None),
            mode=form.cleaned_data["mode"],
            by=request.user,
            **details,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except UploadNotStored as error:
            # The page's transaction was rolled back and the papers' files removed.
            messages.error(request, f"{error} Nothing on this page was saved.")
            return HttpResponseRedirect(request.get_full_path())

    def save_related(self, request, form, formsets, change):
        try:
            super().save_related(request, form, formsets, change)
        except Exception:
            # The rows are rolled back with the page; the files stored for them are not.
            for formset in formsets:
                if formset.model is Document:
                    for document_form in formset.forms:
                        document_form.discard_upload()
            raise
        for formset in formsets:
            if formset.model is Document:
                warn_of_inaccessible_papers(request, formset)

    def save_formset(self, request, form, formset, change):
        if formset.model in (AgendaItem, Minute):
            free_numbers(formset)
        if formset.model is Attendance:
            place_new_lines_last(formset)
        if formset.model is not ActionPoint:
            super().save_formset(request, form, formset, change)
            return
        # New action points are raised through the service, which numbers them.
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        for action_point in instances:
            if action_point.pk:
                action_point.save()
                continue
            services.raise_action_point(
                meeting=form.instance,
                description=action_point.description,
                minute=action_point.minute,
                title=action_point.title,
                owner_text=action_point.owner_text,
                owner_person=action_point.owner_person,
                owner_organisation=action_point.owner_organisation,
                due_date=action_point.due_date,
                reference=action_point.reference,
                by=request.user,
            )

    @admin.action(description="Publish the agenda of the selected meetings", permissions=["change"])
    def publish_agenda(self, request, queryset):
        run_service_on_each(self, request, queryset, services.publish_agenda, "Agendas published")

    @admin.action(
        description="Publish the minutes (as draft until confirmed)", permissions=["change"]
    )
    def publish_minutes(self, request, queryset):
        run_service_on_each(self, request, queryset, services.publish_minutes, "Minutes published")

    @admin.action(
        description="Confirm the minutes as agreed at the committee's next meeting",
        permissions=["change"],
    )
    def confirm_minutes_at_next_meeting(self, request, queryset):
        confirmed = 0
        for meeting in queryset.select_related("committee"):
            next_meeting = queries.next_meeting_after(meeting)
            if next_meeting is None:
                messages.error(
                    request,
                    f"{meeting}: there is no later meeting of the committee to confirm them.",
                )
                continue
            try:
                services.confirm_minutes(meeting=meeting, at_meeting=next_meeting, by=request.user)
            except ValidationError as error:
                report_errors(request, error, str(meeting))
            else:
                confirmed += 1
        if confirmed:
            messages.success(request, f"Minutes confirmed: {confirmed}.")

    @admin.action(description="Cancel the selected meetings", permissions=["change"])
    def cancel_meetings(self, request, queryset):
        run_service_on_each(self, request, queryset, services.cancel_meeting, "Meetings cancelled")


class ResolutionInline(VersionedAdminMixin, admin.TabularInline):
    model = Resolution
    extra = 0
    fields = ["order", "verb", "text"]


@admin.register(Minute)
class MinuteAdmin(AuditedAdmin):
    list_display = ["__str__", "meeting"]
    list_filter = ["meeting__committee"]
    list_select_related = ["meeting__committee"]
    search_fields = ["heading", "body", "number"]
    autocomplete_fields = ["meeting", "agenda_item"]
    inlines = [ResolutionInline]
    ordering = ["-meeting__starts_at", "sort_key"]


@admin.register(AgendaItem)
class AgendaItemAdmin(AuditedAdmin):
    list_display = ["__str__", "meeting", "kind", "is_exempt"]
    list_filter = ["kind", "is_exempt", "meeting__committee"]
    list_select_related = ["meeting__committee"]
    search_fields = ["title", "description", "number"]
    autocomplete_fields = ["meeting", "lead", "plan", "plan_actions", "outcomes"]
    ordering = ["-meeting__starts_at", "sort_key"]


class CommitteeMeetingSelect(AutocompleteSelect):
    """The admin's meeting autocomplete, offering only the meetings of `committees`
    (MeetingAdmin.get_search_results reads them from its address)."""

    def __init__(self, committees, admin_site):
        super().__init__(ActionPoint._meta.get_field("closed_at_meeting"), admin_site)
        self.committees = committees

    def get_url(self):
        return (
            f"{super().get_url()}?{urlencode({'committee': ','.join(map(str, self.committees))})}"
        )


class CloseActionPointsForm(forms.Form):
    response = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How it was closed, e.g. “Closed: Agenda Item 10”.",
    )
    closed_at_meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        help_text="The meeting that closed it: type its date, e.g. 21 February 2018.",
    )
    closed_on = forms.DateField(
        required=False, help_text="Leave blank for today (or the meeting's date)."
    )
    closed_by = forms.BooleanField(
        required=False,
        label="The paper gives no day: it was closed by the day above",
        help_text="Tick when the paper shows it closed but does not say when, and give above "
        "the latest day it can have been (the day before the meeting whose papers show it "
        "closed). Pages then say “closed by” that day.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("closed_by") and not cleaned.get("closed_on"):
            self.add_error(
                "closed_on", "Give the latest day it can have been closed: the paper gives none."
            )
        return cleaned

    def __init__(self, *args, committees, admin_site, **kwargs):
        """`committees`: the keys of the committees whose action points are being closed;
        only their meetings can be chosen."""
        super().__init__(*args, **kwargs)
        field = self.fields["closed_at_meeting"]
        field.widget = CommitteeMeetingSelect(committees, admin_site)
        field.queryset = Meeting.objects.filter(committee__in=committees).select_related(
            "committee"
        )


class ActionPointNoteInline(VersionedAdminMixin, admin.TabularInline):
    model = ActionPointNote
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["noted_on", "text", "author"]


@admin.register(ActionPoint)
class ActionPointAdmin(AuditedAdmin):
    service_argument = "action_point"
    list_display = [
        "reference",
        "committee",
        "short_description",
        "owner_person",
        "owner_organisation",
        "status",
    ]
    list_filter = ["status", "committee", "owner_organisation"]
    list_select_related = ["committee", "owner_person", "owner_organisation"]
    search_fields = [
        "reference",
        "title",
        "description",
        "response",
        "owner_text",
        "owner_person__name",
        "owner_organisation__name",
    ]
    autocomplete_fields = [
        "meeting",
        "minute",
        "owner_person",
        "owner_organisation",
        "due_meeting",
        "plan_actions",
    ]
    readonly_fields = ["committee", "status", "closed_on", "closed_day_given", "closed_at_meeting"]
    ordering = ["committee", "sort_key"]
    actions = ["close_action_points"]
    inlines = [ActionPointNoteInline]

    def get_readonly_fields(self, request, obj=None):
        return (
            self.readonly_fields
            if obj
            else [
                "committee",
                "status",
                "response",
                "closed_on",
                "closed_day_given",
                "closed_at_meeting",
            ]
        )

    @admin.display(description="Action")
    def short_description(self, action_point):
        return action_point.description[:80]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "reference" in form.base_fields:
            form.base_fields["reference"].required = False
        return form

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        created = services.raise_action_point(
            meeting=data["meeting"],
            description=data["description"],
            minute=data.get("minute"),
            title=data.get("title", ""),
            owner_text=data.get("owner_text", ""),
            owner_person=data.get("owner_person"),
            owner_organisation=data.get("owner_organisation"),
            due_date=data.get("due_date"),
            due_meeting=data.get("due_meeting"),
            reference=data.get("reference"),
            by=request.user,
        )
        obj.pk, obj.committee_id, obj.reference = (
            created.pk,
            created.committee_id,
            created.reference,
        )
        obj._state.adding = False

    @admin.action(description="Close the selected action points…", permissions=["change"])
    def close_action_points(self, request, queryset):
        chosen = {
            "committees": sorted(set(queryset.values_list("committee", flat=True))),
            "admin_site": self.admin_site,
        }
        if "apply" in request.POST:
            form = CloseActionPointsForm(request.POST, **chosen)
            if form.is_valid():
                options = dict(form.cleaned_data)
                options["closed_day_given"] = not options.pop("closed_by")
                run_service_on_each(
                    self,
                    request,
                    queryset,
                    services.close_action_point,
                    "Action points closed",
                    **options,
                )
                return None
        else:
            form = CloseActionPointsForm(**chosen)
        return TemplateResponse(
            request,
            "admin/meetings/close_action_points.html",
            {
                **self.admin_site.each_context(request),
                "title": "Close action points",
                "form": form,
                "action_points": queryset,
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "opts": self.model._meta,
            },
        )


class WrittenQuestionForm(forms.ModelForm):
    class Meta:
        model = WrittenQuestion
        fields = [
            "meeting",
            "agenda_item",
            "number",
            "question",
            "asked_by",
            "addressed_to",
            "response_due",
            "plan_actions",
            "response",
            "responded_by",
        ]

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.status == WrittenQuestion.Status.WITHDRAWN
            and "response" in self.changed_data
        ):
            self.add_error("response", "This question was withdrawn, so it cannot be answered.")
        return cleaned


@admin.register(WrittenQuestion)
class WrittenQuestionAdmin(AuditedAdmin):
    form = WrittenQuestionForm
    list_display = ["__str__", "meeting", "addressed_to", "status", "response_due", "responded_on"]
    list_filter = ["status", "addressed_to", "meeting__committee"]
    list_select_related = ["meeting__committee", "addressed_to"]
    search_fields = ["question", "response"]
    autocomplete_fields = [
        "meeting",
        "agenda_item",
        "asked_by",
        "addressed_to",
        "responded_by",
        "plan_actions",
    ]
    readonly_fields = ["status", "responded_on"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "meeting",
                    "agenda_item",
                    "number",
                    "question",
                    "plan_actions",
                    "asked_by",
                    "addressed_to",
                    "response_due",
                ]
            },
        ),
        ("Response", {"fields": ["response", "responded_by", "status", "responded_on"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.GET.get("mine") == "1":
            person = getattr(request.user, "person", None)
            queryset = queryset.filter(
                Q(addressed_to_id=person.organisation_id) if person else Q(pk__in=[])
            )
        return queryset

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or services.can_respond(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.has_perm("meetings.add_writtenquestion"):
            return self.readonly_fields
        # Partnership officers write the response, as their own organisation; the question
        # itself is the committee's.
        return [*self.fieldsets[0][1]["fields"], "responded_by", *self.readonly_fields]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        response = (form.cleaned_data.get("response") or "").strip()
        if change and response and {"response", "responded_by"} & set(form.changed_data):
            # Answering is a service: it stamps the date, sets the status and checks the officer.
            services.record_written_response(
                question=obj,
                response=response,
                responded_by=form.cleaned_data.get("responded_by") or obj.addressed_to,
                by=request.user,
            )


@admin.register(WorkProgrammeItem)
class WorkProgrammeItemAdmin(AuditedAdmin):
    list_display = ["title", "committee", "target_text", "meeting", "status"]
    list_filter = ["status", "committee"]
    list_select_related = ["committee", "meeting__committee"]
    search_fields = ["title", "issues", "invited"]
    autocomplete_fields = ["committee", "meeting", "requested_at"]
