"""Seed 003: Cambridge Community Safety Partnership papers of October 2022 — the agenda of
11 October 2022, the draft minutes of 19 July 2022, the action points 07/01–07/07 with their
closing responses and the domestic abuse performance report for Q1 2022/23. Every expected
fact below is read from the paper."""

import csv
import decimal
import io

import pytest

from tests.http import read_body
from tests.seed_fidelity.conftest import meeting_api, missing, present

pytestmark = pytest.mark.django_db

JULY = "/committees/cambridge-csp-board/2022-07-19/"
OCTOBER = "/committees/cambridge-csp-board/2022-10-11/"
FRAMEWORK = "/outcomes/cambs-peterborough-domestic-abuse/"

# Who attended under each heading the minutes print, with the organisation as the directory
# names it and the department or team after it in brackets (the paper writes some of them
# without: "Cambridgeshire County Council Public Health Commissioning").
BOARD = [
    ("Paul Rogerson", "Cambridgeshire Constabulary"),
    ("Mark Freeman", "Cambridge Council for Voluntary Service"),
    ("Alice Gilderdale", "Cambridge City Council"),
    ("Keryn Jalli", "Cambridge City Council (Community Services)"),
    ("Jessica-Rose Kennedy", "Cambridgeshire County Council"),
]
MEMBERS = [
    ("Chris Down", "Anglia Ruskin University"),
    ("Hannah Hancock", "Cambridge Business Against Crime"),
    ("Michelle Reynolds", "University of Cambridge"),
    ("Susie Talbot", "Cambridgeshire County Council (Public Health Commissioning)"),
    ("Louise Walker", "Cambridge City Council (Community Safety Team)"),
    ("Kat Webb", "Cambridgeshire County Council (Research Group)"),
]
GUESTS = [
    ("Marianne Crozier", "Cambridge City Council (Community Safety Team)"),
    ("Annabelle Goodenough", "Crimestoppers Trust"),
    ("Jemma Little", "Cambridge City Council (Economic Development)"),
    ("Harriet Ludford", "Cambridgeshire County Council (Research Group)"),
    ("John Richards", "Cambridge City Council (Environmental Services)"),
    ("Sara Turton", "Cambridgeshire County Council (Early Help)"),
]
APOLOGIES = [
    ("James Ball", "Cambridgeshire Fire and Rescue Service"),
    ("Maggie Page", "Cambridgeshire and Peterborough NHS Foundation Trust"),
    ("Stephen Brickley", "National Probation Trust"),
    ("Joe Mills", "British Transport Police"),
    ("James Morgan", "Cambridge University Hospitals NHS Foundation Trust"),
    ("Dawn Bere", "Department for Work and Pensions"),
    ("Shona McKenzie", "Office of the Police and Crime Commissioner"),
]
# Action points: reference, the action as written, its closing response.
ACTION_POINTS = [
    (
        "07/01",
        "Multi-Agency Steering Group to discuss how Shared Prosperity Fund updates are shared.",
        "Closed: Updates to be provided when these are available.",
    ),
    ("07/02", "Election of Chair to be an October meeting agenda item.", "Closed: Agenda Item 2."),
    (
        "07/03",
        "Louise Walker to ask Shona McKenzie if",
        "Closed: The CCSSB meeting is now the High Harms Board.",
    ),
    (
        "07/04",
        "Louise Walker to update the CCSP structure chart with Young People's Peer Group and Places as well as PSG.",
        "Closed: Updated structure chart is available.",
    ),
    (
        "07/05",
        "Multi-Agency Steering Group to discuss holding future meetings online to reduce costs and carbon footprint.",
        "Closed: It was discussed to hold meetings online during the winter and examine a hybrid option.",
    ),
    (
        "07/06",
        "Hannah Hancock to provide an update on the POCA funded work in Cambridge.",
        "Closed: Agenda Item 10.",
    ),
    ("07/07", "Paul Rogerson to recommend", "Closed: Agenda Item 13"),
]
# The October agenda: number, item, minutes allowed.
OCTOBER_AGENDA = [
    ("1", "Welcome, housekeeping / introductions and apologies", 10),
    ("2", "Election of Chair", 5),
    ("3", "Pre-advised questions from the general public", 10),
    ("4", "Minutes of 19 July 2022 meeting: Agreement", 5),
    ("5", "Action points: Review", 5),
    ("7", "Comfort break", 10),
    ("9", "Update on CCSP supported research", 10),
    ("10", "Proceeds Of Crime Act (POCA) funded work in Cambridge update", 10),
    ("11", "Annual Review 2022: Agreement", 5),
    ("12", "Update from the Office of the Police and Crime Commissioner", 10),
    ("13", "Future strategic update by Education: Agreement", 5),
    ("14", "Any other business", 5),
    ("15", "Key messages from the meeting today to share with our organisations and the public", 5),
]


