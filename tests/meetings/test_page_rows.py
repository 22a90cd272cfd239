"""The rows of the meetings pages' tables and lists, as visitors read them: every value
escaped, dates in local time, every owner named, a dash for what has no date."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    ActionUpdateFactory,
    CommitteeFactory,
    MeasureFactory,
    MeetingFactory,
    ObservationFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    SectionFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert('x')</script> & \"quoted\""
NOW = timezone.now()
TODAY = timezone.localdate()


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    # Line breaks and their indents (GOV.UK's tags write their words on a line of their own) out.
    return re.sub(r"\s*\n\s*", "", html)


def row_of(html, text):
    """The table row holding `text`."""
    at = html.index(text)
    return html[html.rindex("<tr", 0, at) : html.index("</tr>", at)]


@pytest.fixture
def panel():
    partnership = OrganisationFactory(name="Norfolk Countywide Community Safety Partnership")
    return CommitteeFactory(name=f"Panel {HOSTILE}", short_name="", partnership=partnership)


def test_outstanding_rows_name_each_kind_its_owners_and_dates(client, panel):
    police = OrganisationFactory(name="Norfolk & <Constabulary>")
    officer = PersonFactory(honorific="", name="Dr <Who>", organisation=police)
    # Half past eleven at night in London on the 30th of June is the 30th, not UTC's 1st.
    held = MeetingFactory(
        committee=panel,
        minutes_published=True,
        starts_at=datetime.datetime(2024, 6, 30, 22, 30, tzinfo=datetime.UTC),
    )
    ActionPointFactory(committee=panel, meeting=held, reference="A<1>", description=HOSTILE, owner_organisation=police, owner_person=officer, due_date=datetime.date(2024, 9, 1))  # fmt: skip
    ActionPointFactory(committee=panel, meeting=held, reference="07/02", description=" ".join(f"word{n}" for n in range(40)))  # fmt: skip
    WrittenQuestionFactory(meeting=held, number=3, question="How many referrals?")
    plan = PlanFactory(title="Plan <b>&</b> co", reporting_interval_days=90)
    action = ActionFactory(section=SectionFactory(plan=plan), number="1.10", title="Refuge spaces", owners=[police], owner_note="District councils & police")  # fmt: skip
    ActionUpdateFactory(action=action, rag="amber", distance="far_off", reported_on=TODAY)

    html = get(client, reverse("meetings:outstanding"))

    point = row_of(html, "A&lt;1&gt;")
    assert '<strong class="govuk-tag govuk-tag--grey">Action point</strong>' in point
    assert '#action-A&lt;1&gt;">A&lt;1&gt;</a>: &lt;script&gt;' in point
    assert "Panel &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;quoted&#34;, raised 30 Jun 2024</span>" in point  # fmt: skip
    assert f'<td class="govuk-table__cell">Norfolk &amp; &lt;Constabulary&gt;<br><a class="govuk-link" href="{officer.get_absolute_url()}">Dr &lt;Who&gt;</a>' in point  # fmt: skip
    assert '<td class="govuk-table__cell">1 Sep 2024</td>' in point
    assert "Overdue</strong>" in point
    assert "Open</strong>" in point

    undated = row_of(html, ">07/02</a>")
    assert "word24 …" in undated
    assert "word25" not in undated
    assert '<td class="govuk-table__cell">No owner named</td>' in undated
    assert '<td class="govuk-table__cell">–</td>' in undated

    question = row_of(html, ">Question 3</a>")
    assert "Written question</strong>" in question
    assert "Awaiting response</strong>" in question

    plan_action = row_of(html, ">Action 1.10</a>")
    assert (
        '<span class="govuk-body-s app-meta">Plan &lt;b&gt;&amp;&lt;/b&gt; co</span>' in plan_action
    )
    assert "As written: District councils &amp; police</span>" in plan_action
    assert "RAG: Amber</strong>" in plan_action
    assert "Far off</strong>" in plan_action


def test_action_point_rows_say_where_they_were_raised_who_owns_them_and_how_they_closed(
    client, panel
):
    council = OrganisationFactory(name="Norfolk County Council", short_name="NCC & co")
    officer = PersonFactory(honorific="Cllr", name="Jo O'Neill")
    held = MeetingFactory(
        committee=panel,
        minutes_published=True,
        starts_at=datetime.datetime(2025, 3, 30, 22, 30, tzinfo=datetime.UTC),
    )
    ActionPointFactory(committee=panel, meeting=held, reference="07/01", description="Write to the PCC\n\nand <b>report</b> back.", owner_person=officer, owner_organisation=council, due_date=datetime.date(2025, 6, 1), corrected_at=NOW)  # fmt: skip
    ActionPointFactory(committee=panel, meeting=held, reference="07/02", description="Closed one", status="closed", closed_on=TODAY, response="See item 10 & the <appendix>")  # fmt: skip

    committee_page = get(client, panel.get_absolute_url())
    meeting_page = get(client, held.get_absolute_url())

    open_row = row_of(committee_page, 'id="action-07/01"')
    assert "Write to the PCC<br><br>and &lt;b&gt;report&lt;/b&gt; back." in open_row
    assert "Corrected on " in open_row
    assert (
        f'Raised at the meeting on <a class="govuk-link" href="{held.get_absolute_url()}">'
        "30 March 2025</a>; due 1 June 2025</span>"
    ) in open_row
    assert '<td class="govuk-table__cell">Cllr Jo O&#39;Neill, NCC &amp; co</td>' in open_row
    assert 'id="action-07/02"' not in committee_page

    closed_row = row_of(meeting_page, 'id="action-07/02"')
    assert "Raised at the meeting" not in closed_row
    assert "Closed</strong>" in closed_row
    assert (
        '<br><span class="govuk-body-s">See item 10 &amp; the &lt;appendix&gt;</span>' in closed_row
    )


def test_meeting_rows_give_the_local_day_the_time_when_known_and_the_committee_on_home(
    client, panel
):
    known = MeetingFactory(committee=panel, starts_at=NOW + datetime.timedelta(days=3))
    day_only = MeetingFactory(
        committee=panel, starts_at=NOW + datetime.timedelta(days=4), start_time_known=False
    )

    home = get(client, reverse("home"))
    committee_page = get(client, panel.get_absolute_url())

    local = timezone.localtime(known.starts_at)
    when = f"{local:%A} {local.day} {local:%B %Y}, {local.hour % 12 or 12}.{local:%M} {'p.m.' if local.hour > 11 else 'a.m.'}"  # fmt: skip
    for html in (home, committee_page):
        assert f'<a class="govuk-link" href="{known.get_absolute_url()}">{when}</a>' in html
        day = timezone.localtime(day_only.starts_at)
        assert f'href="{day_only.get_absolute_url()}">{day:%A} {day.day} {day:%B %Y}</a>' in html
        assert "Agenda published</strong>" in row_of(html, known.get_absolute_url())
    assert "<td class=\"govuk-table__cell\">Panel &lt;script&gt;" in row_of(home, known.get_absolute_url())  # fmt: skip
    assert "Panel &lt;script&gt;" not in row_of(committee_page, known.get_absolute_url())


def test_each_meeting_row_and_page_says_where_its_record_stands(client, panel):
    def past(days, **kwargs):
        return MeetingFactory(
            committee=panel, starts_at=NOW - datetime.timedelta(days=days), **kwargs
        )

    expected = {
        # Held, its minutes not published here: not "Agenda published".
        past(10, status="held"): "Held",
        past(11, status="held", minutes_draft=True): "Held",
        past(12, minutes_published=True): "Draft minutes",
        past(13, minutes_published=True, minutes_status="confirmed"): "Minutes confirmed",
        past(14): "Agenda published",
        past(15, status="cancelled"): "Cancelled",
        past(16, status="postponed"): "Postponed",
    }
    committee_page = get(client, panel.get_absolute_url())
    for meeting, tag in expected.items():
        # The past meetings' table: one row for each meeting.
        (row,) = [
            row
            for row in committee_page.split("<tr")[1:]
            if f'href="{meeting.get_absolute_url()}"' in row
        ]
        tags = re.findall(r'<strong class="govuk-tag[^"]*">([^<]+)</strong>', row)
        assert tags == [tag], (meeting.status, meeting.minutes_status, tags)
        page = get(client, meeting.get_absolute_url())
        assert f">{tag}</strong>" in page
        # Held with none here: they may be published elsewhere; being written: they will be.
        if meeting.status == "held" and meeting.minutes_status == "none":
            assert "The minutes of this meeting have not been published here." in page
        if meeting.minutes_status == "draft" or meeting.status == "scheduled":
            assert "The minutes of this meeting have not been published yet." in page


def test_since_the_last_meeting_writes_a_line_for_each_record_and_none_when_empty(client, panel):
    last = MeetingFactory(
        committee=panel,
        minutes_published=True,
        starts_at=datetime.datetime(2024, 6, 30, 22, 30, tzinfo=datetime.UTC),
    )
    MeetingFactory(committee=panel, starts_at=NOW + datetime.timedelta(days=30))
    ActionPointFactory(committee=panel, meeting=last, reference="07/01", description=" ".join(f"word{n}" for n in range(30)))  # fmt: skip
    ActionPointFactory(committee=panel, meeting=last, reference="07/02", description=HOSTILE)
    WrittenQuestionFactory(meeting=last, number=3, status="answered", response="Yes", responded_on=TODAY)  # fmt: skip
    plan = PlanFactory(organisation=panel.partnership, title="Safer <Norfolk> plan")
    measure = MeasureFactory(title="Repeat victims", unit="percent")
    section = SectionFactory(plan=plan)
    section.outcomes.add(measure.outcome)
    action = ActionFactory(section=section, number="1.14")
    ActionUpdateFactory(action=action, reported_on=TODAY, rag="amber")
    ObservationFactory(measure=measure, period_start=TODAY - datetime.timedelta(days=40), period_end=TODAY - datetime.timedelta(days=10), value=12.5)  # fmt: skip

    html = get(client, panel.get_absolute_url())
    section_html = html[html.index("Since the last meeting") : html.index(">Members<")]

    def value(key):
        start = section_html.index("</dt>", section_html.index(key))
        return section_html[start : section_html.index("</dd>", start)]

    raised = value("Action points raised")
    assert ">07/01</a> word0" in raised
    assert "word14 …" in raised
    assert "word15" not in raised
    assert "<br>" in raised
    assert "&lt;script&gt;" in raised
    assert "None" in value("Action points closed")
    answered = value("Questions answered")
    assert f'href="{last.get_absolute_url()}#question-3">Question 3 of 30 Jun 2024</a>, answered {TODAY.day} {TODAY:%b %Y}' in answered  # fmt: skip
    updates = value("Plan updates published")
    assert f">Action 1.14</a> (Safer &lt;Norfolk&gt; plan), {TODAY.day} {TODAY:%b %Y}: Amber" in updates  # fmt: skip
    assert ">Repeat victims</a>, Norfolk, " in value("New outcome figures")
    assert ": 12.5%" in value("New outcome figures")
    assert "Only the first" not in section_html
