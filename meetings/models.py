"""Committees and their meetings: agendas, papers, attendance, minutes, action points,
written questions and the forward work programme (DESIGN §4.4).

Publication (DESIGN §5) is encoded once per model in its queryset's `public()`.
"""

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from delivery_plans.models import Action, Plan
from outcomes.models import Outcome
from safer_norfolk import formats, pdf_accessibility
from safer_norfolk.audit import Versioned, VersionedManager, VersionedQuerySet, audited_history
from safer_norfolk.fields import NaturalSortKeyField, WebAddressField
from safer_norfolk.models import Organisation, Person
from safer_norfolk.routes import Route
from safer_norfolk.validators import plausible_date

# Pages list meetings and papers by the hundred (safer_norfolk.routes).
COMMITTEE_ROUTE = Route("meetings:committee", slug="slug")
MEETING_ROUTE = Route("meetings:meeting", slug="slug", date="isodate")
DOCUMENT_ROUTE = Route("meetings:document", pk="int")
DOCUMENT_TEXT_ROUTE = Route("meetings:document_text", pk="int")
MINUTES_PUBLIC = ("published", "confirmed")


class Committee(Versioned):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=60, blank=True, help_text="e.g. “NCCSP Scrutiny Sub Panel”."
    )
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The committee this one reports to.",
    )
    partnership = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="committees",
        help_text="The partnership whose work this committee runs or scrutinises.",
    )
    description = models.TextField(blank=True, help_text="Markdown.")
    terms_of_reference = models.TextField(blank=True, help_text="Markdown.")
    contact = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="committees_contact_for",
    )
    # The published contact: shown on the committee page and agenda front sheets.
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    alternative_formats_contact = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who to ask for a paper in large print, audio, Braille or another language, "
        "as the council's papers print it: “Customer Services on 0344 800 8020 or Text Relay "
        "on 18001 0344 800 8020 (textphone)”. Left blank, the published contact above.",
    )
    default_venue = models.CharField(max_length=300, blank=True)

    class ReferenceScheme(models.TextChoices):
        MONTH = "month", "Month of the meeting / number: 07/01, 07/02"
        PREFIXED = "prefixed", "Prefix and number: OR 1, OR 2"
        NUMBER = "number", "Number: 1, 2, 3"

    reference_scheme = models.CharField(
        max_length=10,
        choices=ReferenceScheme.choices,
        default=ReferenceScheme.MONTH,
        help_text="How the committee's papers number its action points; a new one is given "
        "the next reference.",
    )
    reference_prefix = models.CharField(
        max_length=10, blank=True, help_text="For “Prefix and number”: “OR” gives OR 1, OR 2 …"
    )

    history = audited_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reference_scheme="prefixed") | ~Q(reference_prefix=""),
                name="committee_prefixed_references_have_a_prefix",
                violation_error_message="Give the prefix the committee's references start with.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return COMMITTEE_ROUTE(slug=self.slug)

    @property
    def display_name(self):
        return self.short_name or self.name


class Membership(Versioned):
    correction_shown_on_parent = True

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-Chair"
        MEMBER = "member", "Member"
        SUBSTITUTE = "substitute", "Substitute"
        OFFICER = "officer", "Standing officer (attends, not a member)"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    representing = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="memberships"
    )
    substitute_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="substitutes",
        help_text="For a substitute: the main member they stand in for.",
    )
    start_date = models.DateField(null=True, blank=True, validators=[plausible_date])
    end_date = models.DateField(null=True, blank=True, validators=[plausible_date])
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position in the membership table."
    )
    group = models.ForeignKey(
        "AttendanceGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        help_text="The heading the minutes list them under; a new meeting starts them there.",
    )
    department = models.CharField(
        max_length=120,
        blank=True,
        help_text="Their department or team, printed after the organisation: "
        "“Community Safety Team”.",
    )

    history = audited_history()

    class Meta:
        ordering = ["committee", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_it_starts",
            ),
        ]

    # What __str__ reads: the admin's lists and pickers select them with the rows.
    label_relations = ("person", "committee", "representing")

    def __str__(self):
        representing = f" ({self.representing})" if self.representing_id else ""
        return f"{self.person} – {self.get_role_display()}, {self.committee}{representing}"

    def clean(self):
        super().clean()
        check_own_group(self, self.committee_id)

    def is_current(self, on=None):
        on = on or timezone.localdate()
        return (self.start_date is None or self.start_date <= on) and (
            self.end_date is None or self.end_date >= on
        )


