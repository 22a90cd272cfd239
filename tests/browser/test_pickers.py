"""The back office's pickers in Chromium, as an officer uses them."""

import datetime

from django.contrib.auth.models import Group
from playwright.sync_api import expect

from safer_norfolk.roles import COMMITTEE_OFFICER
from tests.browser.test_journeys import choose, sign_in
from tests.factories import (
    ActionPointFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    PersonFactory,
    UserFactory,
)


def test_an_officer_closes_an_action_point_at_a_meeting_picked_by_its_date(
    page, live_server, screenshot
):
    officer = UserFactory(username="amira-officer")
    officer.groups.add(Group.objects.get(name=COMMITTEE_OFFICER))
    panel = CommitteeFactory(name="Community Safety Scrutiny Panel")
    other = CommitteeFactory(name="Safer Norfolk Partnership")
    raised = MeetingFactory(
        committee=panel,
        starts_at=datetime.datetime(2022, 7, 19, 9, tzinfo=datetime.UTC),
        minutes_published=True,
    )
    closing_day = datetime.datetime(2022, 9, 20, 9, tzinfo=datetime.UTC)
    closing = MeetingFactory(committee=panel, starts_at=closing_day)
    MeetingFactory(committee=other, starts_at=closing_day)
    point = ActionPointFactory(meeting=raised, committee=panel, reference="07/01")
    MembershipFactory(committee=panel, person=PersonFactory(name="Jane Harris"))
    sign_in(page, live_server, "amira-officer", "officer-password")
    submissions = 0

    page.goto(f"{live_server.url}/admin/meetings/actionpoint/")
    page.locator(f"input[name=_selected_action][value='{point.pk}']").check()
    page.locator("select[name=action]").select_option("close_action_points")
    page.locator("button[name=index]").click()
    submissions += 1
    page.get_by_label("Response").fill("Closed: Agenda Item 10")
    page.locator("#id_closed_at_meeting + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("20 September 2022")
    # Waits for the answer to what was typed (the list first shows every meeting offered).
    options = page.locator(".select2-results__option:not(.loading-results)")
    expect(options).to_have_text(["Community Safety Scrutiny Panel – 20 September 2022"])
    screenshot(page, "close-action-meeting-picker")
    options.first.click()
    page.get_by_role("button", name="Close action points").click()
    submissions += 1

    assert "Action points closed: 1." in page.locator("ul.messagelist").inner_text()
    point.refresh_from_db()
    assert (point.status, point.closed_at_meeting) == ("closed", closing)
    assert submissions == 2

    # The committee's membership rows name their people.
    page.goto(f"{live_server.url}/admin/meetings/committee/{panel.pk}/change/")
    rows = page.locator("#memberships-group td.original").all_inner_texts()
    assert any("Cllr Jane Harris – Member" in row for row in rows), rows
    screenshot(page, "committee-memberships", max_height=1600)
    choose(page, "id_memberships-0-substitute_for", "Jane", "Cllr Jane Harris – Member")
