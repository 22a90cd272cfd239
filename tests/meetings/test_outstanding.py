import csv
import datetime
import io
import re
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    SectionFactory,
    WrittenQuestionFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

SECRET = "UNPUBLISHED-OUTSTANDING-4e2a"
TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def data():
    police = OrganisationFactory(name="Norfolk Constabulary")
    council = OrganisationFactory(name="Norfolk County Council")
    panel = CommitteeFactory(name="NCCSP Scrutiny Sub Panel")
    board = CommitteeFactory(name="Cambridge CSP Board")
    held = MeetingFactory(
        committee=panel,
        minutes_published=True,
        starts_at=timezone.now() - datetime.timedelta(days=60),
    )
    board_meeting = MeetingFactory(
        committee=board,
        minutes_published=True,
        starts_at=timezone.now() - datetime.timedelta(days=30),
    )
    draft = MeetingFactory(committee=panel, minutes_draft=True)
    officer = PersonFactory(name="Lynne Miles", organisation=council)
    plan = PlanFactory(title="Safer Norfolk delivery plan", reporting_interval_days=90)
    fraud = SectionFactory(plan=plan, title="Fraud")
    red = ActionFactory(section=fraud, number="1.14", owners=[police], title="Referral pathways")
    ActionUpdateFactory(action=red, rag="red", distance="far_off", reported_on=days(-5))
    green = ActionFactory(section=fraud, number="1.15", owners=[police], title="On track work")
    ActionUpdateFactory(action=green, rag="green", distance="met", reported_on=days(-5))
    ActionFactory(section=fraud, number="1.16", owners=[council], title="Silent action")
    hidden_plan = PlanFactory(status="draft")
    hidden = ActionFactory(
        section=SectionFactory(plan=hidden_plan), title=f"Draft plan {SECRET}", owners=[police]
    )
    ActionUpdateFactory(action=hidden, rag="red")
    items = {
        "late_point": ActionPointFactory(committee=panel, meeting=held, reference="07/01", description="Share the scams figures", owner_organisation=police, owner_person=officer, due_date=days(-10)),
        "point": ActionPointFactory(committee=board, meeting=board_meeting, reference="10/01", description="Invite the Vision Zero lead", owner_organisation=council, due_date=days(20)),
        "closed": ActionPointFactory(committee=panel, meeting=held, reference="07/02", description="Closed already", status="closed", closed_on=days(-1)),
        "hidden_point": ActionPointFactory(committee=panel, meeting=draft, reference="11/01", description=f"Draft {SECRET}"),
        "question": WrittenQuestionFactory(meeting=held, number=1, question="How many referrals?", addressed_to=council, response_due=days(-3)),
        "answered": WrittenQuestionFactory(meeting=held, number=2, question="Answered one", status="answered", response="Yes.", responded_on=days(-1)),
        "hidden_question": WrittenQuestionFactory(meeting=draft, number=1, question=f"Draft question {SECRET}"),
    }  # fmt: skip
    items["question"].plan_actions.add(red)
    return {
        "police": police,
        "council": council,
        "panel": panel,
        "board": board,
        "plan": plan,
        "fraud": fraud,
        "officer": officer,
        **items,
    }


def page(client, query=""):
    response = client.get(reverse("meetings:outstanding") + query)
    assert response.status_code == 200
    return response.content.decode()


def csv_rows(client, query=""):
    response = client.get(reverse("meetings:outstanding_csv") + query)
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def shown(client, query=""):
    return sorted((row["Kind"], row["Reference"]) for row in csv_rows(client, query))


def test_everything_outstanding_and_nothing_else(client, data):
    html = page(client)

    assert shown(client) == [
        ("Action point", "07/01"),
        ("Action point", "10/01"),
        ("Plan action", "1.14"),
        ("Plan action", "1.16"),
        ("Written question", "1"),
    ]
    assert "<strong>5</strong> items outstanding" in html
    assert "Closed already" not in html
    assert "Answered one" not in html
    assert "On track work" not in html
    assert SECRET not in html
    assert SECRET not in "".join(str(row) for row in csv_rows(client))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?kind=action_point", [("Action point", "07/01"), ("Action point", "10/01")]),
        (
            "?kind=question&kind=plan_action",
            [("Plan action", "1.14"), ("Plan action", "1.16"), ("Written question", "1")],
        ),
        ("?status=red", [("Plan action", "1.14")]),
        ("?status=awaiting", [("Written question", "1")]),
        ("?overdue_only=on", [("Action point", "07/01"), ("Written question", "1")]),
        (f"?due_after={days(0)}", [("Action point", "10/01")]),
        (f"?raised_before={days(-45)}", [("Action point", "07/01"), ("Written question", "1")]),
    ],
)
def test_filters(client, data, query, expected):
    assert shown(client, query) == expected


