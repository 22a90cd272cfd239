import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.queries import committee_page, since_last_meeting
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeasureFactory,
    MeetingFactory,
    ObservationFactory,
    OrganisationFactory,
    PlanFactory,
    SectionFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "SINCE-HIDDEN-77aa"
NOW = timezone.now()


def day(days):
    return (NOW + datetime.timedelta(days=days)).date()


@pytest.fixture
def setting():
    partnership = OrganisationFactory(name="Norfolk Countywide Community Safety Partnership")
    committee = CommitteeFactory(name="NCCSP Scrutiny Sub Panel", partnership=partnership)
    earlier = MeetingFactory(
        committee=committee, minutes_published=True, starts_at=NOW - datetime.timedelta(days=200)
    )
    last = MeetingFactory(
        committee=committee, minutes_published=True, starts_at=NOW - datetime.timedelta(days=60)
    )
    upcoming = MeetingFactory(committee=committee, starts_at=NOW + datetime.timedelta(days=30))
    plan = PlanFactory(organisation=partnership)
    measure = MeasureFactory(title="Reported burglaries")
    section = SectionFactory(plan=plan)
    section.outcomes.add(measure.outcome)
    action = ActionFactory(section=section, number="1.14")
    ActionUpdateFactory(action=action, reported_on=day(-20), text="New update", rag="amber")
    ActionUpdateFactory(action=action, reported_on=day(-100), text="Old update")
    ActionUpdateFactory(action=action, reported_on=day(-10), status="draft", text=SECRET)
    ObservationFactory(measure=measure, period_start=day(-40), period_end=day(-10), value=123)
    ObservationFactory(measure=measure, period_start=day(-120), period_end=day(-90), value=999)
    ActionPointFactory(
        committee=committee, meeting=last, reference="07/01", description="Raised last time"
    )
    ActionPointFactory(
        committee=committee,
        meeting=earlier,
        reference="01/01",
        description="Closed since",
        status="closed",
        closed_on=day(-30),
        response="Done",
    )
    ActionPointFactory(
        committee=committee,
        meeting=earlier,
        reference="01/02",
        description="Closed before",
        status="closed",
        closed_on=day(-150),
        response="Long ago",
    )
    WrittenQuestionFactory(
        meeting=last, number=1, status="answered", response="Yes", responded_on=day(-15)
    )
    WrittenQuestionFactory(
        meeting=earlier, number=1, status="answered", response="Yes", responded_on=day(-150)
    )
    hidden = MeetingFactory(
        committee=committee, draft=True, starts_at=NOW - datetime.timedelta(days=61)
    )
    ActionPointFactory(committee=committee, meeting=hidden, reference="99/01", description=SECRET)
    return {"committee": committee, "last": last, "upcoming": upcoming, "earlier": earlier}


def test_since_the_last_meeting_lists_what_changed_in_the_window(setting):
    since = since_last_meeting(setting["committee"])

    assert (since.start, since.end) == (setting["last"], setting["upcoming"])
    assert [p.reference for p in since.raised] == ["07/01"]
    assert [p.reference for p in since.closed] == ["01/01"]
    assert [q.meeting for q in since.answered] == [setting["last"]]
    assert [u.text for u in since.updates] == ["New update"]
    assert [o.value for o in since.observations] == [123]


def test_since_the_last_meeting_is_on_the_committee_page(client, setting):
    html = client.get(setting["committee"].get_absolute_url()).content.decode()

    section = html[html.index("Since the last meeting") : html.index(">Members<")]
    assert "Raised last time" in section
    assert "01/01" in section
    assert "01/02" not in section
    assert "Reported burglaries" in section
    assert "RAG" not in section or "Amber" in section
    assert SECRET not in html


def test_for_a_pack_the_window_ends_at_that_meeting(setting):
    since = since_last_meeting(setting["committee"], before=setting["last"])

    assert since.start == setting["earlier"]
    assert since.end == setting["last"]
    assert [p.reference for p in since.raised] == [
        "01/01",
        "01/02",
    ]  # raised at the earlier meeting


def test_a_committee_that_has_not_met_says_so(client):
    committee = CommitteeFactory()
    AgendaItemFactory(
        meeting=MeetingFactory(committee=committee, starts_at=NOW + datetime.timedelta(days=5))
    )

    html = client.get(committee.get_absolute_url()).content.decode()

    assert "The committee has not met yet." in html