def number(cell):
    """A figure as the paper prints it ("696", "23.2"), however many decimal places it is
    stored or written with."""
    try:
        value = decimal.Decimal(cell.replace(",", ""))
    except decimal.InvalidOperation:
        return cell
    return format(value.normalize(), "f")


def canon(text):
    return text.replace("’", "'").replace("‘", "'").replace("- ", "-")


@pytest.fixture(scope="module", params=["page", "pdf"])
def july_minutes(request, demo):
    if request.param == "page":
        return canon(demo.page(JULY))
    return canon(demo.pdf(JULY + "minutes.pdf"))


def test_july_date_times_and_place(july_minutes, demo):
    assert not missing(july_minutes, "19 July 2022", "Online")
    assert not missing(demo.page(JULY), "10.00 a.m. to 12.28 p.m.")


def test_july_attendance_board_members_and_guests(july_minutes):
    for name, organisation in BOARD + MEMBERS + GUESTS:
        assert not missing(july_minutes, name, organisation), name


def test_july_attendance_is_printed_under_the_papers_headings(july_minutes):
    """Board, then Members, then Guests, as the paper prints them; the Vice-Chair who chaired
    marked as in the chair; apologies under the same headings, and those the paper lists
    apart from both under "From others"."""
    start = july_minutes.find("Paul Rogerson (Chair)")
    assert start != -1
    assert "Board" in july_minutes[max(0, start - 60) : start]
    text = july_minutes[start:]
    order = [
        "Paul Rogerson (Chair)",
        "Jessica-Rose Kennedy",
        "Members",
        "Chris Down",
        "Kat Webb",
        "Guests",
        "Marianne Crozier",
        "Sara Turton",
        "Apologies",
        "Board:",
        "James Ball",
        "Members:",
        "Joe Mills",
        "From others:",
        "Dawn Bere",
    ]
    positions = [text.find(phrase) for phrase in order]
    assert -1 not in positions, [p for p, at in zip(order, positions, strict=True) if at == -1]
    assert positions == sorted(positions), list(zip(order, positions, strict=True))
    assert not present(july_minutes, "Board;", "listed apart", "Also in attendance")


def test_july_representatives_attend_for_the_members_they_represent(july_minutes):
    assert not missing(july_minutes, "Debbie Kaye", "David Walmsley")


def test_july_apologies(july_minutes):
    for name, organisation in APOLOGIES:
        assert not missing(july_minutes, name, organisation), name


def test_july_minutes_assert_nothing_unrecorded(july_minutes):
    # The minutes have no declarations item: they record neither interests nor their absence.
    assert not present(july_minutes, "No interests were declared", "p.m..", "a.m..")


def test_july_minutes_facts_and_figures(july_minutes):
    assert not missing(
        july_minutes,
        "£471,314.00",
        "8 February 2022",
        "Ray McCappin",
        "Vision Zero Partnership",
        "Ian Lombardo",
        "Adrian Boyle",
    )


def test_action_points_on_the_page_and_pdf(july_minutes):
    # Raised at the July meeting, as its minutes record them, on the page and in the PDF.
    for reference, action, _ in ACTION_POINTS:
        assert not missing(july_minutes, reference, action), reference


def test_action_points_closing_responses_on_the_page_not_in_the_july_minutes(demo):
    # The responses are those of the October action log: the meeting page shows where each
    # point stands now, but the July minutes record only what was raised then.
    page = canon(demo.page(JULY))
    minutes = canon(demo.pdf(JULY + "minutes.pdf"))
    for reference, _, response in ACTION_POINTS:
        assert not missing(page, response), reference
        assert not present(minutes, response), reference


