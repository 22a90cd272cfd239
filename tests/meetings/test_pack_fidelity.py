"""An agenda pack is a record of what the committee had before it: the minutes item brings the
minutes of the meeting it names (or says they are not held), the action log is the one that
stood on the meeting's day, the meeting page quotes the pack's own page numbers, and every
bookmark leads to its item."""

import datetime
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from meetings import pdf, queries, services
from meetings.models import ActionPoint, AgendaPack, Document
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    PersonFactory,
)
from tests.http import read_body
from tests.pdfs import make_pdf, outline_titles, pdf_pages_text

pytestmark = pytest.mark.django_db

JULY_MARKER = "JULY-MINUTES-MARKER-5d21"


def at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=datetime.UTC)


def url(name, meeting):
    return reverse(f"meetings:{name}", args=[meeting.committee.slug, meeting.local_date])


def pdf_bytes(response):
    assert response.status_code == 200, response.status_code
    return read_body(response)


def paper(item, *, pages=1, text="Paper", kind=Document.Kind.REPORT, title=None):
    data = make_pdf(text, pages=pages)
    return Document.objects.create(
        meeting=item.meeting,
        agenda_item=item,
        title=title or f"{text} report",
        kind=kind,
        file=ContentFile(data, name="paper.pdf"),
        page_count=pages,
        size_bytes=len(data),
        sha256=str(hash(data)),
    )


@pytest.fixture
def panel():
    """Three meetings as in the seeds: July's minutes are published, September's are not
    held here, and February's agenda confirms "the minutes of 16 September"."""
    committee = CommitteeFactory(name="NCCSP Scrutiny Sub Panel")
    july = MeetingFactory(committee=committee, starts_at=at(2021, 7, 20), minutes_published=True)
    MinuteFactory(meeting=july, number="5", heading="Delivery Plan", body=JULY_MARKER)
    september = MeetingFactory(committee=committee, starts_at=at(2021, 9, 16), status="held")
    february = MeetingFactory(committee=committee, starts_at=at(2022, 2, 24, 10), status="held")
    for meeting in (september, february):
        AgendaItemFactory(meeting=meeting, number="1", kind="apologies", title="Apologies")
        AgendaItemFactory(meeting=meeting, number="2", kind="minutes", title="Minutes")
    return committee, july, september, february


def minutes_titles(meeting):
    plan = pdf.plan_pack(meeting)
    return [part.title for part in plan.parts if part.item.kind == "minutes"]


# --- the minutes item -------------------------------------------------------------------------


def test_minutes_not_held_are_said_to_be_missing_never_replaced_by_older_ones(client, panel):
    _, _, _, february = panel

    data = pdf_bytes(client.get(url("pack_pdf", february)))

    pages = pdf_pages_text(data)
    text = "\n".join(pages)
    assert JULY_MARKER not in text
    assert "20 July 2021" not in text
    front = pages[0]
    page_number = int(re.search(r"Minutes.*?\(Page (\d+)\)", front, re.S).group(1))
    minutes_page = re.sub(r"\s+", " ", pages[page_number - 1])
    assert (
        "The minutes of the NCCSP Scrutiny Sub Panel meeting on 16 September 2021 are not held "
        "in this system" in minutes_page
    )
    assert outline_titles(data)[3] == ["Minutes of the meeting on 16 September 2021: not held here"]
    assert AgendaPack.objects.get(meeting=february).item_pages == {
        str(february.agenda_items.get(number="2").pk): page_number
    }


def test_minutes_item_brings_the_previous_meetings_minutes(client, panel):
    _, _, september, _ = panel

    data = pdf_bytes(client.get(url("pack_pdf", september)))

    text = "\n".join(pdf_pages_text(data))
    assert JULY_MARKER in text
    assert outline_titles(data)[3] == ["Minutes of the meeting on 20 July 2021"]


def test_the_meeting_named_is_the_one_whose_minutes_this_meeting_confirmed(panel):
    committee, july, september, february = panel
    assert minutes_titles(february) == [
        "Minutes of the meeting on 16 September 2021: not held here"
    ]

    # A cancelled meeting in between confirms nothing and is passed over.
    MeetingFactory(committee=committee, starts_at=at(2021, 12, 9), status="cancelled")
    assert minutes_titles(february) == [
        "Minutes of the meeting on 16 September 2021: not held here"
    ]

    july.minutes_status = "confirmed"
    july.minutes_confirmed_at_meeting = february
    july.save()
    assert minutes_titles(february) == ["Minutes of the meeting on 20 July 2021"]
    assert queries.previous_meeting_with_minutes(february) == july
    # The one it confirms is named even though another meeting came between.
    assert minutes_titles(september) == ["Minutes of the meeting on 20 July 2021"]


