import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings import services
from meetings.models import AgendaPack, Document
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    AttendanceFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    PersonFactory,
    ResolutionFactory,
    WrittenQuestionFactory,
)
from tests.http import read_body
from tests.pdfs import is_tagged_pdf_ua, make_pdf, outline_titles, pdf_pages_text

pytestmark = pytest.mark.django_db

SECRET = "EXEMPT-PAPER-MARKER-a81c"


def paper(item, *, pages, text, is_public=True, title=None):
    data = make_pdf(text, pages=pages)
    return Document.objects.create(
        meeting=item.meeting,
        agenda_item=item,
        title=title or f"{text} report",
        file=ContentFile(data, name="paper.pdf"),
        page_count=pages,
        size_bytes=len(data),
        sha256=str(hash(data)),
        is_public=is_public,
    )


def url(name, meeting, **query):
    address = reverse(f"meetings:{name}", args=[meeting.committee.slug, meeting.local_date])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def pdf_bytes(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    return read_body(response)


def build_meeting(member_count):
    committee = CommitteeFactory(name="NCCSP Scrutiny Sub Panel")
    for n in range(member_count):
        main = MembershipFactory(
            committee=committee, person=PersonFactory(name=f"Member {n}"), order=n
        )
        MembershipFactory(
            committee=committee,
            role="substitute",
            substitute_for=main,
            person=PersonFactory(name=f"Substitute {n}"),
        )
    meeting = MeetingFactory(
        committee=committee, starts_at=datetime.datetime(2021, 9, 16, 9, tzinfo=datetime.UTC)
    )
    first = AgendaItemFactory(meeting=meeting, number="5", title="Safer Norfolk Plan")
    AgendaItemFactory(meeting=meeting, number="6", title="Apologies only: no papers")
    second = AgendaItemFactory(meeting=meeting, number="7", title="Delivery Plan")
    third = AgendaItemFactory(meeting=meeting, number="10", title="Serious violence")
    paper(first, pages=1, text="Alpha")
    paper(second, pages=3, text="Bravo")
    paper(third, pages=17, text="Charlie")
    return meeting


@pytest.mark.parametrize(("members", "front_pages"), [(2, 1), (60, 3)])
def test_pack_page_references_are_exact(client, members, front_pages):
    meeting = build_meeting(members)

    data = pdf_bytes(client.get(url("pack_pdf", meeting)))

    pages = pdf_pages_text(data)
    pack = AgendaPack.objects.get(meeting=meeting)
    assert pack.front_sheet_pages == front_pages
    assert len(pages) == front_pages + 1 + 3 + 17
    front = "\n".join(pages[:front_pages])
    references = dict(
        re.findall(
            r"(Safer Norfolk Plan|Delivery Plan|Serious violence).*?\(Page (\d+)\)", front, re.S
        )
    )
    assert references == {
        "Safer Norfolk Plan": str(front_pages + 1),
        "Delivery Plan": str(front_pages + 2),
        "Serious violence": str(front_pages + 5),
    }
    for title, marker in [
        ("Safer Norfolk Plan", "Alpha page 1"),
        ("Delivery Plan", "Bravo page 1"),
        ("Serious violence", "Charlie page 1"),
    ]:
        assert marker in pages[int(references[title]) - 1]
    assert "Charlie page 17" in pages[-1]
    for number, text in enumerate(pages, start=1):
        assert re.search(rf"\bPage {number}\b", text), number


def stamps(page):
    """[(subtype, text)] of the text a page shows inside pagination artifacts."""
    from pypdf.generic import ContentStream

    found, marks = [], []
    for operands, operator in ContentStream(page.get_contents(), page.pdf).operations:
        if operator == b"BDC":
            marks.append(operands)
        elif operator == b"BMC":
            marks.append([operands[0], {}])
        elif operator == b"EMC":
            marks.pop()
        elif operator == b"Tj" and marks and marks[-1][0] == "/Artifact":
            properties = marks[-1][1]
            if properties.get("/Type") == "/Pagination":
                found.append((properties["/Subtype"], str(operands[0])))
    return found


@pytest.mark.parametrize("restricted", [False, True], ids=["public", "restricted"])
def test_pack_page_numbers_are_artifacts_in_an_embedded_font(client, officer, restricted):
    from pypdf import PdfReader

    meeting = build_meeting(2)
    client.force_login(officer)
    query = {"restricted": 1} if restricted else {}

    reader = PdfReader(io.BytesIO(pdf_bytes(client.get(url("pack_pdf", meeting, **query)))))

    front = AgendaPack.objects.get(meeting=meeting, restricted=restricted).front_sheet_pages
    fonts = set()
    for number, page in enumerate(reader.pages[front:], start=front + 1):
        expected = [("/Footer", f"Page {number}")]
        if restricted:
            expected.append(
                (
                    "/Header",
                    "RESTRICTED: includes exempt and unpublished papers, not for publication",
                )
            )
        assert stamps(page) == expected
        assert re.search(rf"\bPage {number}\b", page.extract_text())
        reference = page["/Resources"]["/Font"].raw_get("/StampFont")
        fonts.add(reference.idnum)
        font = reference.get_object()
        descriptor = font["/FontDescriptor"].get_object()
        assert font["/Subtype"] == "/TrueType"
        assert re.fullmatch(r"/[A-Z]{6}\+DejaVuSans", font["/BaseFont"])
        assert "/FontFile2" in descriptor
        assert "/ToUnicode" in font
    # One embedded font serves every page.
    assert len(fonts) == 1
    assert all(stamps(page) == [] for page in reader.pages[:front])


def test_pack_outline_has_a_bookmark_per_item_and_document(client):
    meeting = build_meeting(2)

    titles = outline_titles(pdf_bytes(client.get(url("pack_pdf", meeting))))

    assert titles == [
        "Agenda",
        "5. Safer Norfolk Plan",
        ["Alpha report"],
        "6. Apologies only: no papers",
        "7. Delivery Plan",
        ["Bravo report"],
        "10. Serious violence",
        ["Charlie report"],
    ]


def test_pack_brings_previous_minutes_and_the_open_action_log(client):
    committee = CommitteeFactory()
    july = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2021, 7, 20, 9, tzinfo=datetime.UTC),
        minutes_published=True,
    )
    minute = MinuteFactory(meeting=july, number="5", heading="Delivery Plan")
    ResolutionFactory(minute=minute, verb="agreed", text="to delegate to the Chair.")
    ActionPointFactory(
        meeting=july,
        committee=committee,
        reference="07/01",
        description="Circulate the scams figures",
    )
    september = MeetingFactory(
        committee=committee, starts_at=datetime.datetime(2021, 9, 16, 9, tzinfo=datetime.UTC)
    )
    AgendaItemFactory(meeting=september, number="2", kind="minutes", title="Minutes")
    AgendaItemFactory(
        meeting=september, number="3", kind="action_review", title="Action points: review"
    )

    data = pdf_bytes(client.get(url("pack_pdf", september)))

    text = "\n".join(pdf_pages_text(data))
    assert "AGREED to delegate to the Chair." in text
    assert "Circulate the scams figures" in text
    assert outline_titles(data)[1:] == [
        "2. Minutes",
        ["Minutes of the meeting on 20 July 2021"],
        "3. Action points: review",
        ["Open action points", "Since the last meeting"],
    ]
    assert "since the last meeting" in text.lower()