def test_filters_by_committee_owner_person_and_plan(client, data):
    assert shown(client, f"?committee={data['board'].pk}") == [("Action point", "10/01")]
    assert shown(client, f"?owner_organisation={data['police'].pk}") == [
        ("Action point", "07/01"),
        ("Plan action", "1.14"),
    ]
    assert shown(client, f"?owner_person={data['officer'].pk}") == [("Action point", "07/01")]
    # A plan brings its own actions and the questions and action points that cite them.
    assert shown(client, f"?plan={data['plan'].pk}") == [
        ("Plan action", "1.14"),
        ("Plan action", "1.16"),
        ("Written question", "1"),
    ]
    assert shown(client, f"?section={data['fraud'].pk}&kind=plan_action") == [
        ("Plan action", "1.14"),
        ("Plan action", "1.16"),
    ]


def test_a_record_citing_several_actions_of_a_plan_is_listed_and_counted_once(client, data):
    actions = list(data["plan"].actions.filter(number__in=["1.14", "1.15", "1.16"]))
    data["question"].plan_actions.add(*actions)
    data["late_point"].plan_actions.add(*actions)

    for query in (f"?plan={data['plan'].pk}", f"?section={data['fraud'].pk}"):
        rows = shown(client, query)
        assert rows.count(("Written question", "1")) == 1, query
        assert rows.count(("Action point", "07/01")) == 1, query
        html = page(client, query)
        assert "Action point (1)" in html, query
        assert "Written question (1)" in html, query
    # Without those filters no relation is joined: every record once, as before.
    assert shown(client).count(("Action point", "07/01")) == 1
    assert shown(client).count(("Written question", "1")) == 1


def test_rows_and_counts_alike_in_everything_shown_keep_one_order(client, data):
    """References repeat across committees: rows equal in every sorted column come in key
    order, and committees or owners with equal counts in name order, on every request."""
    later = [
        ActionPointFactory(
            committee=committee,
            meeting=MeetingFactory(
                committee=committee,
                minutes_published=True,
                starts_at=data["point"].meeting.starts_at,
            ),
            reference="01/01",
            description=f"Same reference {n}",
            owner_organisation=data["council"],
            due_date=days(40),
        )
        for n, committee in enumerate(
            [CommitteeFactory(name="Zeal panel"), CommitteeFactory(name="Able panel")]
        )
    ]

    for sort in ("due", "-due", "kind", "owner", "raised", "-raised"):
        references = [
            row["Item"] for row in csv_rows(client, f"?sort={sort}") if row["Reference"] == "01/01"
        ]
        assert references == [point.description for point in later], sort
    html = page(client)
    assert html.index("Able panel: 1") < html.index("Cambridge CSP Board: 1")
    assert html.index("Cambridge CSP Board: 1") < html.index("Zeal panel: 1")


def test_counts_per_filter_value(client, data):
    html = page(client)

    assert "Action point (2)" in html
    assert "Written question (1)" in html
    assert "Plan action (2)" in html
    assert "RAG red (1)" in html
    assert "NCCSP Scrutiny Sub Panel: 2" in html
    assert "Norfolk Constabulary: 2" in html


def test_counts_count_every_item_when_two_look_alike(client, data):
    # Same committee, owner and status as 07/01: still two action points, not one.
    ActionPointFactory(
        committee=data["panel"],
        meeting=data["late_point"].meeting,
        reference="07/03",
        description="Report back on the scams figures",
        owner_organisation=data["police"],
        due_date=days(5),
    )

    html = page(client, f"?owner_organisation={data['police'].pk}")

    assert "<strong>3</strong> items outstanding" in html
    assert "Action point (2)" in html
    assert "Open (2)" in html
    assert "NCCSP Scrutiny Sub Panel: 2" in html
    assert "Norfolk Constabulary: 3" in html