@pytest.mark.parametrize(
    "arrangement",
    [
        # (days from now, status) of each public meeting
        [(-30, "held"), (-10, "cancelled"), (-5, "cancelled"), (4, "cancelled"), (9, "scheduled")],
        [(-3, "cancelled"), (-2, "cancelled"), (-1, "cancelled"), (-40, "held")],
        [(-3, "cancelled"), (-2, "cancelled")],
        [(-3, "cancelled"), (5, "scheduled")],
        [(2, "scheduled"), (3, "scheduled")],
        [(-9, "held"), (-8, "postponed"), (1, "cancelled")],
        [],
    ],
)
@pytest.mark.parametrize("page_number", [1, 2])
def test_the_committee_page_finds_the_same_last_and_next_meetings_as_a_search_of_its_own(
    client, monkeypatch, arrangement, page_number
):
    # Two past meetings a page, so that the first page can hold only cancelled ones while
    # older pages follow; the page reads the bounds off its lists where they settle them.
    monkeypatch.setattr("meetings.queries.PAST_MEETINGS_PER_PAGE", 2)
    committee = CommitteeFactory()
    by_day = {
        days: MeetingFactory(
            committee=committee, starts_at=NOW + datetime.timedelta(days=days), status=status
        )
        for days, status in arrangement
    }
    MeetingFactory(committee=committee, draft=True, starts_at=NOW - datetime.timedelta(days=1))
    held = [days for days, status in arrangement if status != "cancelled"]
    expected = (
        by_day.get(max((days for days in held if days < 0), default=None)),
        by_day.get(min((days for days in held if days > 0), default=None)),
    )

    page = committee_page(committee.slug, page_number)
    html = client.get(committee.get_absolute_url(), {"page": page_number}).content.decode()

    assert (page.since.start, page.since.end) == expected
    last, following = expected
    if last is None:
        assert "The committee has not met yet." in html
    else:
        assert (
            f'Changes since the meeting on <a class="govuk-link" href="{last.get_absolute_url()}">'
            in html
        )
        assert ("up to today" in html) == (following is None)
    alone = since_last_meeting(committee)
    assert (alone.start, alone.end) == expected


def test_a_list_cut_short_says_so_and_a_full_one_does_not(client, setting, monkeypatch):
    monkeypatch.setattr("meetings.queries.SINCE_LIMIT", 2)
    committee, last = setting["committee"], setting["last"]
    for n in range(2):  # with "Raised last time", three points raised at the last meeting
        ActionPointFactory(committee=committee, meeting=last, reference=f"07/1{n}")

    since = since_last_meeting(committee)

    assert [p.reference for p in since.raised] == ["07/01", "07/10"]
    assert since.more == {"raised"}
    html = client.get(committee.get_absolute_url()).content.decode()
    section = html[html.index("Since the last meeting") : html.index(">Members<")]
    raised = section[section.index("Action points raised") : section.index("Action points closed")]
    assert "Only the first 2 are listed." in raised
    assert section.count("Only the first") == 1

    from django.template.loader import render_to_string

    pdf_html = render_to_string("meetings/pdf/since.html", {"since": since, "meeting": last})
    assert pdf_html.count("Only the first 2 are listed.") == 1


def test_new_figures_are_listed_in_a_settled_order_whatever_the_ties(setting):
    measure = MeasureFactory(title="Repeat victims")
    section = SectionFactory(plan=PlanFactory(organisation=setting["committee"].partnership))
    section.outcomes.add(measure.outcome)
    from tests.factories import area

    for slug in ("norwich", "breckland", "broadland"):
        ObservationFactory(
            measure=measure, area=area(slug), period_start=day(-40), period_end=day(-10), value=1
        )

    names = [
        (o.measure.title, o.area.name)
        for o in since_last_meeting(setting["committee"]).observations
    ]

    repeat = [area for title, area in names if title == "Repeat victims"]
    assert repeat == ["Breckland", "Broadland", "Norwich"]


def test_updates_come_from_the_partnerships_plans_and_those_on_the_committees_agendas(setting):
    committee = setting["committee"]
    on_agenda, elsewhere, unlinked = (
        PlanFactory(title=title) for title in ("On our agenda", "On another agenda", "Unlinked")
    )
    AgendaItemFactory(meeting=MeetingFactory(committee=committee, draft=True), plan=on_agenda)
    AgendaItemFactory(meeting=MeetingFactory(), plan=elsewhere)
    for plan in (on_agenda, elsewhere, unlinked):
        action = ActionFactory(section=SectionFactory(plan=plan))
        ActionUpdateFactory(action=action, reported_on=day(-5), text=f"Update of {plan.title}")

    texts = {update.text for update in since_last_meeting(committee).updates}

    assert texts == {"New update", "Update of On our agenda"}


