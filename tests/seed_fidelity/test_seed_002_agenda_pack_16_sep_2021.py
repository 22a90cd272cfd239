"""Seed 002: agenda pack of the NCCSP Scrutiny Sub Panel, 16 September 2021 — its front sheet,
the minutes of 20 July 2021 it brings, and the draft Safer Norfolk delivery plan. Every expected
fact below is read from the paper."""

import pytest

from tests.seed_fidelity.conftest import meeting_api, missing, present

pytestmark = pytest.mark.django_db

SEPTEMBER = "/committees/nccsp-scrutiny-sub-panel/2021-09-16/"
JULY = "/committees/nccsp-scrutiny-sub-panel/2021-07-20/"
PLAN = "/plans/safer-norfolk-plan-2021-24/"

# The front sheet's membership table: main member, substitute member, representing.
MEMBERSHIP = [
    ("Cllr Alison Webb", "Cllr Trevor Carter", "Breckland District Council"),
    ("Cllr Nigel Shaw", "Cllr David King", "Broadland District Council"),
    ("Cllr Penny Carpenter", None, "Great Yarmouth Borough Council"),
    ("Cllr Alexandra Kemp", "Cllr Anthony Bubb", "King's Lynn and West Norfolk Borough Council"),
    ("Cllr Mark Kiddle-Morris", "Cllr Julian Kirk", "Norfolk County Council"),
    ("Cllr Graham Carpenter", "Cllr Ian Mackie", "Norfolk County Council"),
    ("Cllr Emma Corlett", None, "Norfolk County Council"),
    ("Cllr Tim Adams", "Cllr Sarah Butikofer", "North Norfolk District Council"),
    ("Cllr Adam Giles", "Cllr Cate Oliver", "Norwich City Council"),
    ("Cllr James Easter", "Cllr Tony Holden", "South Norfolk District Council"),
]
AGENDA = [
    "Minutes",
    "To confirm the minutes of the meeting held on 20 July 2021",
    "Members to Declare any Interests",
    "Norfolk Countywide Community Safety Partnership Strategy 2021-24: the final Community Safety Plan",
    "Norfolk Countywide Community Safety Partnership Strategy 2021-24: the draft Delivery Plan",
    "Forward Work Programme",
]
JULY_PRESENT = [
    "Cllr Mark Kiddle-Morris",
    "Cllr Graham Carpenter",
    "Cllr Penny Carpenter",
    "Cllr Alexandra Kemp",
    "Cllr James Easter",
]
JULY_ALSO_IN_ATTENDANCE = [
    ("Gavin Thompson", "Director of Policy, Commissioning and Communications"),
    ("Amanda Murr", "Head of Community Safety, OPCCN"),
    ("Liam Bannon", "Community Safety Officer, OPCCN"),
    (
        "Craig Chalmers",
        "Director of Community Social Work and Temporary Chair of the Norfolk Safeguarding Adults Board",
    ),
    ("Sonia Humphreys", "Norfolk Constabulary"),
    ("Paul Solomon-Sept", "Project ADDER"),
    ("Jo Martin", "Democratic Support and Scrutiny Manager"),
    ("Tim Shaw", "Committee Officer"),
]
JULY_APOLOGIES = [
    "Cllr Emma Corlett",
    "Cllr Adam Giles",
    "Cllr Nigel Shaw",
    "Cllr Alison Webb",
    "Cllr Tim Adams",
    "Mark Stokes",
]
JULY_FACTS = [
    "Cllr Mark Kiddle-Morris be elected Chair of the Scrutiny Sub Panel",
    "Cllr Penny Carpenter be elected Vice-Chair of the Scrutiny Sub Panel",
    "former Community Safety Officer who worked for the Norfolk Constabulary",
    "23 February 2021",
    "£500,000",
    "16 July 2021",
    "review the final Plan at the next meeting on 16 September 2021",
]
# Draft delivery plan rows: number, owner as written, date as written.
PLAN_ROWS = [
    ("1.1", "Norfolk Constabulary", "TBC"),
    ("1.13", "NCCSP Responsible Authorities", "Ongoing"),
    ("1.14", "Norfolk Constabulary", "Ongoing"),
    ("1.16", "Norfolk Constabulary and the National Probation Service", "Ongoing"),
    ("2.13", "Norfolk Anti-Slavery Network", "TBC"),
    ("2.14", "Norfolk Anti-Slavery Network", "Ongoing"),
    ("2.15", "OPCCN/Norfolk Anti-Slavery Network", "TBC"),
]


