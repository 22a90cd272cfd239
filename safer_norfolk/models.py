"""The partnership directory: the organisations in a partnership and the people in them."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify

from safer_norfolk.audit import Versioned, VersionedQuerySet, audited_history
from safer_norfolk.fields import WebAddressField
from safer_norfolk.routes import Route

# Pages list people by the hundred (safer_norfolk.routes).
PERSON_ROUTE = Route("meetings:person", slug="slug")

ORGANISATION_ROUTE = Route("meetings:organisation", slug="slug")
SLUG_LENGTH = 80
PERSON_SLUG_LENGTH = 200


def unique_slug(name, taken, *, fallback, length=SLUG_LENGTH):
    """`name` as a slug of at most `length` characters ("john-smith"; `fallback` when nothing
    of it is left), made unique among `taken` (a set, which it joins) by a number:
    "john-smith-2"."""
    base = slugify(name)[:length] or fallback
    slug, number = base, 2
    while slug in taken:
        suffix = f"-{number}"
        slug, number = f"{base[: length - len(suffix)]}{suffix}", number + 1
    taken.add(slug)
    return slug


# The relations through which an organisation appears in published material, and so is listed
# publicly: each a path of relations from the organisation to the rows, whose own public()
# decides which count. Partnerships count through their committees, plans and frameworks.
# In the order public() tries them for each organisation, stopping at the first it holds: its
# people's attendance last, since PostgreSQL reads every attendance of the organisation's
# people (hundreds) before it can answer that one, where each other role is an index lookup.
ORGANISATION_PUBLIC_ROLES = (
    ("memberships",),
    ("people", "memberships"),
    ("action_points",),
    ("written_questions_addressed",),
    ("plan_actions",),
    ("committees",),
    ("plans",),
    ("outcome_frameworks",),
    ("people", "attendances"),
)


class OrganisationQuerySet(VersionedQuerySet):
    def public(self):
        """Organisations that appear in published material: a committee's membership (as
        represented, or through their people), their people's attendance at a meeting whose
        minutes are published, a published action point or question, a published plan's
        action, or as the partnership behind a committee, a published plan or framework."""
        roles = []
        for path in ORGANISATION_PUBLIC_ROLES:
            model, lookup = self.model, []
            for name in path:
                relation = model._meta.get_field(name)
                lookup.insert(0, relation.field.name)
                model = relation.related_model
            rows = model._default_manager
            rows = rows.public() if hasattr(rows, "public") else rows.all()
            lookup = "__".join(lookup)
            roles.append(rows.filter(**{lookup: OuterRef("pk")}).values(lookup))
        return self.filter(Exists(roles[0].union(*roles[1:], all=True)))


class Organisation(Versioned):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        POLICE = "police", "Police"
        PROBATION = "probation", "Probation"
        FIRE = "fire", "Fire and rescue"
        HEALTH = "health", "Health"
        PCC_OFFICE = "pcc_office", "Police and Crime Commissioner's office"
        VOLUNTARY = "voluntary", "Voluntary sector"
        PARTNERSHIP_GROUP = "partnership_group", "Partnership or group"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(
        max_length=SLUG_LENGTH,
        unique=True,
        blank=True,
        help_text="The organisation's address on the site; left blank, it is made from the name.",
    )
    short_name = models.CharField(
        max_length=40, blank=True, help_text="The abbreviation used in papers, e.g. “OPCCN”."
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.OTHER)
    website = WebAddressField(blank=True)
    is_example = models.BooleanField(
        "example data",
        default=False,
        help_text="A fictional partnership made to show how the site works: its pages say so.",
    )

    objects = OrganisationQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            # Names differing only in case are the same body ("Norfolk County Council").
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Organisations made outside the admin (imports, the example data) get an address too.
        if not self.slug:
            base = slugify(self.name)[:SLUG_LENGTH]
            taken = set(
                Organisation.objects.filter(slug__startswith=base[:40])
                .exclude(pk=self.pk)
                .values_list("slug", flat=True)
            )
            self.slug = unique_slug(self.name, taken, fallback="organisation")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return ORGANISATION_ROUTE(slug=self.slug)

    @property
    def display_name(self):
        """The short name where there is one, as papers write it in tables."""
        return self.short_name or self.name


# The relations through which a person appears in published material, and so may be listed
# publicly (DESIGN §5): each related model's own public() decides which of its rows count. The
# models are reached through the relations they declare, so this layer imports none of them.
PUBLIC_ROLES = (
    "memberships",
    "committees_contact_for",
    "attendances",
    "substituted_by",
    "declarations",
    "agenda_items_led",
    "action_points",
    "written_questions_asked",
    "minutes_signed",
    "plan_actions_led",
    "action_updates",
)


def base_slug(name):
    return slugify(name)[:PERSON_SLUG_LENGTH] or "person"


def person_slug(name, taken):
    """A person's slug, unique among `taken` (`unique_slug`)."""
    return unique_slug(name, taken, fallback="person", length=PERSON_SLUG_LENGTH)