def test_sorting_and_shareable_urls(client, data):
    soonest = [row["Reference"] for row in csv_rows(client, "?kind=action_point&sort=due")]
    latest = [row["Reference"] for row in csv_rows(client, "?kind=action_point&sort=-due")]

    assert soonest == ["07/01", "10/01"]
    assert latest == ["10/01", "07/01"]
    html = page(client, "?kind=action_point&sort=-due")
    assert 'href="/outstanding.csv?kind=action_point&amp;sort=-due"' in html


def test_csv_has_exactly_the_filtered_rows_across_pages(client, data):
    for n in range(60):
        ActionPointFactory(
            committee=data["panel"],
            meeting=data["late_point"].meeting,
            reference=f"08/{n + 10}",
            owner_organisation=data["police"],
        )

    html = page(client, f"?owner_organisation={data['police'].pk}")
    rows = csv_rows(client, f"?owner_organisation={data['police'].pk}")

    assert "<strong>62</strong> items outstanding" in html
    assert "Page 1 of 2" in html
    assert len(rows) == 62
    assert {row["Owner"] for row in rows} == {"Norfolk Constabulary"}
    second = page(client, f"?owner_organisation={data['police'].pk}&page=2")
    assert second.count('class="govuk-tag govuk-tag--grey">') >= 12


def test_unknown_filter_values_are_reported_and_the_rest_still_filter(client, data):
    html = page(client, f"?due_after=not-a-date&committee=999999&kind=bogus&owner_organisation={data['police'].pk}")  # fmt: skip

    assert "<title>Error: Outstanding" in html
    assert 'class="govuk-error-summary"' in html
    start = html.index("govuk-error-summary__list")
    summary = html[start : html.index("</ul>", start)]
    assert '<a href="#kind-action_point">There is no kind of item “bogus”.</a> Items of every kind are shown.' in summary  # fmt: skip
    assert '<a href="#id_committee">There is no committee “999999”.</a> Items of every committee are shown.' in summary  # fmt: skip
    assert '<a href="#id_due_after">Enter a real date, like 2024-03-31.</a>' in summary
    assert "organisation" not in summary
    # Beside each filter too; the police filter, given well, still applies.
    assert (
        '<span class="govuk-visually-hidden">Error:</span> There is no committee “999999”.' in html
    )
    assert "<strong>2</strong> items outstanding" in html
    assert "Share the scams figures" in html
    assert "Invite the Vision Zero lead" not in html
    # The CSV link is of the rows shown: it leaves out what was not understood.
    assert f'href="/outstanding.csv?owner_organisation={data["police"].pk}"' in html


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("?committee=999", "committee: There is no committee “999”."),
        (
            "?owner_organisation=nonsense",
            "owner_organisation: There is no organisation “nonsense”.",
        ),
        ("?status=bogus", "status: There is no status “bogus”."),
        ("?sort=sideways", "sort: There is no sort order “sideways”."),
        ("?due_before=0001-01-01", "due_before: Enter a date between 1 January 1900"),
    ],
)
def test_each_unknown_value_is_named_on_the_page_and_refused_by_the_csv(
    client, data, query, reason
):
    response = client.get(reverse("meetings:outstanding_csv") + query)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith(reason)
    assert reason.split(": ", 1)[1] in page(client, query)


def test_a_value_shown_back_is_plain_and_short(client, data):
    html = page(client, "?committee=" + "9" * 300 + "&status=%00bad")

    assert "There is no committee “" + "9" * 39 + "…”." in html
    assert "9" * 41 not in html
    assert "There is no status “\ufffdbad”." in html
    assert "\x00" not in html


def test_a_page_with_every_filter_known_reports_nothing(client, data):
    html = page(client, f"?committee={data['panel'].pk}&status=open&sort=-due")

    assert "govuk-error-summary" not in html
    assert "<title>Outstanding" in html