def canon(text):
    return text.replace("’", "'").replace("‘", "'")


def unbroken(text):
    """PDF text with a line-end hyphen break mended ("Anti- Slavery" -> "Anti-Slavery")."""
    return text.replace("- ", "-")


def test_september_meeting_page(demo):
    page = canon(demo.page(SEPTEMBER))
    assert not missing(
        page,
        "Thursday 16 September 2021",
        "10.00 a.m.",
        "Council Chamber, County Hall, Norwich",
        "Live stream",
        "Agenda published on 8 September 2021",
        *AGENDA,
    )


def test_september_meeting_in_the_api(demo):
    meeting = meeting_api(demo, "nccsp-scrutiny-sub-panel", "2021-09-16")
    assert meeting["starts_at"].startswith("2021-09-16T10:00:00+01:00") or meeting[
        "starts_at"
    ].startswith("2021-09-16T09:00:00Z")
    assert meeting["ends_at"] is None  # the front sheet gives no end time
    assert meeting["venue"] == "Council Chamber, County Hall, Norwich"
    assert meeting["livestream_url"] == "https://youtu.be/_fMPyIG3a1E"
    assert meeting["agenda_published_at"].startswith("2021-09-08")
    assert meeting["minutes_status"] == "none"  # the seeds hold no minutes of this meeting
    assert [item["number"] for item in meeting["agenda_items"]] == [str(n) for n in range(1, 8)]


def test_front_sheet_membership_contact_and_agenda(demo):
    sheet = canon(demo.pdf(SEPTEMBER + "agenda.pdf"))
    for main, substitute, representing in MEMBERSHIP:
        assert not missing(sheet, main, representing)
        if substitute:
            assert not missing(sheet, f"{substitute} {representing}")
    assert not missing(
        sheet,
        "Thursday 16 September 2021",
        "Council Chamber, County Hall, Norwich",
        "Tim Shaw",
        "(01603) 222948",
        "timothy.shaw@norfolk.gov.uk",
        "8 September 2021",
        "https://youtu.be/_fMPyIG3a1E",
        *AGENDA,
    )


def test_the_chair_and_vice_chair_elected_on_20_july_are_members_on_its_agenda(demo):
    """Items 2 and 3 of 20 July 2021 elect the Chair and Vice-Chair ("elected Chair during
    the meeting"): that meeting's front sheet, sent out before, lists them as members; the
    next meeting's names their roles."""
    july = unbroken(canon(demo.pdf(JULY + "agenda.pdf")))
    assert not missing(july, "Cllr Mark Kiddle-Morris", "Cllr Penny Carpenter", "Election of Chair")
    assert not present(july, "(Chair)", "(Vice-Chair)")
    september = unbroken(canon(demo.pdf(SEPTEMBER + "agenda.pdf")))
    assert not missing(september, "Kiddle-Morris (Chair)", "Penny Carpenter (Vice-Chair)")


def test_pack_brings_the_minutes_of_20_july_2021(demo):
    pack = canon(demo.pdf(SEPTEMBER + "pack.pdf"))
    assert not missing(pack, "20 July 2021", *JULY_FACTS)
    # It brings no other meeting's minutes in their place.
    assert not present(pack, "Minutes of the meeting held on Thursday 24 February 2022")


@pytest.fixture(scope="module", params=["page", "pdf"])
def july_minutes(request, demo):
    if request.param == "page":
        return canon(demo.page(JULY))
    return unbroken(canon(demo.pdf(JULY + "minutes.pdf")))


def test_july_minutes_attendance(july_minutes):
    assert not missing(july_minutes, *JULY_PRESENT, *JULY_APOLOGIES)
    for name, role in JULY_ALSO_IN_ATTENDANCE:
        assert not missing(july_minutes, name, role)
    assert not present(july_minutes, "substituted by", "No interests were declared", "a.m..")