def taken_slugs(name=None, exclude=None):
    """The slugs people have (those a slug of `name` could clash with, when given), less the
    person `exclude` (a key)."""
    people = Person.objects.exclude(pk=exclude)
    if name is not None:
        people = people.filter(slug__startswith=base_slug(name))
    return set(people.values_list("slug", flat=True))


class PersonQuerySet(VersionedQuerySet):
    def public(self):
        """People who appear in published material in a public role: a committee member or
        contact, or named in a published agenda, minutes or plan. An officer's account alone
        never lists them, and contact details are never part of what is published."""
        # One EXISTS over every role's rows (UNION ALL), not one EXISTS per role joined by
        # OR: the planner reads each of those OR-ed subqueries' rows for every person into a
        # hash (all attendances of published meetings, all questions ...) before the first
        # person is listed, whereas the single subquery is run for each person in turn, by
        # the roles' person indexes, stopping at the first row; a page of people then reads
        # only as many people as it lists.
        roles = []
        for name in PUBLIC_ROLES:
            relation = self.model._meta.get_field(name)
            rows = relation.related_model._default_manager
            rows = rows.public() if hasattr(rows, "public") else rows.all()
            roles.append(
                rows.filter(**{relation.field.name: OuterRef("pk")}).values(relation.field.name)
            )
        return self.filter(Exists(roles[0].union(*roles[1:], all=True)))


class Person(Versioned):
    honorific = models.CharField(
        max_length=40,
        blank=True,
        help_text="As written in papers: “Cllr”, “Dr”, “Chief Inspector”.",
    )
    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=PERSON_SLUG_LENGTH + 20,
        unique=True,
        blank=True,
        help_text="The person's address on the site: /people/<slug>/. Left blank, it is made "
        "from the name.",
    )
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    # Contact details are for officers' use; they are never shown on public pages except as
    # a committee's published contact.
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        help_text="The officer's login, for people who work in the back office.",
    )

    objects = PersonQuerySet.as_manager()

    history = audited_history()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "people"
        indexes = [
            # Serves the admin's autocomplete and search by name.
            models.Index(Lower("name"), name="person_name_lower_idx"),
            # Serves the API's people list: by name, then id, a page at a time.
            models.Index(fields=["name", "id"], name="person_api_list_idx"),
        ]

    def __str__(self):
        return f"{self.honorific} {self.name}".strip()

    def save(self, *args, **kwargs):
        # Every person has an address, whichever way they were added (admin, import, API).
        if not self.slug:
            self.slug = person_slug(self.name, taken_slugs(self.name, exclude=self.pk))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return PERSON_ROUTE(slug=self.slug)

    @property
    def full_name(self):
        return str(self)

    @property
    def title_and_organisation(self):
        """ "Head of Community Safety, OPCCN": the parts there are, joined (read with the
        organisation selected)."""
        organisation = self.organisation.name if self.organisation_id else ""
        return ", ".join(part for part in (self.job_title, organisation) if part)


class ContentGeneration(models.Model):
    """One row counting changes to the site's content: every save, delete and link change of
    a project model adds one, in the same transaction (safer_norfolk.page_cache). Cached
    public pages are filed under the number current when they were made, so a change makes
    every earlier copy unreachable the moment it commits."""

    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "content generation"

    def __str__(self):
        return f"Content generation {self.number}"


