"""The partnership directory as Popolo and Open Civic Data (OCD): people, each with their
committee memberships, and the partner organisations, read-only from public() rows.

The committees, which are organisations too, and the memberships list belong to the meetings
app (meetings/popolo.py); a person's memberships are read here through the reverse relation,
so this layer imports no higher one.

Every record's id is OCD-style, "ocd-person/<UUID>", the UUID a UUID 5 of the record's key
("safer_norfolk.person:12") in the site's namespace: the same record has the same id at every
export, and the id says nothing else about it. A record's address in the API is
`…/<UUID>/`; since a UUID 5 cannot be turned back into a key, finding one reads the keys of
the public records of its kind and hashes them (`find`). People carry no contact or account
details (as the read API's people: safer_norfolk.api.PersonSerializer).
"""

import uuid

from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from safer_norfolk.api import absolute_url
from safer_norfolk.models import Organisation, Person
from safer_norfolk.pagination import PublicPagination

# Fixed for the site: a record's id is a UUID 5 of its key in this namespace.
NAMESPACE = uuid.UUID("f0320482-87e1-42d5-8682-fdded7bf200c")
SITE_NOTE = "Page on the site"


def record_uuid(model, pk):
    """The UUID of the record `pk` of `model`: a UUID 5 of "app_label.model:pk"."""
    return uuid.uuid5(NAMESPACE, f"{model._meta.label_lower}:{pk}")


def ocd_id(kind, model, pk):
    """ "ocd-<kind>/<UUID>" of the record `pk` of `model`, or None for no record."""
    return None if pk is None else f"ocd-{kind}/{record_uuid(model, pk)}"


def person_id(pk):
    return ocd_id("person", Person, pk)


def organisation_id(pk):
    return ocd_id("organization", Organisation, pk)


def related_model(model, name):
    """The model at the other end of `model`'s relation `name` (reached through the relation,
    so that this layer names no model of a higher one)."""
    return model._meta.get_field(name).related_model


def public_rows(model):
    """`model`'s public() rows, or all of them for a model whose rows are all public (a
    committee's memberships: the read API's memberships list them all)."""
    rows = model._default_manager
    return rows.public() if hasattr(rows, "public") else rows.all()


def membership_model():
    return related_model(Person, "memberships")


def committee_id(pk):
    """The OCD id of the committee `pk` (an organisation of classification "committee")."""
    return ocd_id("organization", related_model(membership_model(), "committee"), pk)


def membership_id(pk):
    return ocd_id("membership", membership_model(), pk)


def find(queryset, value):
    """The key of the record of `queryset` whose id's UUID is `value`, else 404. One query
    of keys: the UUIDs are hashes, so each key is hashed in turn."""
    model = queryset.model
    for pk in queryset.prefetch_related(None).order_by().values_list("pk", flat=True):
        if record_uuid(model, pk) == value:
            return pk
    raise Http404("No published record has this id.")


def page_links(request, record):
    return [{"url": absolute_url(request, record.get_absolute_url()), "note": SITE_NOTE}]


# --- serializers --------------------------------------------------------------------------


class LinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    note = serializers.CharField()


class SourceSerializer(serializers.Serializer):
    url = serializers.URLField()


class OtherNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    note = serializers.CharField()


class OrganisationReferenceSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class PopoloMembershipSerializer(serializers.Serializer):
    """A committee membership (meetings.models.Membership): the person, the committee as
    the organisation, the role as the model records it (chair, vice_chair, member,
    substitute, officer) with its label, and the organisation the member represents."""

    id = serializers.SerializerMethodField()
    person_id = serializers.SerializerMethodField()
    organization_id = serializers.SerializerMethodField()
    role = serializers.CharField()
    label = serializers.CharField(source="get_role_display")
    on_behalf_of_id = serializers.SerializerMethodField()
    on_behalf_of = serializers.SerializerMethodField()
    start_date = serializers.SerializerMethodField()
    end_date = serializers.SerializerMethodField()
    extras = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(source="created")
    updated_at = serializers.DateTimeField(source="modified")

    def get_id(self, membership) -> str:
        return membership_id(membership.pk)

    def get_person_id(self, membership) -> str:
        return person_id(membership.person_id)

    def get_organization_id(self, membership) -> str:
        return committee_id(membership.committee_id)

    def get_on_behalf_of_id(self, membership) -> str | None:
        return organisation_id(membership.representing_id)

    @extend_schema_field(OrganisationReferenceSerializer(allow_null=True))
    def get_on_behalf_of(self, membership):
        if membership.representing_id is None:
            return None
        return {
            "id": organisation_id(membership.representing_id),
            "name": membership.representing.name,
        }

    def get_start_date(self, membership) -> str:
        """YYYY-MM-DD, or "" when not recorded (as OCD writes an unknown date)."""
        return membership.start_date.isoformat() if membership.start_date else ""

    def get_end_date(self, membership) -> str:
        return membership.end_date.isoformat() if membership.end_date else ""

    def get_extras(self, membership) -> dict[str, str | None]:
        """For a substitute, the membership of the main member they stand in for."""
        return {"substitute_for_id": membership_id(membership.substitute_for_id)}