def test_july_minutes_resolutions_and_facts(july_minutes):
    assert not missing(
        july_minutes,
        "Tuesday 20 July 2021",
        "County Hall, Norwich",
        "There were no items of urgent business",
        "NOTED the report",
        "NOTED the draft Plan, the overview of the feedback received through consultation",
        "AGREED that it should review the final Plan at the next meeting on 16 September 2021",
        "AGREED to delegate to the Chair and Vice-Chair",
        *JULY_FACTS,
    )


def test_july_meeting_times_in_the_api_and_page(demo):
    meeting = meeting_api(demo, "nccsp-scrutiny-sub-panel", "2021-07-20")
    # 10 am to 11.10 am, British Summer Time.
    assert meeting["starts_at"][:19] in {"2021-07-20T10:00:00", "2021-07-20T09:00:00"}
    assert meeting["ends_at"][:19] in {"2021-07-20T11:10:00", "2021-07-20T10:10:00"}
    assert "10.00 a.m. to 11.10 a.m." in demo.page(JULY)
    minutes = demo.api_results(f"/api/v1/minutes/?meeting={meeting['id']}")
    assert [minute["number"] for minute in minutes] == [str(n) for n in range(1, 10)]
    resolved = [r for m in minutes[1:3] for r in m["resolutions"]]
    assert [r["verb"] for r in resolved] == ["resolved", "resolved"]


def test_plan_actions_owners_and_dates_on_the_pages(demo):
    for number, owner, when in PLAN_ROWS:
        page = demo.page(f"{PLAN}actions/{number}/")
        assert not missing(page, f"Action {number}", owner, when), number


def test_unreadable_success_measure_of_2_14_stays_unknown(demo):
    """The paper's success-measure cell for 2.14 is "???": unreadable, not empty. Every
    channel says it is not known; none guesses it or says the plan states none."""
    page = demo.page(f"{PLAN}actions/2.14/")
    assert not missing(
        page,
        "Co-ordinate a multi-agency safeguarding response to children, young people and adults "
        "known to be at risk of modern slavery",
        "Success measure Not known: it cannot be read in the source paper",
    )
    assert not present(page, "???", "None stated")
    plan = demo.page(PLAN)
    assert not missing(
        plan,
        "known to be at risk of modern slavery Success measure: Not known: it cannot be read",
        "Success measure unreadable in the source paper: 1",
    )
    action = next(a for a in demo.api_results("/api/v1/plan-actions/") if a["number"] == "2.14")
    assert (action["success_measure"], action["success_measure_unreadable"]) == ("", True)
    assert action["due_text"] == "Ongoing"


def test_plan_actions_in_the_api(demo):
    (plan,) = [p for p in demo.api_results("/api/v1/plans/") if f"/plans/{p['slug']}/" == PLAN]
    actions = {a["number"]: a for a in demo.api_results(f"/api/v1/plan-actions/?plan={plan['id']}")}
    numbers = [n for n in actions if n.split(".")[0] in {"1", "2", "3"}]
    assert {"1.1", "1.25", "2.1", "2.15", "3.1", "3.14"} <= set(numbers)
    for number, owner, when in PLAN_ROWS:
        assert actions[number]["owner_note"] == owner, number
        assert actions[number]["due_text"] == when, number
    assert actions["1.13"]["success_measure"] == "Strong referral pathways exist"


def test_plan_report_lists_the_actions(demo):
    report = unbroken(canon(demo.pdf(PLAN + "report.pdf")))
    assert not missing(
        report,
        "2.14 Co-ordinate a multi-agency safeguarding response",
        "Not known: it cannot be read in the source paper",
        "Norfolk Anti-Slavery Network",
        "1.13 Ensure there are strong referral route",
        "Strong referral pathways exist",
    )
    assert not present(report, "???")


def test_long_term_outcomes_of_the_plan(demo):
    page = canon(demo.page("/outcomes/safer-norfolk-plan-2021-24/"))
    assert not missing(
        page,
        "Victims are more confident reporting their experience and are satisfied with the response",
        "Victims of abuse and violence are supported to cope and recover",
        # The plan has four theories of change (one a theme); the demo holds two of them.
        "a theory of change for each of its four themes; two are held here",
    )


