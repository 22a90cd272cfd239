"""Hostile input in the PDFs: no script or action, links to web addresses only, hostile
text printed as text, non-Latin and very long text carried (suite 1b)."""

import datetime
import re
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    DeclarationFactory,
    DocumentFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
    WrittenQuestionFactory,
)
from tests.hostile_input.files import (
    paper,
    pdf_scripts_and_links,
    pdf_text,
    squeezed,
)
from tests.hostile_input.world import (
    MARKDOWN_PAYLOADS,
    PAST,
    PLAIN_PAYLOADS,
    SAMPLES,
    long_text,
)
from tests.http import read_body

pytestmark = pytest.mark.django_db


# --- 1b. XSS and other scripts: PDFs -------------------------------------------------------------
PDF_CARRIES = ["greek", "cyrillic", "arabic-right-to-left", "combining-accents"]
PLAIN_LIST = list(PLAIN_PAYLOADS.values())


def plain_label(index, what):
    return f"{PLAIN_LIST[index % len(PLAIN_LIST)]} {what} {index}"


def build_pdf_world():
    """One meeting whose minutes hold every Markdown payload (a minute and an answered
    question each), the next meeting whose agenda holds them all (with the open action log in
    its pack, and an uploaded paper), and a plan whose report holds them all in action
    updates — with plain payloads in the headings, titles and names, and the non-Latin and long
    texts."""
    expected = {"minutes": [], "report": [], "front_sheet": [], "action_log": [], "long": {}}
    organisation = OrganisationFactory(name=plain_label(0, "organisation"), short_name="Org")
    committee = CommitteeFactory(
        name=plain_label(1, "committee"), slug="pdf-committee", partnership=organisation
    )
    for index in range(len(PLAIN_LIST)):
        MembershipFactory(
            committee=committee,
            person=PersonFactory(name=plain_label(index, "member"), organisation=organisation),
        )
    previous = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2022, 1, 20, 10, tzinfo=datetime.UTC),
        venue=plain_label(2, "venue"),
        minutes_published=True,
    )
    for index in range(len(PLAIN_LIST)):
        person = PersonFactory(name=plain_label(index, "person"), organisation=organisation)
        AttendanceFactory(meeting=previous, person=person, note=plain_label(index, "note"))
        DeclarationFactory(meeting=previous, person=person, text=plain_label(index, "interest"))
        expected["minutes"] += [plain_label(index, "person"), plain_label(index, "interest")]
    for index, payload in enumerate(MARKDOWN_PAYLOADS.values()):
        minute = MinuteFactory(
            meeting=previous,
            number=str(index + 1),
            heading=plain_label(index, "heading"),
            body=payload.replace("{keep}", f"KeepMinute{index}"),
        )
        ResolutionFactory(minute=minute, text=plain_label(index, "resolution"))
        WrittenQuestionFactory(
            meeting=previous,
            number=index + 1,
            question=plain_label(index, "question"),
            response=payload.replace("{keep}", f"KeepAnswer{index}"),
            status="answered",
            responded_on=datetime.date(2022, 2, 1),
        )
        ActionPointFactory(
            meeting=previous,
            reference=f"01/{index + 1:02d}",
            description=plain_label(index, "action point"),
        )
        expected["action_log"].append(plain_label(index, "action point"))
        expected["minutes"] += [
            f"KeepMinute{index}",
            f"KeepAnswer{index}",
            plain_label(index, "heading"),
            plain_label(index, "resolution"),
            plain_label(index, "question"),
        ]
    for index, sample in enumerate(SAMPLES.values(), start=100):
        MinuteFactory(meeting=previous, number=str(index), heading=sample, body=sample)
    MinuteFactory(meeting=previous, number="200", heading="Long", body=long_text(SAMPLES["greek"]))
    expected["long"]["minutes"] = long_text(SAMPLES["greek"])

    meeting = MeetingFactory(
        committee=committee,
        starts_at=PAST,
        public_notice=MARKDOWN_PAYLOADS["event-attributes-on-allowed-link"].replace(
            "{keep}", "KeepNotice"
        ),
        livestream_url="https://example.org/live",
    )
    # The action review item brings the open action log (raised at the previous meeting) and
    # "since the last meeting" into the pack; the minutes PDF is checked on its own.
    AgendaItemFactory(meeting=meeting, number="2", kind="action_review", title="Action points")
    for index, payload in enumerate(MARKDOWN_PAYLOADS.values()):
        item = AgendaItemFactory(
            meeting=meeting,
            number=str(index + 3),
            title=plain_label(index, "item"),
            description=payload.replace("{keep}", f"KeepItem{index}"),
            lead_text=plain_label(index, "lead"),
        )
        expected["front_sheet"] += [f"KeepItem{index}", plain_label(index, "item")]
    for index, sample in enumerate(SAMPLES.values(), start=100):
        AgendaItemFactory(meeting=meeting, number=str(index), title=sample)
    DocumentFactory(
        meeting=meeting,
        agenda_item=item,
        title=plain_label(3, "paper"),
        file=SimpleUploadedFile("paper.pdf", paper()),
    )
    expected["front_sheet"] += ["KeepNotice", plain_label(1, "committee")]

    plan = PlanFactory(title=plain_label(4, "plan"), slug="pdf-plan", organisation=organisation)
    section = SectionFactory(plan=plan, number="1", title=plain_label(5, "section"))
    for index, payload in enumerate(MARKDOWN_PAYLOADS.values()):
        action = ActionFactory(
            section=section,
            number=f"1.{index + 1}",
            title=plain_label(index, "action"),
            success_measure=plain_label(index, "measure"),
        )
        ActionUpdateFactory(action=action, text=payload.replace("{keep}", f"KeepUpdate{index}"))
        expected["report"] += [f"KeepUpdate{index}", plain_label(index, "action")]
    for index, sample in enumerate(SAMPLES.values(), start=100):
        ActionFactory(section=section, number=f"1.{index}", title=sample, success_measure=sample)
    action = ActionFactory(section=section, number="1.200", title="Long")
    ActionUpdateFactory(action=action, text=long_text(SAMPLES["cyrillic"]))
    expected["long"]["report"] = long_text(SAMPLES["cyrillic"])
    return {"previous": previous, "meeting": meeting, "plan": plan}, expected