class AttendanceGroup(Versioned):
    """A heading a committee's minutes print their attendance under, in order: "Board",
    "Members", "Guests"; "Present", "Also in attendance". Apologies are printed by the same
    headings. A committee without any prints members as "Present" and everyone else as
    "Also in attendance"."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="attendance_groups"
    )
    label = models.CharField(max_length=80, help_text="As the minutes print it: “Board”.")
    order = models.PositiveSmallIntegerField(default=0)

    history = audited_history()

    class Meta:
        ordering = ["committee", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "label"],
                name="attendance_group_label_once_per_committee",
                violation_error_message="The committee already prints a group with this label.",
            ),
        ]

    def __str__(self):
        return self.label


def check_own_group(record, committee_id):
    """An attendance group belongs to one committee: a record of another committee's
    meeting or membership cannot be listed under it."""
    if record.group_id and record.group.committee_id != committee_id:
        raise ValidationError({"group": f"“{record.group}” is a group of another committee."})


class MeetingQuerySet(VersionedQuerySet):
    def public(self):
        """A meeting is public once its agenda is published; cancelling keeps it public."""
        return self.filter(agenda_status=Meeting.AgendaStatus.PUBLISHED)

    def with_public_minutes(self):
        return self.public().filter(minutes_status__in=MINUTES_PUBLIC)

    def unpublished(self):
        """The meetings whose agenda is not yet published (public() leaves them out)."""
        return self.exclude(agenda_status=Meeting.AgendaStatus.PUBLISHED)

    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(starts_at__lt=now or timezone.now()).order_by("-starts_at")


class Meeting(Versioned):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"
        POSTPONED = "postponed", "Postponed"

    class AgendaStatus(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class MinutesStatus(models.TextChoices):
        NONE = "none", "None yet"
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published (subject to confirmation)"
        CONFIRMED = "confirmed", "Confirmed"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(validators=[plausible_date])
    start_time_known = models.BooleanField(
        default=True,
        help_text="False for a past meeting whose papers give its date but not its start "
        "time: pages then show the date alone and calendars an all-day event.",
    )
    ends_at = models.DateTimeField(
        null=True, blank=True, validators=[plausible_date], help_text="When the meeting finished."
    )
    venue = models.CharField(max_length=300, blank=True)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    livestream_url = WebAddressField(blank=True)
    public_notice = models.TextField(blank=True, help_text="Advice to the public (Markdown).")
    public_questions_deadline = models.DateTimeField(
        null=True, blank=True, validators=[plausible_date]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    agenda_status = models.CharField(
        max_length=20, choices=AgendaStatus.choices, default=AgendaStatus.DRAFT
    )
    # Stamped on publishing; blank for a past meeting whose papers do not say when its agenda
    # or minutes were published (never a day made up for them).
    agenda_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    minutes_status = models.CharField(
        max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.NONE
    )
    minutes_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    minutes_confirmed_at_meeting = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="minutes_confirmed",
        help_text="The later meeting that agreed these minutes as an accurate record.",
    )
    signed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="minutes_signed"
    )
    stand_in_chair = models.CharField(
        max_length=300,
        blank=True,
        help_text="When someone other than the Chair chaired, as the minutes say it: "
        "“The Deputy Chairman agreed to chair”. If they are named, also tick “in chair” on "
        "their line of attendance.",
    )

    objects = MeetingQuerySet.as_manager()

    # Kept by PostgreSQL with the committee's name (safer_norfolk.search_vectors).
    search_vector = SearchVectorField(null=True, editable=False)
    history = audited_history(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(minutes_status__in=["none", "draft"]) | Q(agenda_status="published"),
                name="meeting_minutes_public_only_after_agenda",
            ),
        ]
        indexes = [
            # Serves a committee's meeting list and "upcoming meetings" by date.
            models.Index(fields=["committee", "starts_at"], name="meeting_committee_starts_idx"),
            # Serves the newest meetings across every committee, and what was raised or asked
            # at them newest first: the home page's latest minutes, the API's meetings list,
            # the written questions page (walked in this order, the first 50 public questions
            # are found in a few hundred meetings, not sorted out of every question).
            models.Index(fields=["-starts_at"], name="meeting_newest_idx"),
            # Serves joins to the meetings whose minutes are public (the publication rules):
            # the outstanding page's owner list, its rows and its counts read those meetings'
            # ids here, an index-only scan, instead of filtering every meeting row.
            models.Index(
                fields=["id"],
                condition=Q(agenda_status="published", minutes_status__in=MINUTES_PUBLIC),
                name="meeting_public_minutes_idx",
            ),
            # Serves the committee list's count of each committee's public meetings
            # (queries.committees), read from the index alone.
            models.Index(
                fields=["committee", "id"],
                condition=Q(agenda_status="published"),
                name="meeting_public_count_idx",
            ),
        ]

    label_relations = ("committee",)

    def __str__(self):
        """ "Safer Norfolk Partnership – 21 February 2018": what the back office lists and
        pickers show (searchable by the day as written: MeetingAdmin.get_search_results)."""
        return f"{self.committee} – {formats.date(self.starts_at, 'j F Y')}"

    def get_absolute_url(self):
        # committee__slug is read through the relation: callers list meetings with select_related.
        return MEETING_ROUTE(
            slug=self.committee.slug, date=timezone.localdate(self.starts_at).isoformat()
        )

    @property
    def local_date(self):
        """The meeting's day in Europe/London: the date every title, feed and PDF shows (a
        meeting at 23:30 BST falls on the next day in UTC)."""
        return timezone.localdate(self.starts_at)

    @property
    def day_label(self):
        """ "24 February 2022": the local date as titles and feeds write it."""
        day = self.local_date
        return f"{day.day} {day:%B %Y}"

    @property
    def where(self):
        """Where the meeting is held, as its page and agenda write it: the venue, with how
        it is held when the venue's name does not say ("County Hall (hybrid)", "Online");
        the way alone without a venue; "" for an in-person meeting with no venue."""
        mode = self.get_mode_display()
        if self.mode == self.Mode.IN_PERSON or mode.lower() in self.venue.lower():
            return self.venue
        return f"{self.venue} ({mode.lower()})" if self.venue else mode

    @property
    def has_started(self):
        return self.starts_at <= timezone.now()

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def agenda_is_public(self):
        return self.agenda_status == self.AgendaStatus.PUBLISHED

    @property
    def minutes_are_public(self):
        return self.agenda_is_public and self.minutes_status in MINUTES_PUBLIC

    @property
    def minutes_are_draft(self):
        """Published but not yet agreed at a later meeting: pages and PDFs say so."""
        return self.minutes_status == self.MinutesStatus.PUBLISHED


def check_same_meeting(record, field):
    """A record hung on an agenda item or a minute (`field`) must be of that item's meeting:
    a minute, paper, declaration, question or action point filed under another meeting's item
    would be published with the wrong meeting. Called by each such model's clean(), so every
    form and service refuses it; on PostgreSQL a foreign key on (item, meeting) refuses it
    whatever writes the row (migration meetings 0023)."""
    if getattr(record, f"{field}_id") is None or record.meeting_id is None:
        return
    linked = getattr(record, field)
    if linked.meeting_id != record.meeting_id:
        raise ValidationError(
            {
                field: f"“{linked}” is from another meeting ({linked.meeting}); choose one "
                "of this meeting’s."
            }
        )


class AgendaItemQuerySet(VersionedQuerySet):
    def public(self):
        return self.filter(meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED, is_exempt=False)


class AgendaItem(Versioned):
    class Kind(models.TextChoices):
        APOLOGIES = "apologies", "Apologies"
        MINUTES = "minutes", "Minutes of the previous meeting"
        DECLARATIONS = "declarations", "Declarations of interest"
        URGENT_BUSINESS = "urgent_business", "Urgent business"
        PUBLIC_QUESTIONS = "public_questions", "Public questions"
        ACTION_REVIEW = "action_review", "Action points: review"
        REPORT = "report", "Report"
        PRESENTATION = "presentation", "Presentation"
        FORWARD_WORK_PROGRAMME = "forward_work_programme", "Forward work programme"
        ANY_OTHER_BUSINESS = "any_other_business", "Any other business"
        KEY_MESSAGES = "key_messages", "Key messages"
        DATE_OF_NEXT_MEETING = "date_of_next_meeting", "Date of next meeting"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    number = models.CharField(max_length=20, help_text="As printed: “5”, “6.1”.")
    sort_key = NaturalSortKeyField(source="number")
    title = models.CharField(max_length=400)
    description = models.TextField(
        blank=True, help_text="Markdown, e.g. “To consider the final Plan.”"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.REPORT)
    lead_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="Lead officer as printed, e.g. “Lynne Miles, Cambridge City Council”.",
    )
    lead = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items_led"
    )
    duration_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Minutes allowed."
    )
    pack_page = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Page where this item's papers start in the agenda pack as published.",
    )
    is_exempt = models.BooleanField(
        default=False, help_text="Part 2: exempt information, never shown to the public."
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        help_text="The delivery plan it concerns.",
    )
    plan_actions = models.ManyToManyField(Action, blank=True, related_name="agenda_items")
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="agenda_items")
    # What a new meeting brings forward to its "Action points: review" item: the committee's
    # action points still open and its questions still awaiting a response.
    carried_action_points = models.ManyToManyField(
        "ActionPoint",
        blank=True,
        related_name="reviewed_under",
        help_text="Open action points brought forward to this item for review.",
    )
    carried_questions = models.ManyToManyField(
        "WrittenQuestion",
        blank=True,
        related_name="reviewed_under",
        help_text="Written questions awaiting a response, brought forward to this item.",
    )

    objects = AgendaItemQuerySet.as_manager()

    # Kept by a database trigger on PostgreSQL for the site search (meetings.search).
    search_vector = SearchVectorField(null=True, editable=False)
    history = audited_history(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["meeting", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="agenda_item_number_unique_per_meeting"
            ),
            # What the records filed under an item refer to on PostgreSQL (check_same_meeting).
            models.UniqueConstraint(fields=["id", "meeting"], name="agenda_item_of_meeting"),
        ]
        indexes = [
            # The exempt rule of the minutes' records (public(): not an exempt item's), looked
            # up for every open action point the outstanding page and the home page count and
            # every minute, decision and action point a search counts: read from the index
            # alone, without a visit to the item's row.
            models.Index(fields=["id", "is_exempt"], name="agendaitem_exempt_rule_idx"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#item-{self.number}"


class StandardItem(Versioned):
    """An item every agenda of the committee carries, in order: a new meeting starts with
    them ("Welcome and apologies", "Action points: review", "Key messages")."""

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="standard_items"
    )
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(
        max_length=30, choices=AgendaItem.Kind.choices, default=AgendaItem.Kind.OTHER
    )
    title = models.CharField(max_length=400)
    description = models.TextField(blank=True, help_text="Markdown, as the agenda prints it.")

    history = audited_history()

    class Meta:
        ordering = ["committee", "order", "pk"]

    def __str__(self):
        return self.title


# The items a committee's agendas open with until its own are set (DESIGN §2).
DEFAULT_STANDARD_ITEMS = [
    (AgendaItem.Kind.APOLOGIES, "Apologies for absence and substitutions"),
    (AgendaItem.Kind.MINUTES, "Minutes of the previous meeting"),
    (AgendaItem.Kind.DECLARATIONS, "Declarations of interest"),
    (AgendaItem.Kind.URGENT_BUSINESS, "Items of urgent business"),
]


class DocumentQuerySet(VersionedQuerySet):
    def public(self):
        return self.filter(
            meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED, is_public=True
        ).exclude(agenda_item__is_exempt=True)

    def listed(self):
        """For lists of papers: without the text extracted from each file (every word of a
        paper, for search and page by page for its web page) and its search vector, which
        only search reads, and in SQL."""
        return self.defer("text", "pages", "search_vector")


def document_upload_to(document, filename):
    return f"meetings/{document.meeting_id}/{filename}"


class Document(Versioned):
    correction_shown_on_parent = True

    class Kind(models.TextChoices):
        REPORT = "report", "Report"
        APPENDIX = "appendix", "Appendix"
        PRESENTATION = "presentation", "Presentation"
        MINUTES = "minutes", "Minutes"
        SUPPLEMENTARY = "supplementary", "Supplementary"
        OTHER = "other", "Other"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPORT)
    file = models.FileField(upload_to=document_upload_to, help_text="A PDF.")
    page_count = models.PositiveIntegerField(default=0, editable=False)
    size_bytes = models.PositiveBigIntegerField(default=0, editable=False)
    text = models.TextField(blank=True, editable=False, help_text="Extracted for search.")
    sha256 = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Fingerprint of the file."
    )
    # Read from the file when it is uploaded (safer_norfolk.validators.inspect_pdf); None
    # when never read: a paper stored before they were, whose file could not be read again.
    pages = models.JSONField(
        null=True,
        editable=False,
        help_text="Each page's text as headings and paragraphs, for the paper's web page.",
    )
    has_text_layer = models.BooleanField(null=True, editable=False)
    is_tagged = models.BooleanField(null=True, editable=False)
    has_title = models.BooleanField(null=True, editable=False)
    has_language = models.BooleanField(null=True, editable=False)
    is_public = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    # Kept by a database trigger on PostgreSQL for the site search (meetings.search).
    search_vector = SearchVectorField(null=True, editable=False)
    # The pages are read from the file, whose every version the history names (file, sha256).
    history = audited_history(excluded_fields=["search_vector", "pages"])

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def clean(self):
        super().clean()
        check_same_meeting(self, "agenda_item")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return DOCUMENT_ROUTE(pk=self.pk)

    def get_text_url(self):
        return DOCUMENT_TEXT_ROUTE(pk=self.pk)

    @property
    def accessibility_problems(self):
        """What the upload's check found wrong (safer_norfolk.pdf_accessibility); none for a
        paper whose file was never read."""
        return pdf_accessibility.problems(
            has_text_layer=self.has_text_layer,
            is_tagged=self.is_tagged,
            has_title=self.has_title,
            has_language=self.has_language,
        )

    def take_facts(self, facts):
        """Keep what was read from the uploaded file (safer_norfolk.validators.PdfFacts)."""
        self.sha256 = facts.sha256
        self.page_count = facts.page_count
        self.size_bytes = facts.size_bytes
        self.text = facts.text
        self.pages = facts.pages
        for name, value in facts.accessibility.items():
            setattr(self, name, value)


# --- committee reports written here (DESIGN §4.5) ---------------------------------------

# The sections of the council's committee report template (seed 004), in order: the three
# before the numbered sections, then the numbered sections, then the officer contact. A
# "table" section is Markdown like the others; its form starts with a table to fill in.
COUNCIL_REPORT_SECTIONS = [
    {"key": "strategic_impact", "heading": "Strategic impact", "required": True, "kind": "text", "numbered": False},
    {"key": "executive_summary", "heading": "Executive summary", "required": True, "kind": "text", "numbered": False},
    {"key": "recommendations", "heading": "Recommendations", "required": True, "kind": "text", "numbered": False},
    {"key": "proposal", "heading": "Proposal (or options)", "required": True, "kind": "text", "numbered": True},
    {"key": "evidence", "heading": "Evidence", "required": False, "kind": "text", "numbered": True},
    {"key": "financial", "heading": "Financial implications", "required": True, "kind": "table", "numbered": True},
    {"key": "resource", "heading": "Resource implications", "required": False, "kind": "text", "numbered": True},
    {"key": "legal", "heading": "Legal implications", "required": False, "kind": "text", "numbered": True},
    {"key": "risk", "heading": "Issues, risks and innovation", "required": False, "kind": "text", "numbered": True},
    {"key": "equality", "heading": "Equality implications", "required": False, "kind": "text", "numbered": True},
    {"key": "background_papers", "heading": "Background papers", "required": False, "kind": "text", "numbered": True},
    {"key": "officer_contact", "heading": "Officer contact", "required": True, "kind": "text", "numbered": False},
]  # fmt: skip
SECTION_KINDS = ("text", "table")
SECTION_KEY = r"^[a-z][a-z0-9_]{0,39}$"


def check_report_sections(sections):
    """The errors of a template's list of sections: each a dictionary with a unique key (lower
    case letters, digits and underscores), a heading, and `required`, `kind` (text or table)
    and `numbered` (whether it is one of the report's numbered sections)."""
    import re

    if not isinstance(sections, list) or not sections:
        return ["List the template's sections."]
    errors, seen = [], set()
    for position, section in enumerate(sections, start=1):
        if not isinstance(section, dict):
            errors.append(f"Section {position} is not a set of fields.")
            continue
        key = section.get("key")
        if not isinstance(key, str) or not re.match(SECTION_KEY, key):
            errors.append(
                f"Section {position}'s key must be lower-case letters, digits and underscores."
            )
        elif key in seen:
            errors.append(f"The key “{key}” is used twice.")
        seen.add(key)
        if not str(section.get("heading") or "").strip():
            errors.append(f"Section {position} has no heading.")
        if section.get("kind", "text") not in SECTION_KINDS:
            errors.append(f"Section {position}'s kind must be text or table.")
        for flag in ("required", "numbered"):
            if not isinstance(section.get(flag, False), bool):
                errors.append(f"Section {position}'s “{flag}” must be true or false.")
        unknown = set(section) - {"key", "heading", "required", "kind", "numbered"}
        if unknown:
            errors.append(f"Section {position} has unknown fields: {', '.join(sorted(unknown))}.")
    return errors


class ReportTemplateManager(VersionedManager):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class ReportTemplate(Versioned):
    """The sections a committee's reports are written in. A template without a committee is
    the council's default, used by committees that have none of their own."""

    name = models.CharField(max_length=200, unique=True)
    committee = models.OneToOneField(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_template",
        help_text="Leave blank for the council's default template.",
    )
    sections = models.JSONField(
        default=list,
        help_text="The sections in order: key, heading, required, kind (text or table), numbered.",
    )

    objects = ReportTemplateManager()
    history = audited_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            # One template without a committee: the default.
            models.UniqueConstraint(
                Coalesce("committee", models.Value(0)),
                name="one_default_report_template",
                violation_error_message="There is already a default template.",
            )
        ]

    def clean(self):
        super().clean()
        errors = check_report_sections(self.sections)
        if errors:
            raise ValidationError({"sections": errors})

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    @classmethod
    def for_committee(cls, committee):
        """The committee's own template, else the default."""
        return (
            cls.objects.filter(Q(committee=committee) | Q(committee__isnull=True))
            .order_by(models.F("committee").asc(nulls_last=True))
            .first()
        )


