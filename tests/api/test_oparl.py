"""The OParl 1.1 interface (/oparl/v1/): every object valid against OParl's own schemas
(tests/data/oparl/), linked by full addresses that lead to the objects, made from public
rows only, its lists paged by `after` and narrowed by OParl's filters."""

import datetime
import json
from pathlib import Path

import jsonschema
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import oparl
from meetings.models import Report, ReportTemplate
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    DocumentFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    ResolutionFactory,
)

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "oparl"
BASE = "http://testserver/oparl/v1/"
HIDDEN = "OPARLHIDDEN"
TYPE = "https://schema.oparl.org/1.1/"


def schema(name):
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def validate(obj):
    """`obj` against the schema of its type, and each object it carries against its own."""
    rules = schema(obj["type"].removeprefix(TYPE))
    if obj.get("deleted"):
        # OParl's rule for deleted objects: every property but id, type, created and
        # modified may be removed (its chapter on deleted objects), required or not.
        rules["required"] = ["id", "type"]
    jsonschema.validate(obj, rules)
    for value in obj.values():
        for inner in value if isinstance(value, list) else [value]:
            if isinstance(inner, dict) and "type" in inner:
                validate(inner)
    return obj


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    return response.json()


def read_all(client, url):
    """Every object of a list, following `next` to the end, each page checked."""
    objects, pages = [], 0
    while url:
        pages += 1
        assert pages <= 50
        page = get(client, url)
        assert set(page) == {"data", "pagination", "links"}
        objects.extend(validate(obj) for obj in page["data"])
        url = page["links"].get("next")
    return objects


def report(item, title, status="published"):
    return Report.objects.create(
        agenda_item=item,
        title=title,
        template=ReportTemplate.objects.get(committee__isnull=True),
        sections={"strategic_impact": f"{title} impact."},
        status=status,
    )


