"""People, organisations and memberships as Popolo / Open Civic Data records
(/api/ocd/persons/, /api/ocd/organizations/, /api/ocd/memberships/): their content, their
ids, their pages, and what is never among them."""

import datetime
import uuid

import pytest
from django.urls import reverse
from rest_framework import serializers

from tests.factories import (
    AttendanceFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "POPOLOHIDDEN"
# The site's namespace, written out: a change to it would change every published id.
NAMESPACE = uuid.UUID("f0320482-87e1-42d5-8682-fdded7bf200c")


def stamp(moment):
    """A time as the API writes it (REST framework's ISO 8601, in UTC)."""
    return serializers.DateTimeField().to_representation(moment)


def expected_id(kind, label, pk):
    return f"ocd-{kind}/{uuid.uuid5(NAMESPACE, f'{label}:{pk}')}"


def read_all(client, url):
    """Every record of a list, following `next` to the end."""
    records, pages = [], 0
    while url:
        pages += 1
        assert pages <= 20, f"{url} after {[record['id'] for record in records]}"
        page = client.get(url).json()
        records.extend(page["results"])
        url = page["next"]
    return records


@pytest.fixture
def panel():
    """A committee of a partnership, reporting to another, with a chair, a member and the
    member's substitute; a person named only in an unpublished meeting's attendance; an
    organisation named nowhere public."""
    partnership = OrganisationFactory(
        name="Norfolk Countywide Community Safety Partnership",
        short_name="NCCSP",
        kind="partnership_group",
        website="https://example.org/nccsp",
    )
    police = OrganisationFactory(name="Norfolk Constabulary", short_name="", kind="police")
    council = OrganisationFactory(name="Norwich City Council", kind="council")
    parent = CommitteeFactory(name="Norfolk Police and Crime Panel", partnership=None)
    committee = CommitteeFactory(
        name="NCCSP Scrutiny Sub Panel", partnership=partnership, parent=parent
    )
    chair = MembershipFactory(
        committee=committee,
        person=PersonFactory(
            honorific="Cllr",
            name="Penny Carpenter",
            organisation=council,
            email=f"{SECRET.lower()}@example.org",
            phone=f"01603 {SECRET}",
        ),
        role="chair",
        representing=council,
        start_date=datetime.date(2021, 5, 1),
        end_date=datetime.date(2022, 5, 1),
    )
    member = MembershipFactory(
        committee=committee,
        person=PersonFactory(honorific="", name="Paul Sanford", organisation=police),
        role="member",
        representing=police,
    )
    substitute = MembershipFactory(
        committee=committee,
        person=PersonFactory(honorific="", name="Chris Harding", organisation=police),
        role="substitute",
        representing=police,
        substitute_for=member,
    )
    hidden_place = OrganisationFactory(name=f"{SECRET} Trust", kind="voluntary")
    draft = MeetingFactory(committee=committee, minutes_draft=True)
    AttendanceFactory(
        meeting=draft, person=PersonFactory(name=f"{SECRET} Guest", organisation=hidden_place)
    )
    return {
        "partnership": partnership,
        "police": police,
        "council": council,
        "parent": parent,
        "committee": committee,
        "chair": chair,
        "member": member,
        "substitute": substitute,
    }


def test_persons_are_the_public_people_with_their_memberships(client, panel):
    chair = panel["chair"]

    response = client.get(reverse("ocd_persons"))

    assert response.status_code == 200
    assert SECRET.lower() not in response.content.decode().lower()
    persons = {person["name"]: person for person in response.json()["results"]}
    assert set(persons) == {"Penny Carpenter", "Paul Sanford", "Chris Harding"}
    penny = persons["Penny Carpenter"]
    assert penny["id"] == expected_id("person", "safer_norfolk.person", chair.person.pk)
    assert penny["honorific_prefix"] == "Cllr"
    assert penny["links"] == [
        {"url": f"http://testserver/people/{chair.person.slug}/", "note": "Page on the site"}
    ]
    assert penny["sources"] == [{"url": f"http://testserver/people/{chair.person.slug}/"}]
    assert "sort_name" not in penny  # not recorded: the name is kept as written
    assert not {"email", "phone", "contact_details", "user"} & set(penny)
    [membership] = penny["memberships"]
    assert membership == {
        "id": expected_id("membership", "meetings.membership", chair.pk),
        "person_id": penny["id"],
        "organization_id": expected_id("organization", "meetings.committee", chair.committee.pk),
        "role": "chair",
        "label": "Chair",
        "on_behalf_of_id": expected_id(
            "organization", "safer_norfolk.organisation", panel["council"].pk
        ),
        "on_behalf_of": {
            "id": expected_id("organization", "safer_norfolk.organisation", panel["council"].pk),
            "name": "Norwich City Council",
        },
        "start_date": "2021-05-01",
        "end_date": "2022-05-01",
        "extras": {"substitute_for_id": None},
        "created_at": stamp(chair.created),
        "updated_at": stamp(chair.modified),
    }


def test_a_person_is_found_at_the_uuid_of_their_id_at_every_call(client, panel):
    first = client.get(reverse("ocd_persons")).json()["results"]
    second = client.get(reverse("ocd_persons")).json()["results"]
    assert [person["id"] for person in first] == [person["id"] for person in second]

    penny = next(person for person in first if person["name"] == "Penny Carpenter")
    response = client.get(
        reverse("ocd_person", kwargs={"uuid": penny["id"].removeprefix("ocd-person/")})
    )

    assert response.status_code == 200
    assert response.json() == penny


def test_a_person_named_only_in_unpublished_minutes_has_no_record(client, panel):
    from safer_norfolk import popolo
    from safer_norfolk.models import Person

    hidden = Person.objects.get(name=f"{SECRET} Guest")

    response = client.get(
        reverse("ocd_person", kwargs={"uuid": popolo.record_uuid(Person, hidden.pk)})
    )

    assert response.status_code == 404
    assert client.get(reverse("ocd_person", kwargs={"uuid": uuid.uuid4()})).status_code == 404


def test_organizations_are_the_partner_organisations_then_the_committees(client, panel):
    records = read_all(client, reverse("ocd_organizations") + "?page_size=2")

    assert SECRET not in str(records)
    by_name = {record["name"]: record for record in records}
    assert [record["classification"] for record in records] == [
        "partnership_group",
        "police",
        "council",
        "committee",
        "committee",
    ]
    partnership_id = expected_id(
        "organization", "safer_norfolk.organisation", panel["partnership"].pk
    )
    assert by_name["Norfolk Countywide Community Safety Partnership"] == {
        "id": partnership_id,
        "name": "Norfolk Countywide Community Safety Partnership",
        "classification": "partnership_group",
        "parent_id": None,
        "other_names": [{"name": "NCCSP", "note": "short name"}],
        "links": [
            {
                "url": f"http://testserver/organisations/{panel['partnership'].slug}/",
                "note": "Page on the site",
            },
            {"url": "https://example.org/nccsp", "note": "Website"},
        ],
        "sources": [{"url": f"http://testserver/organisations/{panel['partnership'].slug}/"}],
        "extras": {},
        "created_at": stamp(panel["partnership"].created),
        "updated_at": stamp(panel["partnership"].modified),
    }
    assert by_name["Norfolk Constabulary"]["other_names"] == []
    panel_record = by_name["NCCSP Scrutiny Sub Panel"]
    assert panel_record["id"] == expected_id(
        "organization", "meetings.committee", panel["committee"].pk
    )
    assert panel_record["parent_id"] == partnership_id
    assert panel_record["extras"] == {
        "reports_to_id": expected_id("organization", "meetings.committee", panel["parent"].pk)
    }
    assert (
        panel_record["links"][0]["url"]
        == f"http://testserver/committees/{panel['committee'].slug}/"
    )
    assert by_name["Norfolk Police and Crime Panel"]["parent_id"] is None


def test_an_organisation_or_a_committee_is_found_at_the_uuid_of_its_id(client, panel):
    records = read_all(client, reverse("ocd_organizations"))

    for record in records:
        address = reverse(
            "ocd_organization", kwargs={"uuid": record["id"].removeprefix("ocd-organization/")}
        )
        assert client.get(address).json() == record


def test_the_organizations_list_refuses_an_unknown_part(client, panel):
    response = client.get(reverse("ocd_organizations") + "?part=everything")

    assert response.status_code == 400
    assert "part" in response.json()


def test_memberships_name_the_person_the_committee_and_whom_they_represent(client, panel):
    records = read_all(client, reverse("ocd_memberships") + "?page_size=1")

    member, substitute = panel["member"], panel["substitute"]
    assert [record["id"] for record in records] == [
        expected_id("membership", "meetings.membership", membership.pk)
        for membership in (panel["chair"], member, substitute)
    ]
    assert [record["role"] for record in records] == ["chair", "member", "substitute"]
    standing_in = records[2]
    assert standing_in["person_id"] == expected_id(
        "person", "safer_norfolk.person", substitute.person.pk
    )
    assert standing_in["on_behalf_of"]["name"] == "Norfolk Constabulary"
    assert standing_in["start_date"] == standing_in["end_date"] == ""
    assert standing_in["extras"] == {"substitute_for_id": records[1]["id"]}
    detail = client.get(
        reverse(
            "ocd_membership", kwargs={"uuid": standing_in["id"].removeprefix("ocd-membership/")}
        )
    )
    assert detail.json() == standing_in


def test_every_membership_names_a_person_and_an_organisation_that_have_records(client, panel):
    persons = {person["id"] for person in read_all(client, reverse("ocd_persons"))}
    organizations = {record["id"] for record in read_all(client, reverse("ocd_organizations"))}

    for membership in read_all(client, reverse("ocd_memberships")):
        assert membership["person_id"] in persons
        assert membership["organization_id"] in organizations
        assert membership["on_behalf_of_id"] in organizations