class ReportQuerySet(VersionedQuerySet):
    def published(self):
        """Reports a committee officer has published, on any item of any agenda: what the
        officers' restricted pack holds (never a draft)."""
        return self.filter(status=Report.Status.PUBLISHED)

    def public(self):
        """Published reports on public items of published agendas: a report is published with
        its meeting's agenda, and one on an exempt item never."""
        return self.published().filter(
            agenda_item__meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED,
            agenda_item__is_exempt=False,
        )


class Report(Versioned):
    """A committee report written in the system, section by section, on an agenda item."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(max_length=300)
    template = models.ForeignKey(ReportTemplate, on_delete=models.PROTECT, related_name="reports")
    responsible_officer = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_responsible_for",
        help_text="The chief officer responsible for the report.",
    )
    responsible_officer_title = models.CharField(
        max_length=200,
        blank=True,
        help_text="Their post as the report gives it, e.g. “Interim Executive Director "
        "Children's Services”; left blank, their job title.",
    )
    author = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="reports_written",
    )
    sections = models.JSONField(default=dict, blank=True, help_text="Section key → Markdown.")
    text = models.TextField(
        blank=True, editable=False, help_text="The sections' text, kept on each save for search."
    )
    plans = models.ManyToManyField(Plan, blank=True, related_name="reports")
    plan_actions = models.ManyToManyField(Action, blank=True, related_name="reports")
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="reports")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    order = models.PositiveSmallIntegerField(default=0)
    # Clearance: for officers only, never published.
    legal_cleared_by = models.CharField(max_length=200, blank=True)
    legal_cleared_on = models.DateField(null=True, blank=True, validators=[plausible_date])
    finance_cleared_by = models.CharField(max_length=200, blank=True)
    finance_cleared_on = models.DateField(null=True, blank=True, validators=[plausible_date])

    objects = ReportQuerySet.as_manager()
    # Kept by a database trigger on PostgreSQL for the site search (meetings.search).
    search_vector = SearchVectorField(null=True, editable=False)
    history = audited_history(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["agenda_item", "order", "pk"]
        permissions = [("publish_report", "Can publish a report with its agenda")]

    def __str__(self):
        return self.title

    def refresh_text(self):
        """Keep `text`, what search reads: the text of the sections the template lists."""
        self.text = "\n\n".join(text for _, _, text in self.written_sections())

    @staticmethod
    def text_of_loaded(sender, instance, raw=False, **kwargs):
        """pre_save: a fixture's row is written as it comes, past save(); its `text` is kept
        from its sections all the same (meetings.apps)."""
        if raw:
            instance.refresh_text()

    def save(self, *args, **kwargs):
        self.refresh_text()
        if kwargs.get("update_fields") is not None and "sections" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "text"}
        super().save(*args, **kwargs)

    def section_list(self):
        """[(template section, its Markdown)] in the template's order; a section the
        template no longer lists is left out."""
        written = self.sections or {}
        return [(section, written.get(section["key"], "")) for section in self.template.sections]

    def responsible_officer_line(self):
        """ "Matt Dunkley, Interim Executive Director Children's Services": the chief officer
        and their post as the report gives it (else their job title); "" for none."""
        officer = self.responsible_officer
        if officer is None:
            return ""
        post = self.responsible_officer_title or officer.job_title
        return f"{officer.name}, {post}" if post else officer.name

    def written_sections(self):
        """[(template section, its number or None, its Markdown)] for the sections with
        text: the numbered ones numbered in turn ("1. Proposal"), so a section left empty
        takes no number."""
        written, number = [], 0
        for section, text in self.section_list():
            if not str(text or "").strip():
                continue
            if section.get("numbered"):
                number += 1
            written.append((section, number if section.get("numbered") else None, text))
        return written

    def missing_sections(self):
        """The headings of required sections with nothing written in them."""
        return [
            section["heading"]
            for section, text in self.section_list()
            if section.get("required") and not str(text or "").strip()
        ]

    def get_absolute_url(self):
        meeting = self.agenda_item.meeting
        date = timezone.localdate(meeting.starts_at)  # Meeting.local_date, from the column
        return reverse(
            "meetings:report", kwargs={"slug": meeting.committee.slug, "date": date, "pk": self.pk}
        )

    def get_pdf_url(self):
        return self.get_absolute_url() + "report.pdf"


class AttendanceQuerySet(VersionedQuerySet):
    def public(self):
        """Attendance is part of the minutes: public once they are."""
        return self.filter(
            meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED,
            meeting__minutes_status__in=MINUTES_PUBLIC,
        )


class Attendance(Versioned):
    correction_shown_on_parent = True

    class Capacity(models.TextChoices):
        MEMBER = "member", "Member"
        SUBSTITUTE = "substitute", "Substitute member"
        OFFICER = "officer", "Officer"
        GUEST = "guest", "Guest"

    class Status(models.TextChoices):
        EXPECTED = "expected", "Expected"
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    capacity = models.CharField(max_length=20, choices=Capacity.choices, default=Capacity.MEMBER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.EXPECTED)
    substitute_for = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="substituted_by"
    )
    in_chair = models.BooleanField(default=False)
    note = models.CharField(
        max_length=300, blank=True, help_text="e.g. “elected Chair during the meeting”."
    )
    order = models.PositiveSmallIntegerField(default=0)
    group = models.ForeignKey(
        AttendanceGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        help_text="The heading the minutes list them under; blank: “Present” for members, "
        "“Also in attendance” for others.",
    )
    department = models.CharField(
        max_length=120,
        blank=True,
        help_text="Printed after the organisation: “Cambridge City Council (Community Safety "
        "Team)”.",
    )
    no_substitute = models.BooleanField(
        default=False,
        help_text="A member who sent apologies and no substitute: printed “(no substitute)”.",
    )

    objects = AttendanceQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], name="attendance_person_once_per_meeting"
            ),
            models.CheckConstraint(
                condition=Q(no_substitute=False) | Q(status="apologies"),
                name="attendance_no_substitute_only_with_apologies",
                violation_error_message="“No substitute” is recorded only with apologies.",
            ),
        ]

    label_relations = ("person",)

    def __str__(self):
        return f"{self.person}: {self.get_status_display()}"

    def clean(self):
        super().clean()
        if self.meeting_id:
            check_own_group(self, self.meeting.committee_id)
        if self.no_substitute and self.status != self.Status.APOLOGIES:
            raise ValidationError(
                {"no_substitute": "“No substitute” is recorded only with apologies."}
            )

    @property
    def is_member(self):
        return self.capacity in (self.Capacity.MEMBER, self.Capacity.SUBSTITUTE)

    # What the minutes print beside a name, as the papers do: "Cllr Penny Carpenter
    # (Vice-Chair in the Chair), Great Yarmouth Borough Council"; "Amanda Murr, Head of
    # Community Safety, OPCCN". Read with person__organisation selected.

    @property
    def chair_label(self):
        """ "Chair" beside whoever chaired, unless their note already says how they came to
        ("Vice-Chair in the Chair")."""
        return "Chair" if self.in_chair and "chair" not in self.note.lower() else ""

    @property
    def affiliation(self):
        """A member's organisation; for anyone else the role as the minutes wrote it (the
        note) or their job title and organisation. Empty parts are left out, never shown as
        a stray comma."""
        if self.is_member:
            affiliation = self.person.organisation.name if self.person.organisation_id else ""
        else:
            affiliation = self.note or self.person.title_and_organisation
        if self.department:
            return f"{affiliation} ({self.department})" if affiliation else self.department
        return affiliation

    @property
    def remark(self):
        """A member's note ("Vice-Chair in the Chair"); anyone else's is their affiliation."""
        return self.note if self.is_member else ""


class OrganisationAttendance(models.Model):
    """An organisation's record at one public meeting it was expected at, kept at write time
    by meetings.attendance_record (the rule is stated there): what the organisation pages
    count and chart. Not audited: it is worked out from audited rows, never edited."""

    class Record(models.TextChoices):
        REPRESENTED = "represented", "Represented"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"
        NOT_RECORDED = "not_recorded", "Not recorded"

    # Indexed first in the constraint below.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False, editable=False
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+", editable=False)
    # The meeting's, copied so that a page reads this table alone.
    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="+", db_index=False, editable=False
    )
    starts_at = models.DateTimeField(editable=False)
    record = models.CharField(max_length=20, choices=Record.choices, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "meeting"], name="organisation_attendance_once"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "-starts_at"], name="org_attendance_newest_idx"),
            models.Index(
                fields=["starts_at"],
                include=["organisation", "record"],
                name="org_attendance_day_idx",
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id} at {self.meeting_id}: {self.record}"


class DeclarationQuerySet(VersionedQuerySet):
    def public(self):
        """Declared at a meeting whose minutes are published, unless on an exempt item."""
        return self.filter(
            meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED,
            meeting__minutes_status__in=MINUTES_PUBLIC,
        ).exclude(agenda_item__is_exempt=True)


class Declaration(Versioned):
    correction_shown_on_parent = True

    class Kind(models.TextChoices):
        DISCLOSABLE_PECUNIARY = "disclosable_pecuniary", "Disclosable pecuniary interest"
        OTHER = "other", "Other interest"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="declarations")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="declarations"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    text = models.TextField()

    objects = DeclarationQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["meeting", "pk"]

    def clean(self):
        super().clean()
        check_same_meeting(self, "agenda_item")

    label_relations = ("person",)

    def __str__(self):
        return f"{self.person}: {self.get_kind_display()}"


class MinuteQuerySet(VersionedQuerySet):
    def public(self):
        """Published minutes, less those of exempt (Part 2) items."""
        return self.filter(
            meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED,
            meeting__minutes_status__in=MINUTES_PUBLIC,
        ).exclude(agenda_item__is_exempt=True)


class Minute(Versioned):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="minutes"
    )
    number = models.CharField(max_length=20)
    sort_key = NaturalSortKeyField(source="number")
    heading = models.CharField(max_length=400)
    body = models.TextField(
        blank=True,
        help_text="Markdown. Each top-level paragraph is numbered when shown: 5.1, 5.2 …",
    )

    objects = MinuteQuerySet.as_manager()

    # Kept by a database trigger on PostgreSQL for the site search (meetings.search).
    search_vector = SearchVectorField(null=True, editable=False)
    history = audited_history(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["meeting", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="minute_number_unique_per_meeting"
            ),
            # What an action point refers to on PostgreSQL (check_same_meeting).
            models.UniqueConstraint(fields=["id", "meeting"], name="minute_of_meeting"),
        ]
        indexes = [
            # The way from an action point or decision to its agenda item for the exempt rule
            # (agendaitem_exempt_rule_idx), and from a decision to its meeting, read from the
            # index alone.
            models.Index(fields=["id", "meeting", "agenda_item"], name="minute_exempt_rule_idx"),
        ]

    def clean(self):
        super().clean()
        check_same_meeting(self, "agenda_item")

    def __str__(self):
        return f"{self.number}. {self.heading}"

    def get_absolute_url(self):
        return self.meeting.get_absolute_url() + Minute.anchor(self.number)

    @staticmethod
    def anchor(number):
        """Where minute `number` is on its meeting's page."""
        return f"#minute-{number}"


