"""The partnership directory: the organisations in a partnership and the people in them."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from safer_norfolk.fields import WebAddressField


class Organisation(models.Model):
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


class Person(models.Model):
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


class RenderedDocument(models.Model):
    """A generated PDF kept in the media storage for one content version (the content
    generation and the day): every visitor is served the stored file until the content
    changes or the day ends, then the next request makes and keeps a new one and older
    versions are deleted (safer_norfolk.page_cache). Derived from audited records, so it
    has no history of its own and does not count as a change to the content."""

    class Kind(models.TextChoices):
        AGENDA = "agenda", "Agenda front sheet"
        MINUTES = "minutes", "Minutes"
        PLAN_REPORT = "plan_report", "Plan report"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_key = models.CharField(max_length=64, help_text="The key of the meeting or plan.")
    # The content version: the content generation it was made under, and the day.
    generation = models.BigIntegerField()
    day = models.DateField()
    file = models.FileField(upload_to="rendered/")
    filename = models.CharField(max_length=200, help_text="The name it is downloaded under.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One file per version; its index serves the lookup of a stored document.
            models.UniqueConstraint(
                fields=["kind", "object_key", "generation", "day"],
                name="rendered_document_unique_per_version",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_key} ({self.generation}, {self.day})"
