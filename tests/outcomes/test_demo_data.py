import datetime
from decimal import Decimal

import pytest

from outcomes.models import Area, Measure, Observation, Outcome, OutcomeFramework
from outcomes.queries import figures_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_module):
    """The demo data, loaded once for this module (tests/conftest.py)."""


def test_safer_norfolk_plan_has_twelve_long_term_outcomes_and_a_theory_of_change(demo):
    plan = OutcomeFramework.objects.get(slug="safer-norfolk-plan-2021-24")

    long_term = Outcome.objects.filter(framework=plan, level="long_term")
    assert [o.number for o in long_term] == [str(n) for n in range(1, 13)]
    assert Outcome.objects.filter(
        framework=plan, level="intermediate", contributes_to__isnull=False
    ).exists()
    assert Outcome.objects.filter(
        framework=plan, level="short_term", contributes_to__isnull=False
    ).exists()
    assert "How the measures map to the outcomes" in plan.summary
    hate = Measure.objects.get(outcome__framework=plan, title__icontains="hate crime reported")
    assert hate.direction == "neutral"
    assert hate.direction_note


def test_domestic_abuse_crimes_rose_from_11498_to_13764(demo):
    values = list(
        Observation.objects.filter(
            measure__title__icontains="domestic abuse crimes",
            area__slug="norfolk",
            measure__outcome__framework__slug="safe-accommodation-needs",
        )
        .order_by("period_start")
        .values_list("value", flat=True)
    )
    assert values[0] == Decimal("11498")
    assert values[-1] == Decimal("13764")


def test_idva_referrals_by_district_compare_q1_with_a_year_earlier(demo):
    measure = Measure.objects.get(title__icontains="area-based IDVAs")
    peterborough = Observation.objects.filter(measure=measure, area__slug="peterborough").order_by(
        "period_start"
    )

    assert [(o.period_label, o.value) for o in peterborough] == [
        ("Q1 2021/22", Decimal(156)),
        ("Q1 2022/23", Decimal(93)),
    ]

    figures = figures_for([measure], Area.objects.get(slug="fenland"))[measure.pk]
    assert figures.year_before.period_start == datetime.date(2021, 4, 1)
    assert figures.headline.travel == "not_judged"
