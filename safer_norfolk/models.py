"""The partnership directory: the organisations in a partnership and the people in them."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from safer_norfolk.audit import Versioned
from safer_norfolk.fields import WebAddressField


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
    short_name = models.CharField(
        max_length=40, blank=True, help_text="The abbreviation used in papers, e.g. “OPCCN”."
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.OTHER)
    website = WebAddressField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            # Names differing only in case are the same body ("Norfolk County Council").
            models.UniqueConstraint(Lower("name"), name="organisation_name_unique_ci"),
        ]

    def __str__(self):
        return self.name

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


class PersonQuerySet(models.QuerySet):
    def public(self):
        """People who appear in published material in a public role: a committee member or
        contact, or named in a published agenda, minutes or plan. An officer's account alone
        never lists them, and contact details are never part of what is published."""
        appears = Q(pk__in=[])
        for name in PUBLIC_ROLES:
            relation = self.model._meta.get_field(name)
            rows = relation.related_model._default_manager
            rows = rows.public() if hasattr(rows, "public") else rows.all()
            appears |= Exists(rows.filter(**{relation.field.name: OuterRef("pk")}))
        return self.filter(appears)


class Person(Versioned):
    honorific = models.CharField(
        max_length=40,
        blank=True,
        help_text="As written in papers: “Cllr”, “Dr”, “Chief Inspector”.",
    )
    name = models.CharField(max_length=200)
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

    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "people"
        indexes = [
            # Serves the admin's autocomplete and search by name.
            models.Index(Lower("name"), name="person_name_lower_idx"),
        ]

    def __str__(self):
        return f"{self.honorific} {self.name}".strip()

    @property
    def full_name(self):
        return str(self)


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