def test_action_points_in_the_api(demo):
    from meetings.models import Committee

    board = Committee.objects.get(slug="cambridge-csp-board")
    points = demo.api_results(f"/api/v1/action-points/?committee={board.pk}")
    assert [p["reference"] for p in points] == [a[0] for a in ACTION_POINTS]
    for point, (reference, action, response) in zip(points, ACTION_POINTS, strict=True):
        assert canon(point["description"]).startswith(action), reference
        assert canon(point["response"]).startswith(response), reference
        assert point["status"] == "closed"
    people = {p["id"]: p["name"] for p in demo.api_results("/api/v1/people/")}
    owners = {p["reference"]: people.get(p["owner_person"]) for p in points}
    assert owners["07/03"] == "Louise Walker"
    assert owners["07/04"] == "Louise Walker"
    assert owners["07/06"] == "Hannah Hancock"
    assert owners["07/07"] == "Paul Rogerson"


def test_october_meeting_page(demo):
    page = canon(demo.page(OCTOBER))
    assert not missing(
        page,
        "Tuesday 11 October 2022",
        "10.00 a.m. to 12.20 p.m.",
        "Online",
        "10am on Monday 10 October",
        "Community.safety@cambridge.gov.uk".lower(),
    )
    for number, title, minutes in OCTOBER_AGENDA:
        assert not missing(page, f"{number}. {title}", f"{minutes} minutes"), number


def test_front_sheets_say_only_what_the_papers_give(demo):
    """No officer is named for the partnership, the October meeting is online with no venue,
    and the July meeting's venue says it is online: the front sheets neither leave a gap
    where a name would go nor say "online" twice. The July meeting is the first the site
    holds, not the partnership's first (its minutes refer to a meeting in February 2022)."""
    october = canon(demo.pdf(OCTOBER + "agenda.pdf"))
    assert not missing(
        october,
        "this agenda please telephone 01223 457950 or email community.safety@cambridge.gov.uk.",
        "Venue Online",
    )
    assert not present(october, "contact, telephone", "contact telephone", "(online)")
    july = canon(demo.pdf(JULY + "pack.pdf"))
    assert not missing(
        july,
        "Venue Online as agreed by Cambridge Community Safety Partnership",
        "No earlier meeting of this committee is recorded here.",
    )
    assert not present(july, "(online)", "first meeting")


def test_october_meeting_in_the_api(demo):
    meeting = meeting_api(demo, "cambridge-csp-board", "2022-10-11")
    assert meeting["starts_at"][:19] in {"2022-10-11T10:00:00", "2022-10-11T09:00:00"}
    assert meeting["ends_at"] is not None
    assert meeting["ends_at"][:19] in {"2022-10-11T12:20:00", "2022-10-11T11:20:00"}
    assert meeting["mode"] == "online"
    items = {item["number"]: item for item in meeting["agenda_items"]}
    for number, title, minutes in OCTOBER_AGENDA:
        assert items[number]["title"].startswith(title), number
        assert items[number]["duration_minutes"] == minutes, number
    assert items["16"]["title"] == "Date of next Cambridge CSP meeting"


def test_quarterly_idva_referrals_by_district(demo):
    # Q1 2022/23 figures, the latest, on the framework page: IDVA referrals and daily MARAC cases.
    assert not missing(demo.page(FRAMEWORK), "696", "261")
    # Every figure, Q1 2022/23 and Q1 2021/22, in the published figures (CSV) and the API:
    # referrals by district (Cambridge City 43 and 71, Peterborough 93 and 156), the totals
    # (696 and 645), daily MARAC cases (261 and 274) and police incidents in Cambridgeshire.
    response = demo.client.get(FRAMEWORK + "figures.csv")
    assert response.status_code == 200
    rows = csv.reader(io.StringIO(b"".join(response).decode()))
    cells = {number(cell) for row in rows for cell in row}
    assert not missing(cells, "696", "645", "43", "71", "93", "156", "261", "274", "2069", "2353")
    values = {o["value"] for o in demo.api_results("/api/v1/observations/")}
    numbers = {number(value) for value in values}
    assert not missing(numbers, "696", "645", "2069", "2353", "1288", "1412")