def test_first_meeting_here_says_its_previous_minutes_are_not_held(panel):
    committee, *_ = panel
    first = MeetingFactory(committee=committee, starts_at=at(2021, 3, 1))
    AgendaItemFactory(meeting=first, number="2", kind="minutes", title="Minutes")

    assert minutes_titles(first) == ["Minutes of the previous meeting: not held here"]
    html = pdf.plan_pack(first).parts[0].html
    assert "previous meeting of the NCCSP Scrutiny Sub Panel are not held in this system" in html


def test_uploaded_minutes_take_the_place_of_the_generated_ones(panel):
    _, _, september, _ = panel
    item = september.agenda_items.get(kind="minutes")
    assert minutes_titles(september) == ["Minutes of the meeting on 20 July 2021"]

    paper(item, text="Appendix", kind=Document.Kind.APPENDIX, title="Appendix to the minutes")
    assert minutes_titles(september) == [
        "Minutes of the meeting on 20 July 2021",
        "Appendix to the minutes",
    ]

    paper(item, text="Signed", kind=Document.Kind.MINUTES, title="Signed minutes, 20 July 2021")
    plan = pdf.plan_pack(september)
    assert [part.title for part in plan.parts] == [
        "Appendix to the minutes",
        "Signed minutes, 20 July 2021",
    ]
    assert all(part.document is not None for part in plan.parts)


# --- one source of page numbers ------------------------------------------------------------


def test_meeting_page_shows_the_current_packs_page_numbers_or_labels_the_published_ones(client):
    meeting = MeetingFactory(starts_at=at(2021, 9, 16))
    plan_item = AgendaItemFactory(
        meeting=meeting, number="5", title="Safer Norfolk Plan", pack_page=24
    )
    later = AgendaItemFactory(meeting=meeting, number="6", title="Delivery Plan", pack_page=69)
    paper(plan_item, pages=2, text="Alpha")

    before = client.get(meeting.get_absolute_url()).content.decode()
    assert "(Page 24 of the published pack)" in before
    assert "(Page 69 of the published pack)" in before
    assert "printed in the agenda pack published at the time" in before

    front = pdf_pages_text(pdf_bytes(client.get(url("pack_pdf", meeting))))[0]
    assert re.search(r"Safer Norfolk Plan.*\(Page 2\)", front, re.S)
    built = client.get(meeting.get_absolute_url()).content.decode()
    assert "(Page 2)" in built
    assert "published pack" not in built
    assert "Page 24" not in built
    assert "Page 69" not in built

    # A paper added after the pack was built: its page numbers are no longer the pack's.
    paper(later, pages=1, text="Bravo")
    changed = client.get(meeting.get_absolute_url()).content.decode()
    assert "(Page 2)" not in changed
    assert "(Page 69 of the published pack)" in changed

    front = pdf_pages_text(pdf_bytes(client.get(url("pack_pdf", meeting))))[0]
    assert re.search(r"Delivery Plan.*\(Page 4\)", front, re.S)
    rebuilt = client.get(meeting.get_absolute_url()).content.decode()
    assert "(Page 2)" in rebuilt
    assert "(Page 4)" in rebuilt


def test_every_item_with_papers_brought_automatically_gets_its_page(client, panel):
    committee, july, september, _ = panel
    ActionPointFactory(meeting=july, committee=committee, description="Circulate the figures")
    review = AgendaItemFactory(
        meeting=september, number="3", kind="action_review", title="Action points"
    )

    data = pdf_bytes(client.get(url("pack_pdf", september)))

    pages = pdf_pages_text(data)
    stored = AgendaPack.objects.get(meeting=september).item_pages
    minutes_item = september.agenda_items.get(kind="minutes")
    assert set(stored) == {str(minutes_item.pk), str(review.pk)}
    assert JULY_MARKER in pages[stored[str(minutes_item.pk)] - 1]
    assert "Circulate the figures" in pages[stored[str(review.pk)] - 1]
    assert f"(Page {stored[str(review.pk)]})" in pages[0]


# --- bookmarks -----------------------------------------------------------------------------


def test_bookmarks_of_items_without_papers_go_to_their_row_on_the_front_sheet(client):
    from pypdf import PdfReader

    committee = CommitteeFactory()
    for n in range(60):  # a front sheet three pages long
        MembershipFactory(committee=committee, person=PersonFactory(name=f"Member {n}"), order=n)
    meeting = MeetingFactory(committee=committee, starts_at=at(2021, 9, 16))
    with_paper = AgendaItemFactory(meeting=meeting, number="5", title="Safer Norfolk Plan")
    AgendaItemFactory(meeting=meeting, number="6", title="Item without papers")
    AgendaItemFactory(meeting=meeting, number="7", title="Another item without papers")
    paper(with_paper, pages=1, text="Alpha")

    reader = PdfReader(io.BytesIO(pdf_bytes(client.get(url("pack_pdf", meeting)))))

    marks = {mark.title: mark for mark in reader.outline if not isinstance(mark, list)}
    front_pages = AgendaPack.objects.get(meeting=meeting).front_sheet_pages
    assert front_pages == 3
    assert reader.get_destination_page_number(marks["5. Safer Norfolk Plan"]) == front_pages
    tops = []
    for title in ["6. Item without papers", "7. Another item without papers"]:
        index = reader.get_destination_page_number(marks[title])
        assert 0 < index < front_pages, title
        assert title.split(". ", 1)[1] in reader.pages[index].extract_text()
        assert marks[title].top is not None
        tops.append((index, -float(marks[title].top)))
    assert tops == sorted(tops)  # item 7's row comes after item 6's
    assert tops[0] != tops[1]