class ResolutionQuerySet(VersionedQuerySet):
    def public(self):
        """The resolutions of public minutes (Minute.public)."""
        return self.filter(
            minute__meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED,
            minute__meeting__minutes_status__in=MINUTES_PUBLIC,
        ).exclude(minute__agenda_item__is_exempt=True)


class Resolution(Versioned):
    correction_shown_on_parent = True

    class Verb(models.TextChoices):
        NOTED = "noted", "Noted"
        AGREED = "agreed", "Agreed"
        RESOLVED = "resolved", "Resolved"
        RECOMMENDED = "recommended", "Recommended"
        ENDORSED = "endorsed", "Endorsed"
        APPROVED = "approved", "Approved"

    minute = models.ForeignKey(Minute, on_delete=models.CASCADE, related_name="resolutions")
    order = models.PositiveSmallIntegerField(default=1)
    verb = models.CharField(max_length=20, choices=Verb.choices)
    text = models.TextField(help_text="What follows the verb, e.g. “the report.”")

    objects = ResolutionQuerySet.as_manager()

    # Kept by a database trigger on PostgreSQL for the site search (meetings.search).
    search_vector = SearchVectorField(null=True, editable=False)
    history = audited_history(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["minute", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["minute", "order"], name="resolution_order_unique_per_minute"
            ),
        ]

    def __str__(self):
        return f"{self.order}) {self.verb.upper()} {self.text[:60]}"