def test_outstanding_queries_do_not_grow_with_data(client, data):
    def count():
        with CaptureQueriesContext(connection) as captured:
            page(client, "?sort=-raised")
        return len(captured)

    small = count()
    for n in range(30):
        ActionPointFactory(
            committee=data["panel"], meeting=data["late_point"].meeting, reference=f"09/{n + 10}"
        )
        WrittenQuestionFactory(meeting=data["late_point"].meeting, number=10 + n)
        action = ActionFactory(section=data["fraud"], number=f"2.{n + 1}", owners=[data["police"]])
        ActionUpdateFactory(action=action, rag="amber")
    large = count()

    assert small == large
    assert large <= 15


def test_rows_and_counts_together_are_those_apart_from_parts_built_once(data):
    from meetings import outstanding

    with CaptureQueriesContext(connection) as captured:
        rows, counts = outstanding.outstanding_and_facets({}, sort="-raised")
        rows = list(rows)

    assert rows == list(outstanding.outstanding({}, sort="-raised"))
    assert counts == outstanding.facets({})
    assert counts["kind"].total() == len(rows) == 5
    # The plans' reporting intervals (for "no recent update") are read once, not per use.
    assert sum("reporting_interval_days" in query["sql"] for query in captured) == 1


def test_the_home_pages_tally_is_what_the_page_counts_and_its_overdue_filter_keeps(data):
    from collections import Counter

    from meetings import outstanding

    # Due before today with its day to be confirmed: the "overdue only" filter keeps it,
    # though its row is not tagged overdue. Due by the day and past: both.
    unsure = ActionFactory(
        section=data["fraud"], number="1.17", owners=[data["council"]], title="Unsure",
        due_date=days(-30), due_precision="tbc",
    )  # fmt: skip
    ActionUpdateFactory(action=unsure, rag="amber", reported_on=days(-5))
    late = ActionFactory(
        section=data["fraud"], number="1.18", owners=[data["police"]], title="Late",
        due_date=days(-2), due_precision="day",
    )  # fmt: skip
    ActionUpdateFactory(action=late, rag="green", distance="met", reported_on=days(-5))
    # Overdue but in draft minutes, raised on an exempt item's minute, a question on an
    # exempt item, and a draft plan's late action: none is counted.
    ActionPointFactory(meeting=MeetingFactory(minutes_draft=True), due_date=days(-40))
    held = data["late_point"].meeting
    exempt = AgendaItemFactory(meeting=held, is_exempt=True, title=f"Exempt {SECRET}")
    ActionPointFactory(
        meeting=held, committee=held.committee, due_date=days(-40),
        minute=MinuteFactory(meeting=held, agenda_item=exempt),
    )  # fmt: skip
    WrittenQuestionFactory(meeting=held, number=9, agenda_item=exempt, response_due=days(-40))
    ActionFactory(
        section=SectionFactory(plan=PlanFactory(status="draft")), due_date=days(-40),
        due_precision="day", owners=[data["police"]],
    )  # fmt: skip

    with CaptureQueriesContext(connection) as captured:
        every, overdue = outstanding.tally()

    assert every == Counter(action_point=2, question=1, plan_action=4)
    assert every == outstanding.facets({})["kind"]
    # The late action point, the question past its response day and the two past actions.
    assert overdue == 4 == outstanding.facets({"overdue_only": True})["kind"].total()
    assert len(captured) == 2  # the plans' reporting intervals, then one statement


def test_the_home_pages_tally_counts_a_day_as_overdue_only_once_it_has_passed(data):
    from meetings import outstanding

    every, overdue = outstanding.tally(today=days(-10))
    assert every.total() == outstanding.facets({}, today=days(-10))["kind"].total()
    # On that day the action point due that day was not yet overdue; the question was not.
    assert overdue == outstanding.facets({"overdue_only": True}, today=days(-10))["kind"].total()
    assert outstanding.tally(today=days(-9))[1] == overdue + 1