def test_the_july_front_sheet_does_not_invite_the_public(demo):
    """The July minutes (1.1): it had not been possible to have members of the public attend.
    No notice is held for that meeting, so its front sheet gives none rather than a made-up
    welcome; October's gives the paper's own (pre-advised questions)."""
    july = canon(demo.pdf(JULY + "agenda.pdf"))
    assert not present(
        july, "welcome to attend", "held in public", "Advice for members of the public"
    )
    october = canon(demo.pdf(OCTOBER + "agenda.pdf"))
    assert not missing(october, "Advice for members of the public", "pre-advised questions")


def test_the_action_points_were_closed_before_the_october_meeting(demo):
    """The October papers' action log already shows 07/01-07/07 "Closed:" (07/03's response
    looks ahead to 6 October), so they were closed before 11 October 2022, on a day the paper
    does not give: the pack does not list them as still open, and lists them closed since
    19 July with the responses."""
    from meetings.models import Committee

    board = Committee.objects.get(slug="cambridge-csp-board")
    points = demo.api_results(f"/api/v1/action-points/?committee={board.pk}")
    assert {(p["closed_on"], p["closed_day_given"], p["closed_at_meeting"]) for p in points} == {
        ("2022-10-10", False, None)
    }
    pack = canon(demo.pdf(OCTOBER + "pack.pdf"))
    log = pack[pack.index("open action points") :]
    assert not missing(log, "No open action points of earlier meetings are recorded here.")
    since = pack[pack.index("Action points closed") :]
    for reference, _, response in ACTION_POINTS:
        assert not missing(since, reference, response[:40]), reference
    assert since.count("By 10 Oct 2022") == len(ACTION_POINTS)
    # The people who own them see the same on their pages.
    assert not missing(
        canon(demo.page("/people/louise-walker/")),
        "Closed by 10 October 2022 (no day given in the paper)",
    )


def test_the_performance_report_notes_say_only_what_it_says(demo):
    body = read_body(demo.client.get(FRAMEWORK + "figures.csv")).decode()
    notes = " ".join(row["note"] for row in csv.DictReader(io.StringIO(body)))
    assert "typing error" not in notes
    assert "target of 75% was withdrawn" not in notes
    assert "remove its 75% target until the effect of the new definition is clear" in notes


def test_the_minutes_keep_who_said_what(july_minutes):
    assert not missing(
        july_minutes,
        "It was explained that the project had evolved",
        "He said that more collaborative work would help build a Think Communities approach.",
        "It was explained that all types of bike are vulnerable",
        "to be able to link in with the CCSP's work",
    )


def test_measures_with_figures_by_area_only_are_compared_area_by_area(demo):
    """Police domestic abuse incidents and referrals by district have Q1 2021/22 figures for
    each area and no total: the framework page points to the comparison by area rather than
    saying there is not enough data."""
    page = demo.page(FRAMEWORK)
    assert page.count("Area by area") == 2
    assert "Not enough data" not in page.split("Domestic abuse incidents reported to the police")[1]


def test_the_october_review_item_brings_the_log_with_its_responses(demo):
    page = canon(demo.page(OCTOBER))
    review = page[
        page.index("5. Action points: Review") : page.index("6. Update on CSP Priorities")
    ]
    assert "Action points brought forward for review" in review
    for reference, _, response in ACTION_POINTS:
        assert not missing(review, reference, response[:40]), reference


def test_the_minutes_give_the_meeting_two_points_are_due_at(demo):
    # 07/02 (election of Chair) and 07/07 (education update) are for the October meeting.
    minutes = canon(demo.pdf(JULY + "minutes.pdf"))
    assert minutes.count("Meeting of 11 Oct 2022") == 2


def test_the_framework_says_which_tables_of_the_report_it_does_not_hold(demo):
    page = demo.page(FRAMEWORK)
    assert not missing(
        page, "Not held here: the report's table of specialist IDVAs at every risk level"
    )
