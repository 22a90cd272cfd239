"""A person's organisation is given by key only when the organisation is published itself:
a person may be named in published material (an action point they own) through a role that
does not make their employer public, and the API gives an unpublished record's key as null."""

import pytest

from safer_norfolk.models import Organisation
from tests.factories import (
    ActionPointFactory,
    CommitteeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def test_a_persons_organisation_is_named_only_when_it_is_published(client):
    unlisted = OrganisationFactory(name="Private employer")
    owner = PersonFactory(organisation=unlisted)
    ActionPointFactory(owner_person=owner)
    listed = OrganisationFactory(name="Norfolk Constabulary")
    member = PersonFactory(organisation=listed)
    MembershipFactory(committee=CommitteeFactory(), person=member)
    assert not Organisation.objects.public().filter(pk=unlisted.pk).exists()

    people = {record["id"]: record for record in client.get("/api/v1/people/").json()["results"]}

    assert people[owner.pk]["organisation"] is None
    assert people[member.pk]["organisation"] == listed.pk
    assert client.get(f"/api/v1/people/{owner.pk}/").json()["organisation"] is None