def test_the_owner_list_names_only_owners_of_open_published_action_points(client, data):
    # A person who owns only an action point of minutes still in draft is not named, nor one
    # whose only action point is closed (nothing of theirs is outstanding).
    draft_owner = PersonFactory(name=f"Owner {SECRET}")
    ActionPointFactory(
        committee=data["panel"],
        meeting=data["hidden_point"].meeting,
        reference="11/02",
        description="Draft point",
        owner_person=draft_owner,
    )
    closed_owner = PersonFactory(name="Closed Owner")
    ActionPointFactory(
        committee=data["panel"],
        meeting=data["late_point"].meeting,
        reference="07/09",
        description="Done",
        owner_person=closed_owner,
        status="closed",
        closed_on=days(-2),
    )

    html = page(client)

    assert f'<option value="{data["officer"].pk}">{data["officer"]}</option>' in html
    assert SECRET not in html
    assert f'<option value="{draft_owner.pk}">{draft_owner}</option>' not in html
    assert "Closed Owner" not in html


def test_csv_neutralises_spreadsheet_formulas(client, data):
    ActionPointFactory(
        committee=data["panel"],
        meeting=data["late_point"].meeting,
        reference="07/09",
        description='=HYPERLINK("http://evil")',
    )

    rows = csv_rows(client, "?kind=action_point")

    item = next(row for row in rows if row["Reference"] == "07/09")
    assert item["Item"] == '\'=HYPERLINK("http://evil")'


def test_one_statement_serves_every_value_of_the_same_filters(data):
    # The statements are built for which filters are chosen; the chosen values are their
    # parameters. Each organisation, committee and day here gets its own rows from one build.
    from meetings import outstanding

    outstanding._statements.cache_clear()

    def refs(**filters):
        return sorted((row["row_kind"], row["row_ref"]) for row in outstanding.outstanding(filters))

    assert refs(owner_organisation=data["police"]) == [
        ("action_point", "07/01"),
        ("plan_action", "1.14"),
    ]
    assert refs(owner_organisation=data["council"]) == [
        ("action_point", "10/01"),
        ("plan_action", "1.16"),
        ("question", "1"),
    ]
    assert refs(committee=data["board"]) == [("action_point", "10/01")]
    assert refs(committee=data["panel"]) == [("action_point", "07/01"), ("question", "1")]
    assert refs(due_before=days(-5)) == [("action_point", "07/01")]
    assert refs(due_before=days(30)) == [("action_point", "07/01"), ("action_point", "10/01"), ("question", "1")]  # fmt: skip
    assert outstanding._statements.cache_info().misses == 3


def test_rows_are_read_a_slice_at_a_time_and_counted(data):
    from meetings import outstanding

    rows = outstanding.outstanding({}, sort="kind")
    every = list(rows)

    assert [row["row_ref"] for row in every] == ["07/01", "10/01", "1.14", "1.16", "1"]
    assert rows[1:3] == every[1:3]
    assert rows[4:50] == every[4:]
    assert rows[9:12] == []
    assert rows.count() == 5
    assert every[0]["row_due_on"] == days(-10)
    assert every[0]["row_is_overdue"] is True
    assert every[1]["row_is_overdue"] is False
    with pytest.raises(TypeError):
        rows[0]
    nothing = outstanding.outstanding({"committee": data["board"], "kind": ["plan_action"]})
    assert list(nothing) == []
    assert nothing[0:50] == []
    assert nothing.count() == 0


def test_a_chosen_value_left_out_of_the_sql_is_an_error_not_every_row(data, monkeypatch):
    # Were a part to drop a filter, its stand-in would be missing from the parameters: that
    # part would list every row whatever was chosen. Building the statement refuses instead.
    from django.core.exceptions import ImproperlyConfigured

    from meetings import outstanding

    real = outstanding.action_points
    monkeypatch.setattr(
        outstanding,
        "action_points",
        lambda filters, *rest: real({**filters, "committee": None}, *rest),
    )
    outstanding._statements.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="committee"):
            outstanding.outstanding({"committee": data["board"], "kind": ["action_point"]})
    finally:
        outstanding._statements.cache_clear()


# --- read as a councillor reads them ---------------------------------------------------------


