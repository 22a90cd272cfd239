"""Seed 001: refresh of the Norfolk Support in Safe Accommodation Strategy 2022-23 (Year 1),
with its delivery plan (Actions 1–21), funding table and needs-assessment figures. Every
expected fact below is read from the paper."""

import decimal

import pytest

from tests.seed_fidelity.conftest import missing, present

pytestmark = pytest.mark.django_db

PLAN = "/plans/safe-accommodation-strategy/"
FRAMEWORK = "/outcomes/safe-accommodation-needs/"

# Action number -> what the paper says it will cost.
COSTS = {
    "1": "£1.3 million",
    "5": "£100,000",
    "8": "£30,000",
    "10": "£42,000",
    "16": "£4,000 pa",
}


def number(value):
    return format(decimal.Decimal(value).normalize(), "f")


def test_plan_holds_actions_1_to_21(demo):
    actions = [a for a in demo.api_results("/api/v1/plan-actions/") if "." not in a["number"]]
    numbers = sorted((a["number"] for a in actions), key=int)
    assert numbers == [str(n) for n in range(1, 22)]
    page = demo.page(PLAN)
    assert not missing(
        page,
        "21 Improved understanding of those with protected characteristics",
        "Norfolk Support in Safe Accommodation Strategy",
    )


@pytest.mark.parametrize(("action", "cost"), COSTS.items())
def test_action_costs_as_written(demo, action, cost):
    assert not missing(demo.page(f"{PLAN}actions/{action}/"), cost)


def test_owners_the_paper_names(demo):
    # The plan has no owner column. "NODA to implement…" names who does action 16; action
    # 10 is to "work with" NCC Integrated Quality Service, which does not make it the owner.
    sixteen = demo.page(f"{PLAN}actions/16/")
    assert not missing(sixteen, "NODA")
    assert not present(sixteen, "As written")
    ten = demo.page(f"{PLAN}actions/10/")
    assert not missing(ten, "Work with NCC Integrated Quality Service", "No owner named")
    # Action 1 names no owner: the page says so rather than naming one.
    assert not missing(demo.page(f"{PLAN}actions/1/"), "No owner named")


def test_what_the_refresh_says_and_no_more(demo):
    assert not present(demo.page(f"{PLAN}actions/6/"), "Success measure met")
    # Action 5: "We have also part funded a homeless post" (no fund named); action 19 points
    # to action 2, which says nothing of six flats.
    assert not present(demo.page(f"{PLAN}actions/5/"), "New Burdens funding also part-funds")
    assert not present(demo.page(f"{PLAN}actions/19/"), "six flats")
    plan = demo.page(PLAN)
    # The move-on protocol was agreed in Year 2, not among Year 1's progress.
    assert not present(plan, "agreed a countywide move-on protocol", "paid for largely")
    assert not missing(plan, "produced an Engagement Framework and a Quality Assessment Framework")
    hotspots = demo.api_results("/api/v1/observations/")
    notes = " ".join(o.get("note") or "" for o in hotspots)
    assert "King's Lynn, Norwich and Great Yarmouth as hotspots" in notes
    assert "names Great Yarmouth and Norwich as hotspots" not in notes


def test_needs_assessment_and_funding_figures_in_the_api(demo):
    values = {number(o["value"]) for o in demo.api_results("/api/v1/observations/")}
    # Recorded DA crimes (11,498 and 13,764), bedspaces (54 then 84), refuge utilisation
    # (94.74%), safe accommodation referrals (189), New Burdens allocation and spend.
    assert not missing(
        values, "11498", "13764", "54", "84", "94.74", "189", "1811177", "808777", "1312450"
    )


def test_figures_on_the_framework_page(demo):
    page = demo.page(FRAMEWORK)
    assert not missing(page, "13,764", "84", "94.74")
    assert not present(page, "94.740", "13764.0")


def test_the_year_2_updates_give_the_actions_their_status(demo):
    """The paper's "Update Year 2" column is published with each action, so each action's
    status is its update's: Action 6's move-on protocol is "Completed" (the paper states no
    success measure for it, so none is said to be met). The demo's rows are loaded as
    fixtures, past the models' save(); the stored status must follow them too."""
    action = demo.page(f"{PLAN}actions/6/")
    assert not missing(
        action,
        "Complete Distance not assessed",
        # The paper dates neither its Year 2 updates nor its Year 3 proposals.
        "Last update No day given in the paper",
        "Update Year 2, no day given in the paper",
    )
    assert not present(action, "None published", "2024")
    plan = demo.page(PLAN)
    assert not missing(plan, "No published update: 0")
    assert not present(plan, "No published update: 21")


def test_the_report_gives_each_year_2_update_with_the_year_3_proposals(demo):
    """Both columns of the paper: the proposals, ordered after the update they follow, do not
    take its place as the latest update (action 5's Sanctuary Scheme grants)."""
    report = " ".join(demo.pdf(PLAN + "report.pdf").split())
    assert not missing(report, "Sanctuary Scheme", "Update Year 2", "Year 3 proposed actions")
    assert report.count("Update Year 2") >= 21
