"""Published records never point the public at unpublished ones (docs/security.md): the API
gives no key of an unpublished plan, plan action, outcome, framework or meeting, the people
list names only people who appear in published material, the work programme does not link a
meeting whose agenda is unpublished, and feed summaries carry names as text."""

import datetime
import html
from xml.etree import ElementTree

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Exists, OuterRef, Q
from django.test import Client
from django.utils import timezone

from safer_norfolk.models import PUBLIC_ROLES, Person
from safer_norfolk.roles import COMMITTEE_OFFICER
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    AgendaItemFactory,
    CommitteeFactory,
    DocumentFactory,
    MeetingFactory,
    MembershipFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    PersonFactory,
    PlanFactory,
    SectionFactory,
    UserFactory,
    WorkProgrammeItemFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db


def api(path):
    response = Client().get(f"/api/v1/{path}")
    assert response.status_code == 200, response.content
    return response.json()


def one(path, pk):
    return api(f"{path}/{pk}/")


@pytest.fixture
def published_and_not():
    """A published plan action and outcome beside a draft plan's action, a draft framework's
    outcome, and a meeting whose agenda is a draft."""
    framework = OutcomeFrameworkFactory()
    outcome = OutcomeFactory(framework=framework)
    draft_framework = OutcomeFrameworkFactory(status="draft")
    draft_outcome = OutcomeFactory(framework=draft_framework)
    action = ActionFactory(section=SectionFactory(plan=PlanFactory(framework=framework)))
    draft_plan = PlanFactory(status="draft")
    draft_action = ActionFactory(section=SectionFactory(plan=draft_plan))
    draft_meeting = MeetingFactory(
        draft=True, starts_at=timezone.now() + datetime.timedelta(days=30)
    )
    return {
        "outcome": outcome,
        "draft_outcome": draft_outcome,
        "draft_framework": draft_framework,
        "action": action,
        "draft_plan": draft_plan,
        "draft_action": draft_action,
        "draft_meeting": draft_meeting,
    }


def test_meetings_api_gives_no_key_of_an_unpublished_record(published_and_not):
    p = published_and_not
    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(meeting=meeting, plan=p["draft_plan"])
    item.plan_actions.add(p["action"], p["draft_action"])
    item.outcomes.add(p["outcome"], p["draft_outcome"])
    point = ActionPointFactory(
        meeting=meeting,
        committee=meeting.committee,
        due_meeting=p["draft_meeting"],
        status="closed",
        closed_on=datetime.date(2022, 3, 1),
        closed_at_meeting=p["draft_meeting"],
    )
    point.plan_actions.add(p["action"], p["draft_action"])
    question = WrittenQuestionFactory(meeting=meeting)
    question.plan_actions.add(p["action"], p["draft_action"])
    work = WorkProgrammeItemFactory(committee=meeting.committee, meeting=p["draft_meeting"])

    listed_item = next(i for i in one("meetings", meeting.pk)["agenda_items"] if i["id"] == item.pk)
    for data in (listed_item, one("agenda-items", item.pk)):
        assert data["plan"] is None
        assert data["plan_actions"] == [p["action"].pk]
        assert data["outcomes"] == [p["outcome"].pk]
    point_data = one("action-points", point.pk)
    assert (point_data["due_meeting"], point_data["closed_at_meeting"]) == (None, None)
    assert point_data["plan_actions"] == [p["action"].pk]
    assert one("written-questions", question.pk)["plan_actions"] == [p["action"].pk]
    assert one("work-programme", work.pk)["meeting"] is None


def test_the_published_twins_keys_are_given(published_and_not):
    p = published_and_not
    later = MeetingFactory(starts_at=timezone.now() + datetime.timedelta(days=60))
    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(meeting=meeting, plan=p["action"].plan)
    point = ActionPointFactory(meeting=meeting, committee=meeting.committee, due_meeting=later)
    work = WorkProgrammeItemFactory(committee=meeting.committee, meeting=later)

    assert one("agenda-items", item.pk)["plan"] == p["action"].plan_id
    assert one("action-points", point.pk)["due_meeting"] == later.pk
    assert one("work-programme", work.pk)["meeting"] == later.pk


def test_plans_and_outcomes_api_give_no_key_of_an_unpublished_record(published_and_not):
    p = published_and_not
    plan = PlanFactory(framework=p["draft_framework"])
    section = SectionFactory(plan=plan)
    section.outcomes.add(p["outcome"], p["draft_outcome"])
    action = ActionFactory(section=section)
    action.outcomes.add(p["outcome"], p["draft_outcome"])
    action.related_actions.add(p["action"], p["draft_action"])
    p["outcome"].contributes_to.add(p["draft_outcome"])

    assert one("plans", plan.pk)["framework"] is None
    assert one("plans", p["action"].plan_id)["framework"] == p["outcome"].framework_id
    assert one("sections", section.pk)["outcomes"] == [p["outcome"].pk]
    action_data = one("plan-actions", action.pk)
    assert action_data["outcomes"] == [p["outcome"].pk]
    assert action_data["related_actions"] == [p["action"].pk]
    assert one("outcomes", p["outcome"].pk)["contributes_to"] == []