class ActionPointQuerySet(VersionedQuerySet):
    def public(self):
        """Public by `publication_rule`, as stored on each action point at write time
        (meetings.publication)."""
        return self.filter(is_public=True)

    def publication_rule(self):
        """Raised at a meeting whose minutes are published, unless raised on the minute of an
        exempt (Part 2) item. Read only by meetings.publication, which stores its answer."""
        return self.filter(
            meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED,
            meeting__minutes_status__in=MINUTES_PUBLIC,
        ).exclude(minute__agenda_item__is_exempt=True)

    def open(self):
        return self.filter(status=ActionPoint.Status.OPEN)


class ActionPoint(Versioned):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="action_points")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        related_name="action_points",
        help_text="The meeting that raised it.",
    )
    minute = models.ForeignKey(
        Minute, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_points"
    )
    reference = models.CharField(
        max_length=20, help_text="Month of the meeting / sequence, e.g. “07/01”."
    )
    sort_key = NaturalSortKeyField(source="reference")
    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="A short title, where the papers give one: “Health & Wellbeing Update”.",
    )
    description = models.TextField()
    owner_text = models.CharField(
        "owner as written",
        max_length=200,
        blank=True,
        help_text="When the owner is a group or a role: “All”, “Town Clerk”, “Health and "
        "Wellbeing Team”. Beside, or instead of, a person and organisation.",
    )
    owner_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="action_points"
    )
    owner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="action_points"
    )
    due_date = models.DateField(null=True, blank=True, validators=[plausible_date])
    due_meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_points_due"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True, help_text="e.g. “Closed: Agenda Item 10”.")
    closed_on = models.DateField(null=True, blank=True, validators=[plausible_date])
    closed_day_given = models.BooleanField(
        default=True,
        help_text="Whether the paper gives the day it was closed. When it shows the point "
        "closed but gives no day, the day kept is the latest it can have been (the day before "
        "the meeting whose papers show it closed) and is shown as “by” that day.",
    )
    closed_at_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points_closed",
    )
    plan_actions = models.ManyToManyField(
        Action,
        blank=True,
        related_name="action_points",
        help_text="Delivery-plan actions it concerns.",
    )

    objects = ActionPointQuerySet.as_manager()

    # Whether the publication rule lets it out (publication_rule), stored at write time by
    # meetings.publication whenever it, its meeting, its item or its minute is saved or deleted.
    is_public = models.BooleanField(default=False, editable=False)

    # Kept by a database trigger on PostgreSQL for the site search (meetings.search).
    search_vector = SearchVectorField(null=True, editable=False)
    history = audited_history(excluded_fields=["search_vector", "is_public"])

    class Meta:
        ordering = ["committee", "sort_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "reference"],
                name="action_point_reference_unique_per_committee",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_on__isnull=False),
                name="action_point_closed_has_date",
            ),
        ]
        indexes = [
            # Serves the open action log of a committee (committee page, action review item).
            models.Index(fields=["committee", "status"], name="actionpoint_committee_open_idx"),
            # Serves the outstanding page's owner (person) list: the owners of open points and
            # their meetings, read from the index alone.
            models.Index(
                fields=["owner_person", "meeting"],
                condition=Q(status="open"),
                name="actionpoint_open_owner_idx",
            ),
            # Serves the counts of open public action points (the committee list's, by
            # committee, and the home page's, by due day) from the index alone.
            models.Index(
                fields=["committee", "due_date"],
                condition=Q(status="open", is_public=True),
                name="actionpoint_public_open_idx",
            ),
        ]

    def clean(self):
        super().clean()
        check_same_meeting(self, "minute")

    def __str__(self):
        return f"Action {self.reference}"

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#action-{self.reference}"

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class ActionPointNoteQuerySet(VersionedQuerySet):
    def public(self):
        """The progress notes of public action points (ActionPoint.public)."""
        return self.filter(action_point__in=ActionPoint.objects.public().values("pk"))