@pytest.fixture
def site():
    """A partnership's committee with a chair representing the police, a meeting with
    published minutes (a public item with a paper, a report and decisions; an exempt item),
    and what must never be served: a draft agenda, a draft report, a paper not public, and
    a person named only in the attendance of draft minutes."""
    partnership = OrganisationFactory(
        name="Norfolk Countywide Community Safety Partnership",
        short_name="NCCSP",
        kind="partnership_group",
    )
    police = OrganisationFactory(name="Norfolk Constabulary", kind="police")
    committee = CommitteeFactory(name="NCCSP Scrutiny Sub Panel", partnership=partnership)
    chair = PersonFactory(name="Penny Carpenter", honorific="Cllr", organisation=police)
    chair.email = f"{HIDDEN.lower()}@example.org"
    chair.save()
    membership = MembershipFactory(
        committee=committee,
        person=chair,
        role="chair",
        representing=police,
        start_date=datetime.date(2021, 5, 1),
    )
    meeting = MeetingFactory(
        committee=committee,
        minutes_published=True,
        starts_at=datetime.datetime(2022, 2, 24, 10, 0, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(2022, 2, 24, 12, 5, tzinfo=datetime.UTC),
    )
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery plan update")
    exempt = AgendaItemFactory(
        meeting=meeting, number="6", title=f"{HIDDEN} exempt item", is_exempt=True
    )
    AgendaItemFactory(meeting=meeting, number="4", title="Minutes of the last meeting")
    paper = DocumentFactory(meeting=meeting, agenda_item=item, title="Plan progress report")
    DocumentFactory(meeting=meeting, agenda_item=item, title=f"{HIDDEN} paper", is_public=False)
    DocumentFactory(meeting=meeting, agenda_item=exempt, title=f"{HIDDEN} exempt paper")
    written = report(item, "Delivery plan: year 2")
    report(item, f"{HIDDEN} draft report", status="draft")
    minute = MinuteFactory(meeting=meeting, agenda_item=item, number="5")
    ResolutionFactory(minute=minute, order=1, verb="noted", text="the report.")
    ResolutionFactory(minute=minute, order=2, verb="agreed", text="to meet again.")
    exempt_minute = MinuteFactory(meeting=meeting, agenda_item=exempt, number="6")
    ResolutionFactory(minute=exempt_minute, order=1, verb="agreed", text=f"{HIDDEN} decision.")
    AttendanceFactory(meeting=meeting, person=chair, in_chair=True)

    draft = MeetingFactory(committee=committee, draft=True)
    AgendaItemFactory(meeting=draft, title=f"{HIDDEN} draft agenda item")
    DocumentFactory(meeting=draft, title=f"{HIDDEN} draft agenda paper")
    unminuted = MeetingFactory(committee=committee, minutes_draft=True)
    unseen = PersonFactory(name=f"{HIDDEN} Unseen", organisation=police)
    AttendanceFactory(meeting=unminuted, person=unseen)
    return {
        "partnership": partnership,
        "police": police,
        "committee": committee,
        "chair": chair,
        "membership": membership,
        "meeting": meeting,
        "item": item,
        "exempt": exempt,
        "paper": paper,
        "report": written,
        "draft": draft,
        "unminuted": unminuted,
        "unseen": unseen,
    }


def test_system_leads_to_the_body_and_its_lists(client, site):
    system = validate(get(client, f"{BASE}system"))
    assert system["id"] == f"{BASE}system"
    assert system["oparlVersion"] == TYPE
    bodies = read_all(client, system["body"])
    assert [body["name"] for body in bodies] == [site["partnership"].name]
    body = bodies[0]
    assert body["id"] == f"{BASE}body/{site['partnership'].pk}"
    assert validate(get(client, body["id"])) == body
    assert body["system"] == system["id"]
    assert body["legislativeTerm"] == []
    assert body["deleted"] is False
    assert body["web"] == f"http://testserver{site['partnership'].get_absolute_url()}"
    for name in ("organization", "person", "meeting", "paper", "agendaItem", "membership"):
        assert body[name] == f"{body['id']}/{name}"
        assert read_all(client, body[name])


def test_objects_of_every_list_are_at_their_own_address(client, site):
    body = f"{BASE}body/{site['partnership'].pk}"
    for name in ("organization", "person", "meeting", "paper", "agendaItem", "membership"):
        for obj in read_all(client, f"{body}/{name}"):
            assert get(client, obj["id"]) == obj
            assert obj["deleted"] is False
            assert obj["created"] <= obj["modified"]
            assert obj["id"].startswith(BASE)


def test_a_meeting_carries_its_public_agenda_files_and_decisions(client, site):
    meeting = site["meeting"]
    obj = validate(get(client, f"{BASE}meeting/{meeting.pk}"))
    assert obj["type"] == f"{TYPE}Meeting"
    assert obj["start"] == "2022-02-24T10:00:00+00:00"
    assert obj["end"] == "2022-02-24T12:05:00+00:00"
    assert obj["organization"] == [f"{BASE}organization/{site['committee'].pk}"]
    assert obj["participant"] == [f"{BASE}person/{site['chair'].pk}"]
    assert obj["location"]["description"] == meeting.venue
    assert obj["web"] == f"http://testserver{meeting.get_absolute_url()}"
    assert obj["modified"] == timezone.localtime(meeting.modified).isoformat(timespec="seconds")
    assert obj["invitation"]["accessUrl"].endswith("/agenda.pdf")
    assert obj["resultsProtocol"]["accessUrl"].endswith("/minutes.pdf")
    items = obj["agendaItem"]
    assert [(item["number"], item["order"]) for item in items] == [("4", 1), ("5", 2)]
    item = items[1]
    assert item["public"] is True
    assert item["result"] == "Noted; Agreed"
    assert item["resolutionText"] == "1) NOTED the report.\n2) AGREED to meet again."
    assert [file["name"] for file in item["auxiliaryFile"]] == [
        "Plan progress report",
        "Delivery plan: year 2",
    ]
    assert get(client, item["id"]) == item
    for file in [obj["invitation"], obj["resultsProtocol"], *item["auxiliaryFile"]]:
        assert get(client, file["id"]) == file
    assert get(client, obj["location"]["id"]) == obj["location"]


def test_a_report_and_an_uploaded_paper_are_papers_with_their_pdf(client, site):
    papers = read_all(client, f"{BASE}body/{site['partnership'].pk}/paper")
    assert [paper["name"] for paper in papers] == ["Plan progress report", "Delivery plan: year 2"]
    document, written = papers
    assert document["id"] == f"{BASE}paper/{site['paper'].pk}"
    assert document["mainFile"]["accessUrl"] == (
        f"http://testserver{site['paper'].get_absolute_url()}"
    )
    assert document["mainFile"]["mimeType"] == "application/pdf"
    assert document["mainFile"]["size"] == site["paper"].size_bytes
    assert written["id"] == f"{BASE}paper/report/{site['report'].pk}"
    assert written["paperType"] == "Committee report"
    assert written["mainFile"]["downloadUrl"] == (
        f"http://testserver{site['report'].get_pdf_url()}"
    )
    assert written["web"] == f"http://testserver{site['report'].get_absolute_url()}"
    assert written["mainFile"]["agendaItem"] == [f"{BASE}agendaItem/{site['item'].pk}"]
    assert client.get(written["mainFile"]["accessUrl"]).status_code == 200


def test_a_membership_links_its_person_and_organisations(client, site):
    body = f"{BASE}body/{site['partnership'].pk}"
    (membership,) = read_all(client, f"{body}/membership")
    assert membership["role"] == "Chair"
    assert membership["startDate"] == "2021-05-01"
    person = validate(get(client, membership["person"]))
    organisation = validate(get(client, membership["organization"]))
    partner = validate(get(client, membership["onBehalfOf"]))
    assert person["id"] == membership["person"]
    assert person["name"] == "Penny Carpenter"
    assert person["formOfAddress"] == "Cllr"
    assert person["membership"] == [membership]
    assert organisation["id"] == membership["organization"]
    assert organisation["name"] == "NCCSP Scrutiny Sub Panel"
    assert organisation["membership"] == [membership["id"]]
    assert organisation["body"] == body
    assert partner["id"] == membership["onBehalfOf"]
    assert partner["name"] == "Norfolk Constabulary"
    organisations = read_all(client, f"{body}/organization")
    assert [obj["id"] for obj in organisations] == [organisation["id"], partner["id"]]


def test_nothing_unpublished_is_served(client, site):
    body = f"{BASE}body/{site['partnership'].pk}"
    served = [get(client, f"{BASE}system"), *read_all(client, f"{BASE}body")]
    for name in ("organization", "person", "meeting", "paper", "agendaItem", "membership"):
        served += read_all(client, f"{body}/{name}")
    text = json.dumps(served)
    assert HIDDEN not in text
    assert HIDDEN.lower() not in text
    assert "email" not in text
    meetings = read_all(client, f"{body}/meeting")
    assert {obj["id"] for obj in meetings} == {
        f"{BASE}meeting/{site['meeting'].pk}",
        f"{BASE}meeting/{site['unminuted'].pk}",
    }
    unminuted = next(obj for obj in meetings if obj["id"].endswith(f"/{site['unminuted'].pk}"))
    assert "resultsProtocol" not in unminuted
    assert "participant" not in unminuted
    for address in (
        f"meeting/{site['draft'].pk}",
        f"agendaItem/{site['exempt'].pk}",
        f"person/{site['unseen'].pk}",
        f"file/minutes/{site['unminuted'].pk}",
        f"paper/report/{Report.objects.get(status='draft').pk}",
        f"body/{site['police'].pk}",
        f"body/{site['police'].pk}/meeting",
    ):
        get(client, f"{BASE}{address}", status=404)
    for document in site["exempt"].documents.all():
        get(client, f"{BASE}paper/{document.pk}", status=404)
        get(client, f"{BASE}file/{document.pk}", status=404)


def since(moment):
    return moment.isoformat().replace("+", "%2B")


def test_modified_since_narrows_lists_and_names_what_left(client, site):
    body = f"{BASE}body/{site['partnership'].pk}"
    before = since(timezone.now())
    assert read_all(client, f"{body}/meeting?modified_since={before}") == []
    item = site["item"]
    item.title = "Delivery plan update (revised)"
    item.save()
    # The meeting carries its agenda: a change to an item is a change to it.
    (meeting,) = read_all(client, f"{body}/meeting?modified_since={before}")
    assert meeting["id"] == f"{BASE}meeting/{site['meeting'].pk}"
    (changed,) = read_all(client, f"{body}/agendaItem?modified_since={before}")
    assert changed["name"] == "Delivery plan update (revised)"
    assert read_all(client, f"{body}/agendaItem?created_since={before}") == []
    assert read_all(client, f"{body}/agendaItem?modified_until=2000-01-01") == []
    # An item made exempt left the public record: named as deleted, with nothing else.
    now = since(timezone.now())
    item.is_exempt = True
    item.save()
    (listed,) = read_all(client, f"{body}/agendaItem?modified_since={now}")
    assert listed.pop("modified") >= now.replace("%2B", "+")[:19]
    assert listed == {
        "id": f"{BASE}agendaItem/{item.pk}",
        "type": f"{TYPE}AgendaItem",
        "deleted": True,
    }
    # It stays at its address, as deleted.
    assert validate(get(client, f"{BASE}agendaItem/{item.pk}"))["deleted"] is True
    # Without modified_since, what left is not listed.
    assert f"{BASE}agendaItem/{item.pk}" not in {
        obj["id"] for obj in read_all(client, f"{body}/agendaItem")
    }
    assert get(client, f"{body}/meeting?modified_since=yesterday", status=400)


def test_lists_are_paged_by_id_and_keep_their_filters(client, site):
    body = f"{BASE}body/{site['partnership'].pk}"
    for number in range(7, 12):
        AgendaItemFactory(meeting=site["meeting"], number=str(number))
    everything = read_all(client, f"{body}/agendaItem")
    first = get(client, f"{body}/agendaItem?limit=2&created_since=2000-01-01")
    assert len(first["data"]) == 2
    assert "created_since=2000-01-01" in first["links"]["next"]
    paged = read_all(client, f"{body}/agendaItem?limit=2&created_since=2000-01-01")
    assert paged == everything
    ids = [int(obj["id"].rsplit("/", 1)[1]) for obj in paged]
    assert ids == sorted(ids)
    # Papers come in two parts: the uploaded papers, then the reports.
    papers = read_all(client, f"{body}/paper?limit=1")
    assert [paper["id"] for paper in papers] == [
        f"{BASE}paper/{site['paper'].pk}",
        f"{BASE}paper/report/{site['report'].pk}",
    ]
    assert len(get(client, f"{body}/agendaItem?limit=1")["data"]) == 1
    assert get(client, f"{body}/agendaItem?after=nonsense", status=400)


def test_a_list_costs_the_same_queries_however_long(client, site):
    body = f"{BASE}body/{site['partnership'].pk}"

    def cost(name):
        with CaptureQueriesContext(connection) as captured:
            get(client, f"{body}/{name}")
        return len(captured)

    before = {name: cost(name) for name in ("meeting", "agendaItem", "paper", "person")}
    for number in range(3):
        meeting = MeetingFactory(committee=site["committee"], minutes_published=True)
        item = AgendaItemFactory(meeting=meeting)
        DocumentFactory(meeting=meeting, agenda_item=item)
        report(item, f"Report {number}")
        AttendanceFactory(meeting=meeting, person=PersonFactory())
        ResolutionFactory(minute=MinuteFactory(meeting=meeting, agenda_item=item))
    assert {name: cost(name) for name in before} == before


def test_the_api_schema_leaves_oparl_out(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert not [address for address in response.json()["paths"] if "oparl" in address]


@pytest.mark.parametrize(
    ("value", "limit"),
    [(None, None), ("", None), ("20", 20), ("0", 1), ("999", 200), ("²", None), ("-1", None)],
)
def test_limit_is_bounded_and_anything_else_gives_the_default(value, limit):
    # None: the list's own page size.
    assert oparl.read_limit(value) == limit


def test_meetings_come_fewer_to_a_page_as_they_carry_their_agenda(client):
    partnership = OrganisationFactory(kind="partnership_group")
    committee = CommitteeFactory(partnership=partnership)
    for _ in range(oparl.MEETINGS_PAGE_SIZE + 1):
        MeetingFactory(committee=committee)
    body = get(client, "/oparl/v1/body")["data"][0]["id"]

    page = get(client, f"{body}/meeting")
    assert len(page["data"]) == oparl.MEETINGS_PAGE_SIZE
    assert "next" in page["links"]
    assert len(get(client, f"{body}/meeting?limit=30")["data"]) == oparl.MEETINGS_PAGE_SIZE + 1