# --- the action log as it stood --------------------------------------------------------------


@pytest.fixture
def reviewed(panel):
    committee, july, september, february = panel
    AgendaItemFactory(meeting=september, number="3", kind="action_review", title="Action points")
    points = {
        name: ActionPointFactory(
            meeting=july, committee=committee, reference=reference, description=description
        )
        for name, reference, description in [
            ("later", "07/01", "Circulate the scams figures"),
            ("before", "07/02", "Write to the district councils"),
            ("at_meeting", "07/03", "Report back on the hate crime review"),
        ]
    }
    return committee, september, february, points


def open_log_page(data):
    """The text of the pack's open action log page."""
    return next(page for page in pdf_pages_text(data) if "still open before the meeting" in page)


def log_of(meeting):
    return [point.reference for point in queries.open_action_points_before(meeting)]


def test_a_point_closed_after_the_meeting_stays_open_in_its_pack_for_ever(
    client, officer, reviewed
):
    _, september, february, points = reviewed
    services.close_action_point(
        action_point=points["before"],
        response="Letter sent",
        by=officer,
        closed_on=datetime.date(2021, 8, 2),
    )
    services.close_action_point(
        action_point=points["at_meeting"],
        response="Reported at the meeting",
        by=officer,
        closed_at_meeting=september,
    )
    assert log_of(september) == ["07/01", "07/03"]
    data = pdf_bytes(client.get(url("pack_pdf", september)))
    pack = AgendaPack.objects.get(meeting=september)
    log_text = open_log_page(data)
    assert "Circulate the scams figures" in log_text
    assert "Report back on the hate crime review" in log_text
    assert "Write to the district councils" not in log_text

    services.close_action_point(
        action_point=points["later"],
        response="CLOSING-RESPONSE-91c3",
        by=officer,
        closed_on=datetime.date(2021, 10, 1),
    )

    assert ActionPoint.objects.get(pk=points["later"].pk).status == "closed"
    assert log_of(september) == ["07/01", "07/03"]
    assert pdf.plan_pack(september).content_hash() == pack.content_hash
    assert services.request_pack(meeting=september).pk == pack.pk
    again = pdf_bytes(client.get(url("pack_pdf", september)))
    assert again == data
    assert "CLOSING-RESPONSE-91c3" not in "\n".join(pdf_pages_text(again))
    assert "Circulate the scams figures" in open_log_page(again)
    # A meeting after the day it closed no longer has it open.
    assert "07/01" not in log_of(february)


def test_the_history_says_how_a_point_stood_where_it_reaches_back(officer, reviewed):
    _, september, _, points = reviewed
    history = ActionPoint.history.model.objects

    # Recorded open, as "Old wording", before September; reworded and closed afterwards with
    # a date that (wrongly) falls before the meeting.
    point = points["later"]
    history.filter(id=point.pk).update(history_date=at(2021, 7, 21))
    point.description = "New wording"
    point.save()
    services.close_action_point(
        action_point=point, response="Done", by=officer, closed_on=datetime.date(2021, 8, 1)
    )
    # Recorded closed in August, and reopened since.
    reopened = points["before"]
    services.close_action_point(
        action_point=reopened, response="Done", by=officer, closed_on=datetime.date(2021, 8, 1)
    )
    history.filter(id=reopened.pk).update(history_date=at(2021, 7, 21))
    history.filter(id=reopened.pk, status="closed").update(history_date=at(2021, 8, 1))
    reopened.refresh_from_db()
    reopened.status, reopened.response, reopened.closed_on = "open", "", None
    reopened.save()

    log = queries.open_action_points_before(september)

    # 07/03's history begins only now: its dates decide, and it was never closed.
    assert [(p.reference, p.description) for p in log] == [
        ("07/01", "Circulate the scams figures"),
        ("07/03", "Report back on the hate crime review"),
    ]
    # A meeting after all of it sees the points as they are now.
    assert log_of(MeetingFactory(committee=september.committee, starts_at=at(2030, 1, 1))) == [
        "07/02",
        "07/03",
    ]