@pytest.fixture(scope="module")
def hostile_pdfs(django_db_setup, django_db_blocker, tmp_path_factory):
    """Each PDF rendered once, through its public address, from the world above; the database
    work is rolled back afterwards, so nothing outlives this module."""
    media = tmp_path_factory.mktemp("hostile-media")
    browser = Client(raise_request_exception=False)
    responses = {}
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        world, expected = build_pdf_world()
        previous, meeting = world["previous"], world["meeting"]
        slug = meeting.committee.slug
        responses["minutes"] = browser.get(
            reverse("meetings:minutes_pdf", args=[slug, previous.local_date])
        )
        responses["report"] = browser.get(
            reverse("delivery_plans:report_pdf", args=[world["plan"].slug])
        )
        responses["pack"] = browser.get(
            reverse("meetings:pack_pdf", args=[slug, meeting.local_date])
        )
        responses["front_sheet"] = browser.get(
            reverse("meetings:agenda_pdf", args=[slug, meeting.local_date])
        )
        pdfs = {
            name: (response.status_code, response.get("Content-Type"), read_body(response))
            for name, response in responses.items()
        }
        transaction.set_rollback(True)
    expected["pack"] = expected["front_sheet"] + expected["action_log"]
    return pdfs, expected


PDF_NAMES = ["minutes", "report", "front_sheet", "pack"]


def rendered(hostile_pdfs, name):
    pdfs, expected = hostile_pdfs
    status, content_type, data = pdfs[name]
    assert status == 200, f"The {name} PDF answered {status}"
    assert content_type == "application/pdf"
    return data, expected


@pytest.mark.parametrize("name", PDF_NAMES)
def test_pdf_holds_no_script_and_links_only_to_web_addresses(hostile_pdfs, name):
    data, _ = rendered(hostile_pdfs, name)

    scripts, uris = pdf_scripts_and_links(data)

    assert scripts == [], f"The {name} PDF holds active content: {scripts}"
    # Each PDF has real links (the payloads' https link, the live stream): they were checked.
    assert uris, f"The {name} PDF has no link at all, so none was checked"
    unsafe = [uri for uri in uris if not re.match(r"(https?|mailto|tel):", uri, re.I)]
    assert unsafe == [], f"The {name} PDF links to {unsafe}"


@pytest.mark.parametrize("name", PDF_NAMES)
def test_pdf_keeps_the_harmless_text_and_prints_plain_payloads_as_text(hostile_pdfs, name):
    data, expected = rendered(hostile_pdfs, name)

    text = pdf_text(data)

    missing = [value for value in expected[name] if squeezed(value) not in text]
    assert missing == [], f"The {name} PDF lost text: {missing[:5]} (and {len(missing)} in all)"


@pytest.mark.parametrize("script", PDF_CARRIES)
@pytest.mark.parametrize("name", PDF_NAMES)
def test_pdf_carries_non_latin_text(hostile_pdfs, name, script):
    data, _ = rendered(hostile_pdfs, name)

    text = pdf_text(data)
    for word in re.findall(r"\w+", unicodedata.normalize("NFC", SAMPLES[script])):
        assert word in text, f"The {name} PDF lost “{word}” of the {script} text"


@pytest.mark.parametrize("name", ["minutes", "report"])
def test_pdf_carries_a_very_long_text_whole(hostile_pdfs, name):
    data, expected = rendered(hostile_pdfs, name)

    text = pdf_text(data)
    long = squeezed(unicodedata.normalize("NFC", expected["long"][name]))
    assert long[:500] in text, f"The start of the long text is not in the {name} PDF"
    assert long[-500:] in text, f"The end of the long text is not in the {name} PDF"