def test_the_20_july_2021_minutes_are_not_said_to_be_confirmed(demo):
    """The pack brings them "to confirm"; no paper held here records that they were (the
    16 September 2021 minutes are not held)."""
    july = meeting_api(demo, "nccsp-scrutiny-sub-panel", "2021-07-20")
    assert (july["minutes_status"], july["minutes_confirmed_at_meeting"]) == ("published", None)
    assert "Minutes confirmed" not in demo.page(JULY)
    assert not present(demo.page(SEPTEMBER), "agreed the minutes of the meeting on 20 July 2021")


def test_what_the_draft_plan_leaves_to_be_confirmed_is_counted_as_a_gap(demo):
    # Owners "TBC": 1.8, 1.23-1.25, 2.3, 2.7, 2.11, 3.12, 3.14; success measures "TBC": 1.23-1.25,
    # 2.3, 2.5, 2.7, 2.13, 3.14; 2.14's cannot be read.
    gaps = demo.page(PLAN)
    assert not missing(
        gaps,
        "No owner named (none, or “TBC”): 9",
        "No success measure (none, or “TBC”): 8",
        "Success measure unreadable in the source paper: 1",
    )


def test_the_draft_plan_says_nothing_of_whether_actions_have_started(demo):
    from delivery_plans.models import Plan

    plan = Plan.objects.get(slug="safer-norfolk-plan-2021-24")
    actions = demo.api_results(f"/api/v1/plan-actions/?plan={plan.pk}&page_size=100")
    stages = {action["number"]: action["stage"] for action in actions}
    assert len(stages) == 54
    # "Ongoing" in the date column is the only stage the paper gives.
    assert set(stages.values()) == {"not_stated", "ongoing"}
    assert stages["1.4"] == stages["3.9"] == stages["1.1"] == "not_stated"
    assert not present(demo.page(PLAN + "actions/1.1/"), "Not started")


def test_summaries_keep_the_papers_own_strength(demo):
    september = demo.page(SEPTEMBER)
    # Item 3: an Other Interest must be declared, but the member can speak and vote.
    assert not missing(
        september, "A member with an Other Interest must declare it but can speak and vote."
    )
    assert not present(september, "which they may declare")
    # A1.2: hate crime is "significantly underreported", not "never reported".
    outcomes = demo.page("/outcomes/safer-norfolk-plan-2021-24/")
    assert not missing(outcomes, "significantly under-reported")
    assert not present(outcomes, "never reported", "most of it goes unreported")
    plan = demo.page(PLAN)
    assert not missing(plan, "the requirements of the Domestic Abuse Bill")
    # The plan's introduction names the Bill (action 2.x names the Act, as the paper does).
    assert not present(
        plan, "the Domestic Abuse Act and the Serious Violence Duty", "each with a success measure"
    )


def test_items_whose_papers_are_not_held_say_so(demo):
    september = demo.page(SEPTEMBER)
    assert september.count("No paper for this item is held here.") == 2  # items 5 and 6
    assert not missing(september, "the front sheet and the papers held here")
    assert not present(september, "every paper")
    sheet = canon(demo.pdf(SEPTEMBER + "agenda.pdf"))
    assert sheet.count("No paper held here") == 2


# The draft plan's themes and, under each, its priorities, in the paper's order.
SECTIONS_IN_ORDER = [
    "Fraud",
    "Neighbourhood crime",
    "Hate crime",
    "Resilient cohesive communities",
    "County Lines",
    "Prevent",
    "Modern Slavery",
    "Domestic abuse and sexual violence",
    "Serious violence",
]


def positions(text, titles):
    return [text.index(title) for title in titles]


def test_the_plans_sections_come_in_the_papers_order(demo):
    """Each theme's priorities under it (1.x, then 2.x, then 3.x), not every theme's first
    priority, then every theme's second."""
    page = demo.page(PLAN)
    by_section = page[page.index("By section") : page.index("By owner")]
    assert positions(by_section, SECTIONS_IN_ORDER) == sorted(
        positions(by_section, SECTIONS_IN_ORDER)
    )
    report = demo.pdf(PLAN + "report.pdf")
    # Each section's heading names its theme before it ("…Neighbourhood Crime: Fraud").
    headings = [f": {title}" for title in SECTIONS_IN_ORDER]
    assert positions(report, headings) == sorted(positions(report, headings))
