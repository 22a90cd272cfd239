"""A subject's history across meetings: a plan action's page, and a plan's and an outcome's
"meetings that considered it" page (linked from theirs), list every meeting that considered
it, oldest first, with what the minutes record of it; nothing of an exempt item, an
unpublished agenda or draft minutes."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    MeetingFactory,
    MinuteFactory,
    OutcomeFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

HIDDEN = "quokkasecret"


def at(year, month, day):
    return datetime.datetime(year, month, day, 10, tzinfo=datetime.UTC)


@pytest.fixture
def subject():
    plan = PlanFactory(title="Safe Accommodation Strategy")
    action = ActionFactory(section=SectionFactory(plan=plan), number="1.4", title="Refuge spaces")
    other = ActionFactory(section=action.section, number="1.5", title="Sanctuary scheme")
    spring = MeetingFactory(starts_at=at(2022, 3, 10), minutes_published=True)
    autumn = MeetingFactory(starts_at=at(2022, 10, 6), minutes_draft=True)
    first = AgendaItemFactory(meeting=spring, number="6", title="Refuge capacity report")
    first.plan_actions.add(action)
    minute = MinuteFactory(meeting=spring, agenda_item=first, number="6", heading="Refuge capacity")
    ResolutionFactory(minute=minute, verb="agreed", text="to fund four more refuge spaces.")
    later = AgendaItemFactory(meeting=autumn, number="3", title="Strategy refresh", plan=plan)
    later.plan_actions.add(action, other)
    MinuteFactory(meeting=autumn, agenda_item=later, number="3", heading=f"Draft {HIDDEN}")
    # What could leak: an exempt item of published minutes, an item of an unpublished agenda.
    exempt = AgendaItemFactory(meeting=spring, number="9", title=f"Exempt {HIDDEN}", is_exempt=True)
    exempt.plan_actions.add(action)
    unpublished = MeetingFactory(starts_at=at(2022, 6, 1), draft=True)
    AgendaItemFactory(meeting=unpublished, title=f"Unpublished {HIDDEN}", plan=plan)
    return {"plan": plan, "action": action, "other": other, "spring": spring, "autumn": autumn}


def text_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_action_page_lists_every_meeting_that_considered_it_oldest_first(client, subject):
    html = text_of(client, subject["action"].get_absolute_url())

    assert "Meetings that considered it" in html
    first = html.index("6. Refuge capacity report")
    later = html.index("3. Strategy refresh")
    assert first < later
    assert "Minute 6: Refuge capacity" in html
    assert "<strong>AGREED</strong> to fund four more refuge spaces." in html
    assert "No minutes of this item are published here." in html  # the autumn minutes are draft
    assert f'href="{subject["spring"].get_absolute_url()}#item-6"' in html
    assert HIDDEN not in html


def meetings_url(plan):
    return reverse("delivery_plans:plan_meetings", args=(plan.slug,))


def test_a_plan_page_links_to_the_meetings_that_considered_it(client, subject):
    html = text_of(client, subject["plan"].get_absolute_url())

    assert "Meetings that considered it" in html
    assert f'href="{meetings_url(subject["plan"])}"' in html
    assert HIDDEN not in html


def test_a_plans_meetings_list_items_about_the_plan_or_any_of_its_actions_once(client, subject):
    html = text_of(client, meetings_url(subject["plan"]))

    assert html.count("3. Strategy refresh") == 1  # linked to the plan and two of its actions
    assert html.index("6. Refuge capacity report") < html.index("3. Strategy refresh")
    assert "<strong>AGREED</strong> to fund four more refuge spaces." in html
    assert HIDDEN not in html


def test_an_outcome_page_lists_the_meetings_that_considered_it(client, subject):
    outcome = OutcomeFactory(title="Fewer repeat victims of domestic abuse")
    spring_item = subject["spring"].agenda_items.get(number="6")
    spring_item.outcomes.add(outcome)
    exempt = subject["spring"].agenda_items.get(number="9")
    exempt.outcomes.add(outcome)

    page = text_of(client, outcome.get_absolute_url())
    url = reverse("outcomes:outcome_meetings", args=(outcome.framework.slug, outcome.number))
    assert f'href="{url}"' in page
    assert "Refuge capacity report" not in page  # listed on its own page

    html = text_of(client, url)

    assert "6. Refuge capacity report" in html
    assert "<strong>AGREED</strong> to fund four more refuge spaces." in html
    assert HIDDEN not in html


def test_an_action_no_meeting_considered_says_so(client, subject):
    lonely = ActionFactory(section=subject["action"].section, number="2.1", title="Later work")

    html = text_of(client, lonely.get_absolute_url())

    assert "No published agenda has an item about this action yet." in html


def test_the_history_costs_the_same_queries_however_many_meetings(client, subject, settings):
    settings.PAGE_CACHE_SECONDS = 0
    urls = [subject["action"].get_absolute_url(), meetings_url(subject["plan"])]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    before = counts()
    for n in range(4):
        meeting = MeetingFactory(starts_at=at(2023, 1 + n, 5), minutes_published=True)
        item = AgendaItemFactory(meeting=meeting, number="4", title=f"Update {n}")
        item.plan_actions.add(subject["action"])
        minute = MinuteFactory(meeting=meeting, agenda_item=item, number="4", heading="Update")
        ResolutionFactory(minute=minute, verb="noted", text=f"update {n}.")

    assert counts() == before


def test_a_long_history_is_paged_oldest_first(client, subject):
    """A plan considered at more meetings than a page holds: HISTORY_PER_PAGE items a page,
    the first page the oldest, each page saying which items it holds."""
    from safer_norfolk.queries import HISTORY_PER_PAGE

    for n in range(HISTORY_PER_PAGE):
        meeting = MeetingFactory(
            starts_at=at(2023, 1, 1) + datetime.timedelta(days=7 * n), minutes_published=True
        )
        item = AgendaItemFactory(meeting=meeting, number="4", title=f"Review number {n:02d}")
        item.plan_actions.add(subject["action"])
    url = meetings_url(subject["plan"])
    total = HISTORY_PER_PAGE + 2  # the two public items of the fixture, then those added

    first = text_of(client, url)
    assert f"Items 1 to {HISTORY_PER_PAGE} of {total}, oldest first." in first
    assert "Refuge capacity report" in first
    assert "Review number 00" in first
    assert f"Review number {HISTORY_PER_PAGE - 3:02d}" in first
    assert f"Review number {HISTORY_PER_PAGE - 2:02d}" not in first
    assert 'href="?page=2#meetings"' in first

    second = text_of(client, url + "?page=2")
    assert f"Items {HISTORY_PER_PAGE + 1} to {total} of {total}, oldest first." in second
    assert f"Review number {HISTORY_PER_PAGE - 1:02d}" in second
    assert "Refuge capacity report" not in second
    assert HIDDEN not in second
    # A page number that cannot be read shows the first page, not an error.
    assert "Refuge capacity report" in text_of(client, url + "?page=many")