def test_due_soonest_puts_the_overdue_first_and_the_undated_last(client, data):
    ActionPointFactory(committee=data["board"], meeting=data["point"].meeting, reference="10/02", description="No date given", due_date=None)  # fmt: skip
    late = ActionFactory(section=data["fraud"], number="1.20", due_text="March 2021", due_precision="month", due_date=days(-400))  # fmt: skip

    soonest = [row["Reference"] for row in csv_rows(client, "?sort=due")]
    latest = [row["Reference"] for row in csv_rows(client, "?sort=-due")]

    # 1.20 is overdue (a year late), as are 07/01 and question 1; 10/01 is still to come.
    assert soonest[:4] == ["1.20", "07/01", "1", "10/01"]
    assert latest[:4] == ["10/01", "1", "07/01", "1.20"]
    # Undated last both ways: the action point, then the plan's ongoing actions in order.
    assert soonest[4:] == latest[4:] == ["10/02", "1.14", "1.16"]
    assert [row["Overdue"] for row in csv_rows(client)] == ["yes"] * 3 + ["no"] * 4
    assert late.due_date < data["late_point"].due_date


def test_an_overdue_item_comes_before_one_dated_earlier_that_is_not(client, data):
    # A plan action due "to be confirmed" keeps a date it is not held to: it is not overdue.
    tbc = ActionFactory(section=data["fraud"], number="1.21", title="Held to no date", due_text="TBC", due_precision="tbc", due_date=days(-900))  # fmt: skip
    ActionUpdateFactory(action=tbc, rag="amber", reported_on=days(-1))

    rows = csv_rows(client, "?sort=due")

    references = [row["Reference"] for row in rows]
    assert references.index("1") < references.index("1.21")
    assert references.index("07/01") < references.index("1.21")
    assert next(row for row in rows if row["Reference"] == "1.21")["Overdue"] == "no"


def owner_counts(html):
    section = html[html.index(">By owner</h2>") :]
    section = section[: section.index("</ul>")]
    return {name: int(count) for name, count in re.findall(r"<li>([^<]+): (\d+)</li>", section)}


def test_owner_counts_add_up_to_the_total_with_a_line_for_no_owner(client, data):
    ActionPointFactory(committee=data["panel"], meeting=data["late_point"].meeting, reference="07/05", description="Nobody named")  # fmt: skip
    orphan = ActionFactory(section=data["fraud"], number="1.30", title="Owner not given")
    ActionUpdateFactory(action=orphan, rag="red")
    ActionPointFactory(committee=data["panel"], meeting=data["late_point"].meeting, reference="07/06", description="A person only", owner_person=data["officer"])  # fmt: skip

    html = page(client)

    counts = owner_counts(html)
    assert counts == {
        "Norfolk County Council": 3,
        "No owner named": 2,
        "Norfolk Constabulary": 2,
        "Lynne Miles": 1,
    }
    assert sum(counts.values()) == 8
    assert "<strong>8</strong> items outstanding" in html
    rows = csv_rows(client)
    assert len(rows) == 8
    assert next(row for row in rows if row["Reference"] == "1.30")["Owner"] == ""


def test_every_owner_of_a_plan_action_is_shown_with_the_owner_as_written(client, data):
    probation = OrganisationFactory(name="National Probation Service")
    shared = ActionFactory(section=data["fraud"], number="1.17", title="Integrated offender management", owners=[probation, data["police"], data["council"]], owner_note="Norfolk Constabulary and the National Probation Service")  # fmt: skip
    ActionUpdateFactory(action=shared, rag="amber")
    owners = "National Probation Service, Norfolk Constabulary, Norfolk County Council"

    row = next(row for row in csv_rows(client) if row["Reference"] == "1.17")
    html = page(client)

    assert row["Owner"] == owners
    assert row["Owner as written"] == "Norfolk Constabulary and the National Probation Service"
    assert (
        f'<td class="govuk-table__cell">{owners}<br><span class="govuk-body-s app-meta">'
        "As written: Norfolk Constabulary and the National Probation Service</span></td>"
    ) in html
    # Counted once, under its owners together; found under each of them by the filter.
    assert owner_counts(html)[owners] == 1
    for owner in (probation, data["police"], data["council"]):
        assert ("Plan action", "1.17") in shown(client, f"?owner_organisation={owner.pk}")