def test_people_api_lists_only_people_in_published_material():
    member = PersonFactory(name="Cllr Alison Thomas")
    MembershipFactory(person=member)
    officer_account = PersonFactory(name="Officer With An Account", user=UserFactory())
    officer_account.user.groups.add(Group.objects.get(name=COMMITTEE_OFFICER))
    draft_owner = PersonFactory(name="Owner In Draft Minutes")
    ActionPointFactory(owner_person=draft_owner, meeting=MeetingFactory(minutes_draft=True))
    published_owner = PersonFactory(name="Owner In Published Minutes")
    ActionPointFactory(owner_person=published_owner)
    draft_lead = PersonFactory(name="Lead Of A Draft Plan Action")
    ActionFactory(lead=draft_lead, section=SectionFactory(plan=PlanFactory(status="draft")))

    names = {person["name"] for person in api("people/")["results"]}

    assert {"Cllr Alison Thomas", "Owner In Published Minutes"} <= names
    assert not names & {
        "Officer With An Account",
        "Owner In Draft Minutes",
        "Lead Of A Draft Plan Action",
    }
    assert Client().get(f"/api/v1/people/{officer_account.pk}/").status_code == 404


def people_in_any_public_role():
    """Person.public() as one EXISTS per role joined by OR: the plain statement of the rule
    that its single EXISTS over the roles' union must match exactly."""
    appears = Q(pk__in=[])
    for name in PUBLIC_ROLES:
        relation = Person._meta.get_field(name)
        rows = relation.related_model._default_manager
        rows = rows.public() if hasattr(rows, "public") else rows.all()
        appears |= Exists(rows.filter(**{relation.field.name: OuterRef("pk")}))
    return Person.objects.filter(appears)


def test_public_people_are_exactly_those_in_a_public_role_on_the_demo_data():
    call_command("load_demo", verbosity=0)
    draft_lead = PersonFactory(name="Lead Of A Draft Plan Action")
    ActionFactory(lead=draft_lead, section=SectionFactory(plan=PlanFactory(status="draft")))
    draft_owner = PersonFactory(name="Owner In Draft Minutes")
    ActionPointFactory(owner_person=draft_owner, meeting=MeetingFactory(minutes_draft=True))

    listed = list(Person.objects.public().order_by("name", "id").values_list("pk", flat=True))
    expected = list(people_in_any_public_role().order_by("name", "id").values_list("pk", flat=True))

    assert listed == expected
    hidden = set(Person.objects.values_list("pk", flat=True)) - set(listed)
    assert {draft_lead.pk, draft_owner.pk} <= hidden
    assert len(hidden) > 2  # the demo's own people in no published role
    assert [person["id"] for person in api("people/?page_size=200")["results"]] == listed


def test_the_work_programme_does_not_link_a_meeting_whose_agenda_is_a_draft():
    committee = CommitteeFactory()
    draft = MeetingFactory(
        committee=committee, draft=True, starts_at=timezone.now() + datetime.timedelta(days=30)
    )
    published = MeetingFactory(
        committee=committee, starts_at=timezone.now() + datetime.timedelta(days=60)
    )
    WorkProgrammeItemFactory(committee=committee, meeting=draft, title="Hate crime report")
    WorkProgrammeItemFactory(committee=committee, meeting=published, title="Scams report")

    page = Client().get(committee.get_absolute_url()).content.decode()

    assert "Hate crime report" in page
    assert "Scams report" in page
    assert draft.get_absolute_url() not in page
    assert published.get_absolute_url() in page


def test_atom_summaries_carry_a_committee_s_name_as_text():
    committee = CommitteeFactory(name="Panel <b>bold</b> & <script>alert(1)</script>")
    meeting = MeetingFactory(committee=committee)
    DocumentFactory(meeting=meeting, title="Budget report")

    response = Client().get("/feeds/latest.atom")
    feed = ElementTree.fromstring(response.content)  # noqa: S314 -- the site's own feed
    atom = "{http://www.w3.org/2005/Atom}"
    entries = {
        entry.findtext(f"{atom}title"): entry.find(f"{atom}summary")
        for entry in feed.iter(f"{atom}entry")
    }
    summary = entries["New paper: Budget report"]

    assert summary.get("type") == "html"
    # What a feed reader renders is the HTML in the summary: the name must be its text.
    assert "<b>" not in summary.text
    assert "<script>" not in summary.text
    assert html.unescape(summary.text).startswith(committee.name)