def test_agenda_front_sheet_matches_the_pack(client):
    meeting = build_meeting(60)

    front = pdf_pages_text(pdf_bytes(client.get(url("agenda_pdf", meeting))))

    assert len(front) == 3
    assert "(Page 4)" in "\n".join(front)
    assert "Member 59" in "\n".join(front)
    assert "If you need this document in large print" in front[-1]


def test_a_cached_pack_is_served_without_rendering(client, monkeypatch):
    meeting = build_meeting(2)
    first = pdf_bytes(client.get(url("pack_pdf", meeting)))

    import weasyprint

    def refuse(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", refuse)
    second = pdf_bytes(client.get(url("pack_pdf", meeting)))

    assert second == first
    assert AgendaPack.objects.count() == 1


def test_a_pack_found_current_is_not_checked_again_until_the_content_changes(client):
    meeting = build_meeting(2)
    first = pdf_bytes(client.get(url("pack_pdf", meeting)))
    # Storing the pack it built moved the counter: the next request checks it once more.
    pdf_bytes(client.get(url("pack_pdf", meeting)))

    with CaptureQueriesContext(connection) as queries:
        second = pdf_bytes(client.get(url("pack_pdf", meeting)))

    assert second == first
    read = " ".join(query["sql"] for query in queries.captured_queries)
    # Checking the pack reads every agenda item and paper; at the same content generation
    # the pack found current is taken as it is.
    assert "meetings_agendaitem" not in read
    assert "meetings_document" not in read
    assert len(queries.captured_queries) <= 5

    item = meeting.agenda_items.get(number="6")
    item.title = "Renamed after the pack was served"
    item.save()
    with CaptureQueriesContext(connection) as queries:
        text = "\n".join(pdf_pages_text(pdf_bytes(client.get(url("pack_pdf", meeting)))))

    assert "meetings_agendaitem" in " ".join(q["sql"] for q in queries.captured_queries)
    assert "Renamed after the pack was served" in text


def test_a_changed_item_rebuilds_the_pack(client):
    meeting = build_meeting(2)
    pdf_bytes(client.get(url("pack_pdf", meeting)))
    item = meeting.agenda_items.get(number="6")
    item.title = "Renamed item"
    item.save()

    text = "\n".join(pdf_pages_text(pdf_bytes(client.get(url("pack_pdf", meeting)))))

    assert "Renamed item" in text
    assert AgendaPack.objects.filter(meeting=meeting, status="ready").count() == 2


def test_a_damaged_paper_cannot_break_the_pack(client):
    meeting = build_meeting(2)
    damaged = Document.objects.get(title="Bravo report")
    damaged.file.storage.delete(damaged.file.name)
    damaged.file.save("damaged.pdf", ContentFile(b"%PDF-1.7 not really"), save=True)

    pages = pdf_pages_text(pdf_bytes(client.get(url("pack_pdf", meeting))))

    assert any("This paper could not be included" in page for page in pages)
    assert any("Charlie page 17" in page for page in pages)


def test_a_paper_holding_a_script_goes_into_the_pack_without_it(client):
    from pypdf import PdfReader, PdfWriter
    from pypdf.actions import JavaScript

    meeting = build_meeting(2)
    scripted = Document.objects.get(title="Bravo report")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["Bravo page 1"]))))
    writer.add_open_action(JavaScript("app.alert('armed');"))
    armed = io.BytesIO()
    writer.write(armed)
    scripted.file.storage.delete(scripted.file.name)
    scripted.file.save("scripted.pdf", ContentFile(armed.getvalue()), save=True)

    data = pdf_bytes(client.get(url("pack_pdf", meeting)))

    assert b"armed" not in data
    assert b"/JavaScript" not in data
    pages = pdf_pages_text(data)
    assert not any("This paper could not be included" in page for page in pages)
    assert any("Bravo page 1" in page for page in pages)
    assert any("Charlie page 17" in page for page in pages)