def test_a_plan_action_is_shown_with_its_plan_and_actions_sort_naturally(client, data):
    other = PlanFactory(title="Safe Accommodation Strategy delivery plan")
    section = SectionFactory(plan=other, title="Housing")
    for number in ["1", "10", "2"]:
        ActionUpdateFactory(action=ActionFactory(section=section, number=number, title=f"Strategy action {number}"), rag="red")  # fmt: skip
    for number in ["1.2", "1.10", "1.9"]:
        ActionUpdateFactory(action=ActionFactory(section=data["fraud"], number=number, title=f"Plan action {number}"), rag="amber")  # fmt: skip
    for number in [10, 9]:
        WrittenQuestionFactory(meeting=data["late_point"].meeting, number=number, question=f"Question {number}?", addressed_to=data["council"])  # fmt: skip

    rows = csv_rows(client, "?sort=kind")

    plan_rows = [(row["Plan"], row["Reference"]) for row in rows if row["Kind"] == "Plan action"]
    assert plan_rows == [
        ("Safe Accommodation Strategy delivery plan", "1"),
        ("Safe Accommodation Strategy delivery plan", "2"),
        ("Safe Accommodation Strategy delivery plan", "10"),
        ("Safer Norfolk delivery plan", "1.2"),
        ("Safer Norfolk delivery plan", "1.9"),
        ("Safer Norfolk delivery plan", "1.10"),
        ("Safer Norfolk delivery plan", "1.14"),
        ("Safer Norfolk delivery plan", "1.16"),
    ]
    questions = [row["Reference"] for row in rows if row["Kind"] == "Written question"]
    assert questions == ["1", "9", "10"]
    assert {row["Plan"] for row in rows if row["Kind"] != "Plan action"} == {""}
    html = page(client, "?sort=kind")
    strategy = html.index(">Action 1</a>: Strategy action 1")
    assert html.index('app-meta">Safe Accommodation Strategy delivery plan</span>', strategy) < html.index(">Action 2</a>", strategy)  # fmt: skip


def test_a_committee_brings_the_actions_of_the_plans_it_scrutinises(client, data):
    partnership = data["plan"].organisation
    data["panel"].partnership = partnership
    data["panel"].save()
    # The board scrutinises another plan through an agenda item of one of its meetings; an
    # exempt item, or one on an agenda not yet published, links nothing.
    strategy = PlanFactory(title="Safe Accommodation Strategy")
    ActionUpdateFactory(action=ActionFactory(section=SectionFactory(plan=strategy), number="4", title="Strategy action"), rag="red")  # fmt: skip
    unseen = PlanFactory(title="Plan behind closed doors")
    ActionUpdateFactory(action=ActionFactory(section=SectionFactory(plan=unseen), number="7", title="Closed-doors action"), rag="red")  # fmt: skip
    AgendaItemFactory(meeting=data["point"].meeting, plan=strategy, title="The strategy")
    AgendaItemFactory(meeting=data["point"].meeting, plan=unseen, is_exempt=True)
    AgendaItemFactory(meeting=MeetingFactory(committee=data["board"], draft=True), plan=unseen)

    assert shown(client, f"?committee={data['panel'].pk}") == [
        ("Action point", "07/01"),
        ("Plan action", "1.14"),
        ("Plan action", "1.16"),
        ("Written question", "1"),
    ]
    assert shown(client, f"?committee={data['board'].pk}") == [
        ("Action point", "10/01"),
        ("Plan action", "4"),
    ]
    assert shown(client, "?kind=plan_action&committee=" + str(CommitteeFactory().pk)) == []
    html = page(client, f"?committee={data['panel'].pk}")
    assert "<strong>4</strong> items outstanding" in html
    assert "Plan action (2)" in html
    assert "NCCSP Scrutiny Sub Panel: 2" in html
    assert "Safer Norfolk delivery plan: 2" in html