class ActionPointNote(Versioned):
    """Dated progress on an action point while it is open, as the action log records it."""

    correction_shown_on_parent = True

    action_point = models.ForeignKey(ActionPoint, on_delete=models.CASCADE, related_name="notes")
    noted_on = models.DateField(validators=[plausible_date])
    text = models.TextField()
    author = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_point_notes",
        help_text="Who reported the progress, when the log names them.",
    )

    objects = ActionPointNoteQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["action_point", "noted_on", "pk"]

    def __str__(self):
        return f"Progress of {formats.date(self.noted_on, 'j F Y')}"


class WrittenQuestionQuerySet(VersionedQuerySet):
    def public(self):
        """Public by `publication_rule`, as stored on each question at write time
        (meetings.publication)."""
        return self.filter(is_public=True)

    def publication_rule(self):
        """Asked at a meeting whose minutes are published, unless asked on an exempt item.
        Read only by meetings.publication, which stores its answer."""
        return self.filter(
            meeting__agenda_status=Meeting.AgendaStatus.PUBLISHED,
            meeting__minutes_status__in=MINUTES_PUBLIC,
        ).exclude(agenda_item__is_exempt=True)

    def awaiting(self):
        return self.filter(status=WrittenQuestion.Status.AWAITING)

    def overdue(self, today=None):
        return self.awaiting().filter(response_due__lt=today or timezone.localdate())


