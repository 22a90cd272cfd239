import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delivery_plans.models import Action
from delivery_plans.queries import plan_actions, with_status
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    MeetingFactory,
    OrganisationFactory,
    OutcomeFactory,
    PlanFactory,
    SectionFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "DRAFT-PLAN-MARKER-5d1e"
TODAY = timezone.localdate()


def days_ago(n):
    return TODAY - datetime.timedelta(days=n)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def squeezed(html):
    """The markup without the whitespace beside its tags."""
    return re.sub(r"\s*(<[^>]*>)\s*", r"\1", html)


@pytest.fixture
def plan():
    """A plan with one action in each state a councillor cares about."""
    plan = PlanFactory(
        title="Safer Norfolk Plan 2021-24 delivery plan",
        slug="safer-norfolk-plan",
        reporting_interval_days=90,
    )
    theme = SectionFactory(
        plan=plan, number="1", title="Building resilient and cohesive communities"
    )
    fraud = SectionFactory(plan=plan, number="", title="Fraud", parent=theme)
    violence = SectionFactory(plan=plan, number="3", title="Serious violence")
    police = OrganisationFactory(name="Norfolk Constabulary", short_name="Police")
    nasp = OrganisationFactory(name="Norfolk Against Scams Partnership", short_name="NASP")
    actions = {
        "met": ActionFactory(
            section=fraud, number="1.9", owners=[nasp], title="Scams awareness campaign"
        ),
        "far": ActionFactory(
            section=fraud, number="1.10", owners=[police], title="Fraud victim call-backs"
        ),
        "overdue": ActionFactory(
            section=violence,
            number="3.2",
            owners=[police],
            due_text="September 2021",
            due_date=datetime.date(2021, 9, 30),
            due_precision="month",
            title="Knife crime education",
        ),
        "tbc": ActionFactory(
            section=violence,
            number="3.10",
            owners=[],
            owner_note="",
            due_text="TBC",
            due_precision="tbc",
            success_measure="",
            title="Hospital navigators",
        ),
        "done": ActionFactory(
            section=violence,
            number="3.1",
            owners=[police],
            due_text="March 2021",
            due_date=datetime.date(2021, 3, 31),
            due_precision="month",
            stage="complete",
            title="Finished work",
        ),
    }
    ActionUpdateFactory(
        action=actions["met"], rag="green", distance="met", reported_on=days_ago(10)
    )
    ActionUpdateFactory(
        action=actions["met"],
        rag="red",
        distance="far_off",
        reported_on=days_ago(5),
        status="draft",
        text=f"Draft {SECRET}",
    )
    ActionUpdateFactory(
        action=actions["far"], rag="amber", distance="nearly_met", reported_on=days_ago(200)
    )
    ActionUpdateFactory(
        action=actions["far"],
        rag="red",
        distance="far_off",
        reported_on=days_ago(20),
        text="Call-backs stalled.",
    )
    ActionUpdateFactory(
        action=actions["overdue"], rag="amber", distance="some_way", reported_on=days_ago(120)
    )
    return {
        "plan": plan,
        "theme": theme,
        "fraud": fraud,
        "violence": violence,
        "police": police,
        "nasp": nasp,
        **actions,
    }


def test_status_comes_from_the_latest_published_update(plan):
    status = {a.number: a for a in with_status(Action.objects.filter(plan=plan["plan"]))}

    assert (status["1.9"].current_rag, status["1.9"].current_distance) == (
        "green",
        "met",
    )  # the draft is ignored
    assert (status["1.10"].current_rag, status["1.10"].current_distance) == ("red", "far_off")
    assert status["3.10"].current_rag is None
    assert status["3.2"].is_overdue is True
    assert status["3.10"].is_overdue is False  # TBC is a data gap, never overdue
    assert status["3.1"].is_overdue is False  # complete
    assert status["3.2"].is_stale is True  # last update 120 days ago, interval 90
    assert status["1.10"].is_stale is False
    assert status["3.10"].is_stale is True  # never updated
    assert status["3.1"].is_stale is False