def test_a_committee_with_no_plans_lists_no_updates_or_figures(setting):
    committee = CommitteeFactory(partnership=OrganisationFactory())
    MeetingFactory(committee=committee, starts_at=NOW - datetime.timedelta(days=50))
    ActionUpdateFactory(reported_on=day(-5))

    since = since_last_meeting(committee)

    assert since.start is not None
    assert (since.updates, since.observations) == ([], [])


def add_a_row_to_each_list(setting):
    """One more record in each of the five lists, in the window since the last meeting."""
    committee, last = setting["committee"], setting["last"]
    measure = MeasureFactory(title="Reported thefts")
    section = SectionFactory(plan=PlanFactory(organisation=committee.partnership))
    section.outcomes.add(measure.outcome)
    ActionUpdateFactory(action=ActionFactory(section=section), reported_on=day(-18))
    ObservationFactory(measure=measure, period_start=day(-40), period_end=day(-12), value=7)
    ActionPointFactory(committee=committee, meeting=last, reference="07/02")
    ActionPointFactory(
        committee=committee,
        meeting=setting["earlier"],
        reference="01/03",
        status="closed",
        closed_on=day(-25),
        response="Done too",
    )
    WrittenQuestionFactory(
        meeting=last, number=2, status="answered", response="No", responded_on=day(-14)
    )


def test_the_lists_read_every_column_they_show_in_their_own_query(client, setting):
    """The lists read only the columns their lines show (here and in the agenda pack): a
    column left out would be read again for each row, on the page or in the pack."""
    url = setting["committee"].get_absolute_url()
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    add_a_row_to_each_list(setting)
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert len(after) == len(before)
    for shown in ("Reported thefts", "07/02", "01/03"):
        assert shown in html

    since = since_last_meeting(setting["committee"], before=setting["upcoming"])
    assert all(len(rows) == 2 for rows in (since.raised, since.closed, since.answered))
    with CaptureQueriesContext(connection) as rendering:
        render_to_string(
            "meetings/pdf/since.html",
            {"meeting": setting["upcoming"], "since": since, "numbering": "pack"},
        )
    assert len(rendering) == 0


def test_new_figures_are_those_of_measures_the_committees_plans_report_against(setting):
    """Figures of a measure whose outcome a plan action links, or a plan section, of the
    partnership's plans or those on the committee's agendas; each figure once, however many
    links lead to it; none of other plans' outcomes or of an unpublished framework."""
    committee = setting["committee"]
    ours = PlanFactory(organisation=committee.partnership)
    on_agenda = PlanFactory(title="On our agenda")
    AgendaItemFactory(meeting=setting["last"], plan=on_agenda)
    other = PlanFactory(title="Another partnership's")

    def measure_with_figure(title, **outcome):
        measure = MeasureFactory(title=title, **outcome)
        ObservationFactory(measure=measure, period_start=day(-40), period_end=day(-10), value=7)
        return measure

    by_action = measure_with_figure("By our action")
    by_agenda_action = measure_with_figure("By an action of a plan on our agenda")
    twice = measure_with_figure("By a section and an action")
    elsewhere = measure_with_figure("By another plan's action")
    measure_with_figure("By nothing")
    unpublished = measure_with_figure("In a draft framework", outcome__framework__status="draft")
    ActionFactory(section=SectionFactory(plan=ours)).outcomes.add(
        by_action.outcome, twice.outcome, unpublished.outcome
    )
    SectionFactory(plan=ours).outcomes.add(twice.outcome)
    ActionFactory(section=SectionFactory(plan=on_agenda)).outcomes.add(by_agenda_action.outcome)
    ActionFactory(section=SectionFactory(plan=other)).outcomes.add(elsewhere.outcome)
    SectionFactory(plan=other).outcomes.add(elsewhere.outcome)

    titles = [o.measure.title for o in since_last_meeting(committee).observations]

    assert sorted(titles) == sorted(
        [
            "Reported burglaries",
            "By our action",
            "By an action of a plan on our agenda",
            "By a section and an action",
        ]
    )