def test_public_pack_leaves_out_exempt_items_and_private_papers(client):
    meeting = build_meeting(2)
    exempt = AgendaItemFactory(
        meeting=meeting, number="11", title=f"Exempt {SECRET}", is_exempt=True
    )
    paper(exempt, pages=2, text=f"Exempt {SECRET}")
    paper(
        meeting.agenda_items.get(number="5"),
        pages=1,
        text=f"Private {SECRET}",
        is_public=False,
        title=f"Private {SECRET}",
    )

    public = pdf_bytes(client.get(url("pack_pdf", meeting)))

    assert SECRET not in "\n".join(pdf_pages_text(public))
    assert SECRET not in str(outline_titles(public))


def test_officers_get_a_restricted_full_pack_marked_on_every_page(client, officer):
    meeting = build_meeting(2)
    exempt = AgendaItemFactory(
        meeting=meeting, number="11", title=f"Exempt {SECRET}", is_exempt=True
    )
    paper(exempt, pages=2, text=f"Exempt {SECRET}")

    assert client.get(url("pack_pdf", meeting, restricted=1)).status_code == 403
    client.force_login(officer)
    pages = pdf_pages_text(pdf_bytes(client.get(url("pack_pdf", meeting, restricted=1))))

    assert any(SECRET in page for page in pages)
    assert all("RESTRICTED" in page for page in pages)


def test_pdfs_of_unpublished_meetings_are_not_found(client):
    draft = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=draft)
    no_minutes = MeetingFactory()

    for name in ["agenda_pdf", "pack_pdf", "minutes_pdf"]:
        assert client.get(url(name, draft)).status_code == 404
    assert client.get(url("minutes_pdf", no_minutes)).status_code == 404
    assert not AgendaPack.objects.filter(meeting=draft).exists()