def test_an_action_is_stale_when_its_plan_interval_has_passed_since_its_last_published_update():
    """At the edge of each plan's interval, with a newer draft, and once finished."""
    quarterly = SectionFactory(plan=PlanFactory(reporting_interval_days=90))
    monthly = SectionFactory(plan=PlanFactory(reporting_interval_days=30))
    cases = {}  # number: (section, published update ages, draft update ages, stage, stale)
    for section, interval in ((quarterly, 90), (monthly, 30)):
        prefix = f"{interval}."
        cases |= {
            prefix + "1": (section, [interval - 1], [], "in_progress", False),
            prefix + "2": (section, [interval], [], "in_progress", False),
            prefix + "3": (section, [interval + 1], [], "in_progress", True),
            prefix + "4": (section, [interval + 40, interval + 1], [1], "in_progress", True),
            prefix + "5": (section, [interval + 40, 2], [], "in_progress", False),
            prefix + "6": (section, [], [3], "in_progress", True),
            prefix + "7": (section, [interval + 1], [], "complete", False),
            prefix + "8": (section, [], [], "withdrawn", False),
        }
    for number, (section, published, drafts, stage, _) in cases.items():
        action = ActionFactory(section=section, number=number, stage=stage)
        for age in published:
            ActionUpdateFactory(action=action, reported_on=days_ago(age))
        for age in drafts:
            ActionUpdateFactory(action=action, reported_on=days_ago(age), status="draft")

    expected = {number: case[-1] for number, case in cases.items()}
    actions = with_status(Action.objects.filter(number__in=cases), today=TODAY)
    assert {action.number: action.is_stale for action in actions} == expected

    # A plan's own page passes its interval rather than reading it.
    for section in (quarterly, monthly):
        in_plan = {action.number: action.is_stale for action in plan_actions(section.plan, TODAY)}
        assert in_plan == {n: stale for n, stale in expected.items() if cases[n][0] == section}


def test_plan_page_summarises_rag_distance_overdue_stale_and_gaps(client, plan):
    html = page(client, plan["plan"].get_absolute_url())

    assert "Safer Norfolk Plan 2021-24 delivery plan" in html
    summary = squeezed(html[html.index(">Summary<") : html.index("Gaps in the plan")])
    assert 'RAG: Red</strong></dt><dd class="govuk-summary-list__value">1<' in summary
    assert 'RAG: Green</strong></dt><dd class="govuk-summary-list__value">1<' in summary
    assert 'Success measure met</strong></dt><dd class="govuk-summary-list__value">1<' in summary
    assert 'Overdue</dt><dd class="govuk-summary-list__value">1<' in summary
    gaps = html[html.index("Gaps in the plan") : html.index("By section")]
    assert "No owner named (none, or “TBC”): 1" in gaps
    assert "No date (“TBC” or not understood): 1" in gaps
    assert "No success measure (none, or “TBC”): 1" in gaps
    assert "No published update: 2" in gaps
    assert "By owner" in html
    assert SECRET not in html


def test_plan_actions_are_in_natural_number_order(client, plan):
    html = page(client, plan["plan"].get_absolute_url())

    positions = [html.index(f">{n}</a></th>") for n in ["1.9", "1.10", "3.1", "3.2", "3.10"]]
    assert positions == sorted(positions)


def action_rows(html):
    """The plan table's rows by action number: each cell's text, tags read as their words."""
    table = squeezed(html[html.index('id="actions"') :])
    rows = {}
    for row in re.findall(r'<tr class="govuk-table__row"><th scope="row".*?</tr>', table):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        number = re.sub(r"<[^>]*>", "", cells[0])
        rows[number] = [cells[0], *cells[1:4], re.findall(r"govuk-tag--\w+\">([^<]*)<", cells[4])]
    return rows


def test_plan_table_rows_show_owners_dates_and_every_status_tag(client, plan):
    rows = action_rows(page(client, plan["plan"].get_absolute_url()))

    link, title, owners, date, tags = rows["3.2"]
    assert link == f'<a class="govuk-link" href="{plan["overdue"].get_absolute_url()}">3.2</a>'
    assert title.startswith("Knife crime education")
    assert owners == "Police"
    assert date == "September 2021"
    assert tags == ["RAG: Amber", "Some way to go", "Overdue", "No recent update"]
    # No owner, date, success measure or update: the gaps are said, not left blank.
    assert rows["3.10"][1:] == [
        "Hospital navigators",
        "No owner named",
        "TBC",
        ["RAG not assessed", "Distance not assessed", "No recent update"],
    ]
    assert rows["1.9"][4] == ["RAG: Green", "Success measure met"]
    assert rows["1.10"][4] == ["RAG: Red", "Far off"]