class ImportJob(models.Model):
    """A spreadsheet an officer uploaded, imported by a background task (so no web request
    waits for it), with how far the import has got and, once done, its result. The file is
    held here until the import finishes, then dropped."""

    class Kind(models.TextChoices):
        OBSERVATIONS = "observations", "Outcome figures"
        PLAN_ACTIONS = "plan_actions", "Plan actions"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        READING = "reading", "Reading the file"
        CHECKING = "checking", "Checking the rows"
        SAVING = "saving", "Saving"
        DONE = "done", "Done"
        REJECTED = "rejected", "Not imported"
        FAILED = "failed", "Stopped by a fault"

    FINISHED = (Status.DONE, Status.REJECTED, Status.FAILED)
    # The most problems kept for the status page: enough to show what is wrong with a file.
    MAX_PROBLEMS = 1000

    kind = models.CharField(max_length=20, choices=Kind.choices)
    target_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The plan the actions are imported into."
    )
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(editable=False, help_text="The file, until it is imported.")
    dry_run = models.BooleanField(default=False, help_text="Check the file only, writing nothing.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="import_jobs",
    )
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The background task importing the file."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    rows_checked = models.PositiveIntegerField(default=0)
    summary = models.TextField(blank=True)
    problems = models.JSONField(
        default=list, blank=True, help_text="[row, column, message] for each problem found."
    )
    problem_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Why the file as a whole was not imported.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    progressed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The upload page lists the officer's latest imports of its kind.
            models.Index(
                fields=["requested_by", "kind", "-created_at"], name="import_job_recent_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="plan_actions") | models.Q(target_id__isnull=False),
                name="import_job_actions_have_a_plan",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self):
        return self.status in self.FINISHED


class RenderedDocument(models.Model):
    """A file made from the content (a generated PDF, a calendar, a feed, a CSV) kept in the
    media storage for one content version (the content generation and the day) and one
    release of the code that made it: every visitor is served the stored file until the
    content changes, the day ends or a new release starts, then the next request makes and
    keeps a new one and older versions are deleted (safer_norfolk.page_cache). Derived from audited records, so it has no history of its own
    and does not count as a change to the content."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda front sheet"
        MINUTES = "minutes", "Minutes"
        PLAN_REPORT = "plan_report", "Plan report"
        CALENDAR = "calendar", "Meetings calendar"
        COMMITTEE_CALENDAR = "committee_calendar", "Committee calendar"
        FEED = "feed", "Latest papers feed"
        ACTION_POINTS_CSV = "action_points_csv", "Committee action points CSV"
        FIGURES_CSV = "figures_csv", "Framework figures CSV"
        OUTSTANDING_CSV = "outstanding_csv", "Outstanding items CSV"
        OUTSTANDING_FEED = "outstanding_feed", "Outstanding items feed"
        DECISIONS_CSV = "decisions_csv", "Decisions register CSV"
        REPORT = "report", "Committee report"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_key = models.CharField(
        max_length=255,
        help_text="The key of what it was made for: the meeting or plan, or for a file "
        "holding addresses the host it was asked on, with the variant it was asked for.",
    )
    # The content version: the content generation it was made under, and the day.
    generation = models.BigIntegerField()
    day = models.DateField()
    # The fingerprint of the code that made it (safer_norfolk.page_cache.release).
    release = models.CharField(max_length=16, default="", editable=False)
    file = models.FileField(upload_to="rendered/")
    # The file gzip-compressed, kept beside a file larger than the page cache keeps
    # (PAGE_CACHE_MAX_BYTES) and sent to browsers that accept gzip.
    compressed = models.FileField(upload_to="rendered/", blank=True)
    filename = models.CharField(
        max_length=200, blank=True, help_text="The name it is downloaded under, if any."
    )
    # The headers it was made with (Content-Type, Content-Disposition, Last-Modified), sent
    # again with every copy served from the stored file.
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One file per version; its index serves the lookup of a stored document.
            models.UniqueConstraint(
                fields=["kind", "object_key", "generation", "day", "release"],
                name="rendered_document_unique_per_release",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_key} ({self.generation}, {self.day})"


class Removal(models.Model):
    """A published record that left the public record: withdrawn (it, or what it belongs to,
    no longer published) or deleted. Written when it happens (safer_norfolk.removals) and
    listed by the API's changes feed, so that a copy of the record kept elsewhere can remove
    it too. Only records that were public are written, and only their kind and key."""

    class Change(models.TextChoices):
        WITHDRAWN = "withdrawn", "Withdrawn"
        DELETED = "deleted", "Deleted"

    model = models.CharField(max_length=100, help_text="The model's label, app.model.")
    record_id = models.BigIntegerField()
    change = models.CharField(max_length=20, choices=Change.choices)
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [models.Index(fields=["at", "id"], name="removal_at_idx")]

    def __str__(self):
        return f"{self.model} {self.record_id} {self.change} at {self.at:%Y-%m-%d %H:%M}"