class PopoloPersonSerializer(serializers.Serializer):
    """A person who appears in published material: name, honorific, their page, and their
    committee memberships. Never an email address, a telephone number or a login."""

    id = serializers.SerializerMethodField()
    name = serializers.CharField()
    honorific_prefix = serializers.CharField(source="honorific")
    links = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    memberships = PopoloMembershipSerializer(many=True, source="popolo_memberships")
    created_at = serializers.DateTimeField(source="created")
    updated_at = serializers.DateTimeField(source="modified")

    def get_id(self, person) -> str:
        return person_id(person.pk)

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, person):
        return page_links(self.context.get("request"), person)

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, person):
        return [{"url": link["url"]} for link in self.get_links(person)]


class PopoloOrganizationSerializer(serializers.Serializer):
    """An organisation: a partner organisation (classification: its kind, as
    safer_norfolk.models.Organisation.Kind names it) or a committee (classification
    "committee": meetings/popolo.py)."""

    id = serializers.SerializerMethodField()
    name = serializers.CharField()
    classification = serializers.SerializerMethodField()
    parent_id = serializers.SerializerMethodField()
    other_names = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    sources = serializers.SerializerMethodField()
    extras = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(source="created")
    updated_at = serializers.DateTimeField(source="modified")

    def get_id(self, organisation) -> str:
        return organisation_id(organisation.pk)

    def get_classification(self, organisation) -> str:
        return organisation.kind

    def get_parent_id(self, organisation) -> str | None:
        return None

    @extend_schema_field(OtherNameSerializer(many=True))
    def get_other_names(self, organisation):
        if not organisation.short_name:
            return []
        return [{"name": organisation.short_name, "note": "short name"}]

    @extend_schema_field(LinkSerializer(many=True))
    def get_links(self, organisation):
        links = page_links(self.context.get("request"), organisation)
        if getattr(organisation, "website", ""):
            links.append({"url": organisation.website, "note": "Website"})
        return links

    @extend_schema_field(SourceSerializer(many=True))
    def get_sources(self, organisation):
        return [{"url": absolute_url(self.context.get("request"), organisation.get_absolute_url())}]

    def get_extras(self, organisation) -> dict[str, str | None]:
        return {}


# --- queries and views --------------------------------------------------------------------


def memberships_read_ahead():
    """A person's memberships, in the order they were recorded, into `popolo_memberships`."""
    return Prefetch(
        "memberships",
        queryset=public_rows(membership_model()).select_related("representing").order_by("pk"),
        to_attr="popolo_memberships",
    )


def persons():
    return Person.objects.public().prefetch_related(memberships_read_ahead())


def organisations():
    return Organisation.objects.public()


class PopoloViewSet(viewsets.ReadOnlyModelViewSet):
    """Open to everyone, no filters: the records in the order they were recorded, 50 to a
    page unless `page_size` asks for another number, pages linked by cursors
    (safer_norfolk.pagination); a record at the UUID of its id."""

    permission_classes = [AllowAny]
    filter_backends = []
    pagination_class = PublicPagination


class PersonViewSet(PopoloViewSet):
    """People who appear in published material, as Popolo persons with their memberships."""

    serializer_class = PopoloPersonSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Person.objects.none()
        return persons()

    def get_object(self):
        people = persons()
        return people.get(pk=find(people, self.kwargs["uuid"]))