def test_plan_table_rows_shorten_long_text_and_escape_every_value(client, plan):
    action = plan["tbc"]
    action.title = "Tackle <script>alert('x')</script> & " + " ".join(f"w{n}" for n in range(40))
    action.success_measure = "Fewer <b>repeat</b> victims " + "a " * 40
    action.owner_note = "CSP <Board> & partners"
    action.due_text = "Year 2 <TBC>"
    action.save()

    html = page(client, plan["plan"].get_absolute_url())

    row = action_rows(html)["3.10"]
    thirty_words = "Tackle &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; " + " ".join(
        f"w{n}" for n in range(27)
    )
    twenty_five_words = "Fewer &lt;b&gt;repeat&lt;/b&gt; victims" + " a" * 22
    assert row[1] == (
        f"{thirty_words} …"
        f'<br><span class="govuk-body-s app-meta">Success measure: {twenty_five_words} …</span>'
    )
    assert row[2] == "CSP &lt;Board&gt; &amp; partners"  # the owner as written, none recorded
    assert row[3] == "Year 2 &lt;TBC&gt;"
    assert "<script>" not in html


def test_plan_table_names_the_owners_in_order_escaped(client, plan):
    plan["far"].owners.add(OrganisationFactory(name="Scams <Partnership> & Co", short_name=""))
    plan["far"].owner_note = "Police and NASP"
    plan["far"].save()

    rows = action_rows(page(client, plan["plan"].get_absolute_url()))

    assert rows["1.10"][2] == "Police, Scams &lt;Partnership&gt; &amp; Co"  # not as written


def test_tally_tables_count_each_column(client, plan):
    html = squeezed(page(client, plan["plan"].get_absolute_url()))

    by_owner = html[html.index(">By owner<") :]
    police = re.search(
        r'<th scope="row" class="govuk-table__header">Police</th>(.*?)</tr>', by_owner
    )
    cells = re.findall(
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>', police[1]
    )
    # actions, red, amber, green, complete, met or nearly met, far off, overdue, no recent update
    assert cells == ["3", "1", "1", "0", "0", "0", "1", "1", "1"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rag=red", {"1.10"}),
        ("rag=not_assessed", {"3.10", "3.1"}),
        ("distance=met&distance=nearly_met", {"1.9"}),
        ("overdue=true", {"3.2"}),
        ("stage=complete", {"3.1"}),
        ("due_before=2021-12-31", {"3.2", "3.1"}),
        ("due_after=2021-06-01", {"3.2"}),
        (f"updated_since={(TODAY - datetime.timedelta(days=30)).isoformat()}", {"1.9", "1.10"}),
    ],
)
def test_plan_page_filters(client, plan, query, expected):
    html = page(client, f"{plan['plan'].get_absolute_url()}?{query}")

    table = html[html.index('id="actions"') :]
    shown = {a.number for a in Action.objects.all() if f">{a.number}</a></th>" in table}
    assert shown == expected


def test_filter_by_section_includes_a_themes_priorities_and_by_owner(client, plan):
    by_theme = page(client, f"{plan['plan'].get_absolute_url()}?section={plan['theme'].pk}")
    by_owner = page(client, f"{plan['plan'].get_absolute_url()}?owner={plan['nasp'].pk}")

    def shown(html):
        table = html[html.index('id="actions"') :]
        return {a.number for a in Action.objects.all() if f">{a.number}</a></th>" in table}

    assert shown(by_theme) == {"1.9", "1.10"}
    assert shown(by_owner) == {"1.9"}


def test_distance_page_ranks_nearly_there_to_furthest_away(client, plan):
    ActionUpdateFactory(
        action=plan["overdue"], rag="amber", distance="nearly_met", reported_on=days_ago(1)
    )

    html = page(client, reverse("delivery_plans:distance", args=[plan["plan"].slug]))

    fraud = html[html.index("Fraud</h2>") :]
    assert fraud.index(">1.9<") < fraud.index(">1.10<")  # met before far off
    violence = html[html.index("Serious violence</h2>") :]
    assert violence.index(">3.2<") < violence.index(">3.10<")  # nearly met before not assessed


