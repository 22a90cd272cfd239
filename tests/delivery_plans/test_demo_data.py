import pytest

from delivery_plans.models import Action, ActionUpdate, Plan
from meetings.models import AgendaItem, WrittenQuestion
from safer_norfolk.fields import natural_sort_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_module):
    """The demo data, loaded once for this module (tests/conftest.py)."""


def test_safer_norfolk_delivery_plan_has_every_action_of_the_draft(demo):
    plan = Plan.objects.get(slug="safer-norfolk-plan-2021-24")
    numbers = list(Action.objects.filter(plan=plan).values_list("number", flat=True))

    expected = (
        [f"1.{n}" for n in range(1, 26)]
        + [f"2.{n}" for n in range(1, 16)]
        + [f"3.{n}" for n in range(1, 15)]
    )
    assert numbers == sorted(expected, key=natural_sort_key)
    assert plan.sections.filter(parent__isnull=True).count() == 3
    assert Action.objects.filter(plan=plan, outcomes__isnull=False).distinct().count() == 54
    assert Action.objects.get(plan=plan, number="1.4").due_text == "September 2021"


def test_safe_accommodation_plan_has_21_actions_with_year_2_updates(demo):
    plan = Plan.objects.get(slug="safe-accommodation-strategy")

    assert Action.objects.filter(plan=plan).count() == 21
    assert (
        ActionUpdate.objects.filter(action__plan=plan, period_label="Update Year 2").count() == 21
    )
    assert ActionUpdate.objects.filter(
        action__plan=plan, period_label="Year 3 proposed actions"
    ).exists()
    # Action 6's protocol is "Completed"; the paper states no success measure for it, so its
    # distance is not assessed.
    completed = ActionUpdate.objects.filter(action__plan=plan, rag="complete")
    assert [(u.action.number, u.action.stage, u.distance) for u in completed] == [
        ("6", "complete", "not_assessed")
    ]


def test_february_2022_items_link_to_the_plan_and_questions_keep_their_numbers(demo):
    # The questions name actions of the final plan, which is not held: they are tied to no
    # action of the draft plan that is (its numbers differ), and keep the numbers they give.
    questions = WrittenQuestion.objects.filter(meeting__starts_at__date="2022-02-24")

    assert questions.count() == 6
    assert not questions.filter(plan_actions__isnull=False).exists()
    assert "action 1.14" in questions.get(number=1).question
    assert AgendaItem.objects.filter(plan__slug="safer-norfolk-plan-2021-24").count() >= 3