class WrittenQuestion(Versioned):
    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting response"
        ANSWERED = "answered", "Answered"
        WITHDRAWN = "withdrawn", "Withdrawn"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="written_questions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="written_questions",
    )
    number = models.PositiveSmallIntegerField()
    question = models.TextField()
    asked_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="written_questions_asked",
    )
    addressed_to = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="written_questions_addressed",
        help_text="The organisation asked to respond; its partnership officers may record the response.",
    )
    response = models.TextField(blank=True, help_text="Markdown.")
    responded_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="written_responses",
    )
    response_due = models.DateField(null=True, blank=True, validators=[plausible_date])
    responded_on = models.DateField(null=True, blank=True, validators=[plausible_date])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING)
    plan_actions = models.ManyToManyField(
        Action,
        blank=True,
        related_name="written_questions",
        help_text="Delivery-plan actions the question cites.",
    )

    objects = WrittenQuestionQuerySet.as_manager()

    # Whether the publication rule lets it out (publication_rule), stored at write time by
    # meetings.publication whenever it, its meeting, its item or its minute is saved or deleted.
    is_public = models.BooleanField(default=False, editable=False)

    # Kept by a database trigger on PostgreSQL for the site search (meetings.search).
    search_vector = SearchVectorField(null=True, editable=False)
    history = audited_history(excluded_fields=["search_vector", "is_public"])

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"], name="written_question_number_unique_per_meeting"
            ),
            models.CheckConstraint(
                # An answer carries its text; its date may be unknown when a historic paper
                # (such as an appendix of written responses) does not give it.
                condition=~Q(status="answered") | ~Q(response=""),
                name="written_question_answered_has_response",
            ),
        ]
        indexes = [
            # Serves the outstanding page's questions awaiting a response (its rows and its
            # counts): a few thousand among a county's thirty thousand questions, which were
            # read in full to find them.
            models.Index(
                fields=["meeting"], condition=Q(status="awaiting"), name="question_awaiting_idx"
            ),
            # The written questions page counts every public question by status and due day
            # from the index alone.
            models.Index(
                fields=["status", "response_due"],
                condition=Q(is_public=True),
                name="question_public_counts_idx",
            ),
        ]

    def clean(self):
        super().clean()
        check_same_meeting(self, "agenda_item")

    def __str__(self):
        return f"Question {self.number}"

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#question-{self.number}"

    @property
    def is_answered(self):
        return self.status == self.Status.ANSWERED

    def is_overdue(self, today=None):
        return (
            self.status == self.Status.AWAITING
            and self.response_due is not None
            and self.response_due < (today or timezone.localdate())
        )