def test_the_demo_reads_as_a_councillor_reads_it(client, settings):
    from django.core.management import call_command

    from meetings.models import Committee

    settings.DEBUG = False
    call_command("load_demo", verbosity=0)
    panel = Committee.objects.get(slug="nccsp-scrutiny-sub-panel")

    rows = csv_rows(client, f"?committee={panel.pk}&kind=plan_action&sort=kind")
    html = page(client, f"?committee={panel.pk}")

    # The panel scrutinises the Safer Norfolk Plan: its actions are listed for it.
    assert rows
    assert {row["Plan"] for row in rows} == {"Safer Norfolk Plan 2021-24 delivery plan"}
    numbers = [row["Reference"] for row in rows]
    assert numbers.index("1.2") < numbers.index("1.9") < numbers.index("1.10") < numbers.index("2.1")  # fmt: skip
    # 1.10 is owned by the district councils and the constabulary: every one is named.
    owners = next(row for row in rows if row["Reference"] == "1.10")["Owner"].split(", ")
    assert len(owners) == 8
    assert "Norfolk Constabulary" in owners
    assert "Norwich City Council" in owners
    assert "District Councils and Norfolk Constabulary" in html
    counts = owner_counts(html)
    total = int(re.search(r"<strong>(\d+)</strong> items? outstanding", html).group(1))
    assert sum(counts.values()) == total


def test_the_feed_has_the_filtered_rows_newest_raised_first_and_nothing_unpublished(client, data):
    atom = "{http://www.w3.org/2005/Atom}"
    response = client.get(reverse("meetings:outstanding_feed") + "?kind=action_point&kind=question")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 -- the site's own feed
    titles = [entry.findtext(f"{atom}title") for entry in feed.iter(f"{atom}entry")]
    # Raised at the board 30 days ago, then the panel's point and question 60 days ago.
    assert titles[0] == "Action point 10/01: Invite the Vision Zero lead"
    assert set(titles[1:]) == {
        "Action point 07/01: Share the scams figures",
        "Written question 1: How many referrals?",
    }
    for entry in feed.iter(f"{atom}entry"):
        assert entry.findtext(f"{atom}updated")
        assert entry.find(f"{atom}link").get("href").startswith("http://testserver/committees/")
    assert SECRET not in response.content.decode()
    assert "Closed already" not in response.content.decode()
    # The page links the feed of its own filters.
    assert 'href="/outstanding/feed.atom?kind=action_point"' in page(client, "?kind=action_point")
    # A filter it cannot read is refused, as the CSV refuses it.
    refused = client.get(reverse("meetings:outstanding_feed") + "?committee=999999")
    assert refused.status_code == 400


def owner_options(html):
    """The names the "Owner (person)" list offers."""
    select = html[html.index('name="owner_person"') :]
    select = select[: select.index("</select>")]
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", select)


def test_choosing_an_organisation_offers_only_the_people_who_owe_it_a_point(client):
    police, council = OrganisationFactory(), OrganisationFactory()
    meeting = MeetingFactory(minutes_published=True)
    officer = PersonFactory(name="Pat Officer", honorific="")
    clerk = PersonFactory(name="Sam Clerk", honorific="")
    ActionPointFactory(meeting=meeting, owner_person=officer, owner_organisation=police)
    ActionPointFactory(meeting=meeting, owner_person=clerk, owner_organisation=council)

    everyone = client.get(reverse("meetings:outstanding")).content.decode()
    assert owner_options(everyone) == ["Pat Officer", "Sam Clerk"]

    for_police = client.get(reverse("meetings:outstanding"), {"owner_organisation": police.pk})
    assert owner_options(for_police.content.decode()) == ["Pat Officer"]

    # Anyone owing a point is still accepted from an address, and stays chosen in the list.
    both = client.get(
        reverse("meetings:outstanding"),
        {"owner_organisation": police.pk, "owner_person": clerk.pk},
    )
    assert both.status_code == 200
    html = both.content.decode()
    assert owner_options(html) == ["Pat Officer", "Sam Clerk"]
    assert f'<option value="{clerk.pk}" selected>' in html


@pytest.mark.parametrize("key", ["²", "٣", "1" * 40, "-1", " 1"])
def test_an_owner_organisation_that_is_no_key_narrows_nothing_and_is_reported(client, key):
    ActionPointFactory(
        meeting=MeetingFactory(minutes_published=True),
        owner_person=PersonFactory(name="Pat Officer", honorific=""),
    )
    response = client.get(
        reverse("meetings:outstanding"), {"owner_organisation": key, "owner_person": key}
    )
    # Left out and reported beside the filter, as any value the page does not know.
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert owner_options(html) == ["Pat Officer"]