def test_action_page_shows_fields_history_outcomes_and_scrutiny_trail(client, plan):
    action = plan["far"]
    outcome = OutcomeFactory(title="Reduce overall levels of fraud")
    action.outcomes.add(outcome)
    question = WrittenQuestionFactory(question="Reference Delivery Plan action 1.10: why stalled?")
    question.plan_actions.add(action)
    hidden = WrittenQuestionFactory(
        question=f"Hidden {SECRET}", meeting=MeetingFactory(minutes_draft=True)
    )
    hidden.plan_actions.add(action)

    html = page(client, action.get_absolute_url())

    assert "Fraud victim call-backs" in html
    assert "Campaign reaches every district" in html
    assert html.index("Call-backs stalled.") < html.index(
        "Progress made this quarter."
    )  # newest first
    assert "RAG: Red" in html
    assert "Far off" in html
    assert "Reduce overall levels of fraud" in html
    assert "why stalled?" in html
    assert SECRET not in html


def test_action_page_has_an_empty_scrutiny_trail_message(client, plan):
    html = page(client, plan["tbc"].get_absolute_url())

    assert "No written question or action point has referred to this action yet." in html
    assert "No update has been published for this action yet." in html


def test_action_page_shows_its_status_tags_and_names_a_missing_owner(client, plan):
    html = squeezed(page(client, plan["tbc"].get_absolute_url()))

    status = re.search(r'<p class="govuk-body">(<strong class="govuk-tag.*?)</p>', html)[1]
    assert re.findall(r"govuk-tag--\w+\">([^<]*)<", status) == [
        "RAG not assessed",
        "Distance not assessed",
        "No recent update",
    ]
    assert '<dt class="govuk-summary-list__key">Owner</dt>' in html
    assert '<dd class="govuk-summary-list__value">No owner named</dd>' in html

    overdue = squeezed(page(client, plan["overdue"].get_absolute_url()))
    assert ">Overdue</strong>" in overdue
    assert '<dd class="govuk-summary-list__value">Police</dd>' in overdue


def test_outcome_page_lists_the_actions_serving_it(client, plan):
    outcome = OutcomeFactory(title="Reduce fraud")
    plan["fraud"].outcomes.add(outcome)

    html = page(client, outcome.get_absolute_url())

    assert "Action 1.9" in html
    assert "Action 1.10" in html
    assert "Action 3.2" not in html