class WorkProgrammeItemQuerySet(VersionedQuerySet):
    def public(self):
        """Listed unless dropped; an item requested at a meeting waits for that meeting's minutes."""
        return self.exclude(status=WorkProgrammeItem.Status.DROPPED).filter(
            Q(requested_at__isnull=True)
            | Q(
                requested_at__agenda_status=Meeting.AgendaStatus.PUBLISHED,
                requested_at__minutes_status__in=MINUTES_PUBLIC,
            )
        )


class WorkProgrammeItem(Versioned):
    correction_shown_on_parent = True

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        SCHEDULED = "scheduled", "Scheduled"
        CONSIDERED = "considered", "Considered"
        DROPPED = "dropped", "Dropped"

    committee = models.ForeignKey(
        Committee, on_delete=models.CASCADE, related_name="work_programme"
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_programme_items",
    )
    target_text = models.CharField(
        max_length=120, blank=True, help_text="e.g. “May/June 2022 (to be confirmed)”."
    )
    title = models.CharField(max_length=300)
    issues = models.TextField(blank=True, help_text="Issues for consideration (Markdown).")
    invited = models.CharField(max_length=300, blank=True, help_text="Who is invited to present.")
    requested_at = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_programme_requests",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    order = models.PositiveSmallIntegerField(default=0)

    objects = WorkProgrammeItemQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["committee", "order", "pk"]

    def __str__(self):
        return self.title


class AgendaPack(models.Model):
    """A built agenda pack, stored under the hash of everything it contains: a pack whose
    contents have not changed is served again, never rebuilt."""

    class Status(models.TextChoices):
        BUILDING = "building", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    restricted = models.BooleanField(
        default=False, help_text="Officers' full pack, with exempt items and non-public papers."
    )
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BUILDING)
    file = models.FileField(upload_to="packs/", blank=True)
    front_sheet = models.FileField(
        upload_to="packs/", blank=True, help_text="The agenda front sheet on its own."
    )
    page_count = models.PositiveIntegerField(default=0)
    front_sheet_pages = models.PositiveIntegerField(default=0)
    item_pages = models.JSONField(
        default=dict, blank=True, help_text="Agenda item id → first page of its papers."
    )
    layout = models.CharField(
        max_length=64,
        blank=True,
        help_text="Digest of the agenda items and papers (each paper's version and length) "
        "the pack was built from: the meeting page offers the pack's page numbers while its "
        "own agenda gives the same digest (meetings.pdf.layout_key).",
    )
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "restricted", "content_hash"],
                name="agenda_pack_unique_per_content",
            ),
        ]

    def __str__(self):
        return f"Pack {self.content_hash[:12]} ({self.get_status_display()})"