def minutes_meeting(confirmed=False):
    meeting = MeetingFactory(
        minutes_published=True, starts_at=datetime.datetime(2022, 2, 24, 10, tzinfo=datetime.UTC)
    )
    if confirmed:
        later = MeetingFactory(
            committee=meeting.committee,
            starts_at=datetime.datetime(2022, 6, 1, 9, tzinfo=datetime.UTC),
        )
        meeting.minutes_status, meeting.minutes_confirmed_at_meeting = "confirmed", later
        meeting.save()
    AttendanceFactory(meeting=meeting, person=PersonFactory(name="Penny Carpenter"), in_chair=True)
    AttendanceFactory(meeting=meeting, person=PersonFactory(name="Adam Giles"), status="apologies")
    item = AgendaItemFactory(meeting=meeting, number="5", title="Delivery Plan")
    for number in range(1, 9):
        minute = MinuteFactory(
            meeting=meeting,
            number=str(number),
            heading=f"Minute heading {number}",
            body="First point.\n\n" * 6,
        )
        ResolutionFactory(
            minute=minute, order=1, verb="noted", text=f"the report under minute {number}."
        )
    WrittenQuestionFactory(
        meeting=meeting, agenda_item=item, number=1, question="Reference Delivery Plan action 1.14: how many referrals?",
        status="answered", response="Response from the Partnership: **twelve** referrals.", responded_on=datetime.date(2022, 3, 18),
    )  # fmt: skip
    return meeting


def test_minutes_pdf_has_attendance_resolutions_appendix_and_draft_banner_on_every_page(client):
    meeting = minutes_meeting()

    pages = pdf_pages_text(pdf_bytes(client.get(url("minutes_pdf", meeting))))

    text = " ".join("\n".join(pages).split())  # words as read, whatever the line breaks
    assert "Penny Carpenter (Chair)" in text
    assert "Adam Giles" in text
    assert "1) NOTED the report under minute 8." in text
    assert "5.1" in text
    assert "Questions requiring written responses" in text
    assert "how many referrals?" in text
    assert "twelve referrals" in text
    assert "Chair:" in text
    assert len(pages) > 1
    assert all("Draft — subject to confirmation" in page for page in pages)


def test_confirmed_minutes_have_no_draft_banner(client):
    meeting = minutes_meeting(confirmed=True)

    pages = pdf_pages_text(pdf_bytes(client.get(url("minutes_pdf", meeting))))

    assert not any("Draft — subject to confirmation" in page for page in pages)


def test_generated_pdfs_are_tagged_with_title_and_language(client):
    meeting = minutes_meeting()
    AgendaItemFactory(meeting=meeting, number="1", title="Apologies")

    for name in ["minutes_pdf", "agenda_pdf", "pack_pdf"]:
        structure, marked, language, title = is_tagged_pdf_ua(
            pdf_bytes(client.get(url(name, meeting)))
        )
        assert structure, name
        assert marked, name
        assert language == "en-GB", name
        assert meeting.committee.name in title, name


def queries_for(client, address):
    with CaptureQueriesContext(connection) as captured:
        pdf_bytes(client.get(address))
    return len(captured)


@pytest.mark.parametrize("name", ["minutes_pdf", "pack_pdf", "agenda_pdf"])
def test_pdf_views_cost_the_same_queries_at_two_sizes(client, name):
    small, large = minutes_meeting(), minutes_meeting()
    for n in range(12):
        AttendanceFactory(meeting=large)
        item = AgendaItemFactory(meeting=large, number=str(20 + n))
        WrittenQuestionFactory(meeting=large, agenda_item=item, number=10 + n)
        MembershipFactory(committee=large.committee)
    pdf_bytes(client.get(url(name, small)))  # build and cache the packs first
    pdf_bytes(client.get(url(name, large)))

    assert queries_for(client, url(name, small)) == queries_for(client, url(name, large))


def test_request_pack_reuses_an_unchanged_pack():
    meeting = build_meeting(2)

    first = services.request_pack(meeting=meeting)
    second = services.request_pack(meeting=meeting)

    assert first.pk == second.pk
    assert second.status == "ready"
    assert second.page_count == 1 + 1 + 3 + 17


def test_while_a_pack_is_being_built_the_pages_say_so(client):
    from meetings import pdf

    meeting = build_meeting(2)
    content_hash = pdf.plan_pack(meeting).content_hash()
    AgendaPack.objects.create(meeting=meeting, content_hash=content_hash, status="building")

    waiting = client.get(url("pack_pdf", meeting))
    page = client.get(meeting.get_absolute_url()).content.decode()

    assert waiting.status_code == 202
    assert waiting["Retry-After"] == "30"
    assert "The agenda pack is being prepared" in waiting.content.decode()
    assert "Being prepared" in page


def test_the_front_sheet_prints_markdown_as_formatted_text(client):
    meeting = MeetingFactory(public_notice="Questions to **the clerk** by Friday.")
    AgendaItemFactory(
        meeting=meeting, number="5", description="To *consider* the [plan](https://example.org/)."
    )

    text = "\n".join(pdf_pages_text(pdf_bytes(client.get(url("agenda_pdf", meeting)))))

    assert "Questions to the clerk by Friday." in text
    assert "To consider the plan." in text
    assert "**" not in text
    assert "](" not in text