def test_draft_plan_and_its_actions_are_hidden_everywhere(client, plan):
    draft = PlanFactory(title=f"Draft {SECRET}", slug="draft-plan", status="draft")
    action = ActionFactory(section=SectionFactory(plan=draft), title=f"Action {SECRET}")
    ActionUpdateFactory(action=action, text=f"Update {SECRET}")
    outcome = OutcomeFactory()
    action.outcomes.add(outcome)

    for url in [
        draft.get_absolute_url(),
        action.get_absolute_url(),
        reverse("delivery_plans:distance", args=[draft.slug]),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
    for url in [
        reverse("delivery_plans:plans"),
        outcome.get_absolute_url(),
        plan["plan"].get_absolute_url(),
    ]:
        assert SECRET not in page(client, url)


def test_plans_list(client, plan):
    html = page(client, reverse("delivery_plans:plans"))

    assert plan["plan"].get_absolute_url() in html


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(plan, count):
    sections = [SectionFactory(plan=plan) for _ in range(3)]
    owners = [OrganisationFactory() for _ in range(3)]
    for n in range(count):
        action = ActionFactory(section=sections[n % 3], owners=[owners[n % 3], owners[(n + 1) % 3]])
        ActionUpdateFactory(action=action)
        ActionUpdateFactory(action=action, status="draft")


@pytest.mark.parametrize("view", ["delivery_plans:plan", "delivery_plans:distance"])
def test_plan_page_queries_are_the_same_with_5_and_50_actions(client, view):
    small_plan, large_plan = PlanFactory(), PlanFactory()
    grow(small_plan, 5)
    grow(large_plan, 50)

    small = queries_for(client, reverse(view, args=[small_plan.slug]))
    large = queries_for(client, reverse(view, args=[large_plan.slug]))

    assert small == large
    assert large <= 15


def test_action_page_queries_do_not_grow_with_history(client):
    action = ActionFactory()
    ActionUpdateFactory(action=action)
    small = queries_for(client, action.get_absolute_url())

    for _ in range(10):
        ActionUpdateFactory(action=action)
        WrittenQuestionFactory().plan_actions.add(action)
        action.outcomes.add(OutcomeFactory())
    large = queries_for(client, action.get_absolute_url())

    assert small == large
    assert large <= 15


def test_every_actions_table_has_a_caption_for_screen_readers(client, plan):
    for url in (plan["plan"].get_absolute_url(), plan["plan"].get_absolute_url() + "distance/"):
        html = page(client, url)
        captions = re.findall(r"<caption[^>]*>(.*?)</caption>", html)
        assert captions, url
        assert all(caption.strip() for caption in captions), (url, captions)
    html = page(client, plan["plan"].get_absolute_url())
    assert (
        '<caption class="govuk-table__caption govuk-visually-hidden">Actions of the plan</caption>'
        in html
    )


def test_a_long_plan_lists_its_actions_a_page_at_a_time_and_counts_them_all(client, plan):
    """The table shows ACTIONS_PER_PAGE actions a page, in number order; the summary, the
    tallies and the gaps count every action; the pages keep the filters and the page of
    the meetings list, and the CSV link keeps the filters only."""
    from safer_norfolk.queries import ACTIONS_PER_PAGE

    violence = plan["violence"]
    for n in range(ACTIONS_PER_PAGE):
        ActionFactory(
            plan=plan["plan"], section=violence, number=f"3.{20 + n}", success_measure=" \n\t "
        )
    url = plan["plan"].get_absolute_url()
    total = Action.objects.filter(plan=plan["plan"]).count()

    first = page(client, url)
    rows = action_rows(first)
    assert len(rows) == ACTIONS_PER_PAGE
    assert list(rows)[:2] == ["1.9", "1.10"]
    assert f"Actions 1 to {ACTIONS_PER_PAGE} of {total}, in number order." in first
    summary = squeezed(first[first.index(">Summary<") : first.index("Gaps in the plan")])
    assert f'Actions</dt><dd class="govuk-summary-list__value">{total}<' in summary
    # White space alone is no success measure.
    assert f"No success measure (none, or “TBC”): {ACTIONS_PER_PAGE + 1}" in first
    by_section = squeezed(first[first.index(">By section<") : first.index(">By owner<")])
    assert (
        f'<th scope="row" class="govuk-table__header">3 Serious violence</th>'
        f'<td class="govuk-table__cell govuk-table__cell--numeric">{ACTIONS_PER_PAGE + 3}</td>'
    ) in by_section

    second = page(client, f"{url}?actions_page=2")
    rest = action_rows(second)
    assert len(rest) == total - ACTIONS_PER_PAGE
    assert set(rows) | set(rest) == set(
        Action.objects.filter(plan=plan["plan"]).values_list("number", flat=True)
    )
    assert list(rest)[-1] == f"3.{20 + ACTIONS_PER_PAGE - 1}"
    assert f"Actions {ACTIONS_PER_PAGE + 1} to {total} of {total}, in number order." in second

    filtered = page(client, f"{url}?section={violence.pk}&actions_page=2")
    assert f"{ACTIONS_PER_PAGE + 3} of the {total} actions match these filters." in filtered
    # The page cache keeps a page's parameters in one order (safer_norfolk.page_cache).
    assert f'href="?section={violence.pk}&amp;actions_page=1#actions"' in filtered
    assert f'actions.csv?section={violence.pk}"' in filtered


def test_an_action_lists_the_outcomes_it_serves_through_its_section_and_theme(client):
    """As an outcome's page counts them: linked to the action, to its section or to the
    section's theme; an unpublished framework's outcome is not listed."""
    plan = PlanFactory(status="published")
    theme = SectionFactory(plan=plan, title="Safer streets")
    priority = SectionFactory(plan=plan, parent=theme, title="Neighbourhood crime")
    action = ActionFactory(plan=plan, section=priority, number="1.1")
    own, of_section, of_theme = OutcomeFactory(), OutcomeFactory(), OutcomeFactory()
    hidden = OutcomeFactory(framework__status="draft")
    unrelated = OutcomeFactory()
    action.outcomes.add(own)
    priority.outcomes.add(of_section, hidden)
    theme.outcomes.add(of_theme)

    html = page(client, action.get_absolute_url())
    served = html[html.index("Outcomes it serves") :]
    assert f"{own.title}</a>" in served
    assert (
        f'{of_section.title}</a> <span class="app-meta">({of_section.framework.title}; through its section)'
        in served
    )
    assert (
        f'{of_theme.title}</a> <span class="app-meta">({of_theme.framework.title}; through its theme)'
        in served
    )
    assert hidden.title not in html
    assert unrelated.title not in html
    # The outcome's own page lists the action, as the action's page lists the outcome.
    assert "1.1" in page(client, of_theme.get_absolute_url())
