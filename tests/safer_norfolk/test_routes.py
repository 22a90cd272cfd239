import datetime

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from hypothesis import example, given, settings
from hypothesis import strategies as st

from delivery_plans.models import ACTION_ROUTE, PLAN_ROUTE
from meetings.models import COMMITTEE_ROUTE, DOCUMENT_ROUTE, MEETING_ROUTE
from outcomes.models import FRAMEWORK_ROUTE, MEASURE_ROUTE, OUTCOME_ROUTE
from safer_norfolk.routes import Route

SLUG_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789-_ABC"
slugs = st.text(alphabet=SLUG_CHARACTERS, min_size=1, max_size=30)
# Anything at all, as action and measure numbers are printed: slashes, spaces, per cent
# signs, braces, letters from other scripts, and the empty text reverse() refuses.
any_text = st.text(max_size=20)


def both(route, **kwargs):
    """What the route gives and what reverse() gives: each an address or the error raised."""

    def outcome(make):
        try:
            return make()
        except NoReverseMatch as error:
            return type(error)

    return (
        outcome(lambda: route(**kwargs)),
        outcome(lambda: reverse(route.name, kwargs=kwargs)),
    )


@settings(max_examples=500, deadline=None)
@given(slug=st.one_of(slugs, any_text), number=any_text)
@example(slug="safer-norfolk", number="1/2")
@example(slug="safer-norfolk", number="3 a%20{b}")
@example(slug="safer-norfolk", number="")
@example(slug="not a slug", number="1")
def test_action_route_gives_what_reverse_gives(slug, number):
    ours, django = both(ACTION_ROUTE, slug=slug, number=number)
    assert ours == django


@settings(max_examples=300, deadline=None)
@given(
    slug=st.one_of(slugs, any_text),
    date=st.one_of(st.dates().map(datetime.date.isoformat), st.dates(), any_text),
)
@example(slug="norfolk-county-community-safety-partnership", date="2024-02-30")
def test_meeting_route_gives_what_reverse_gives(slug, date):
    ours, django = both(MEETING_ROUTE, slug=slug, date=date)
    assert ours == django


@settings(max_examples=300, deadline=None)
@given(slug=st.one_of(slugs, any_text), number=any_text, measure=any_text)
@example(slug="safer-norfolk", number="1", measure="1.2")
@example(slug="safer-norfolk", number="1/2", measure="3")
def test_measure_and_outcome_routes_give_what_reverse_gives(slug, number, measure):
    ours, django = both(MEASURE_ROUTE, slug=slug, number=number, measure=measure)
    assert ours == django
    ours, django = both(OUTCOME_ROUTE, slug=slug, number=number)
    assert ours == django


@settings(max_examples=200, deadline=None)
@given(slug=st.one_of(slugs, any_text), pk=st.one_of(st.integers(min_value=-5), any_text))
def test_single_argument_routes_give_what_reverse_gives(slug, pk):
    for route in (COMMITTEE_ROUTE, PLAN_ROUTE, FRAMEWORK_ROUTE):
        ours, django = both(route, slug=slug)
        assert ours == django
    ours, django = both(DOCUMENT_ROUTE, pk=pk)
    assert ours == django


def test_route_puts_the_script_prefix_first_as_reverse_does():
    set_script_prefix("/council/")
    try:
        address = ACTION_ROUTE(slug="safer-norfolk", number="2.1")
        assert address == reverse(
            "delivery_plans:action", kwargs={"slug": "safer-norfolk", "number": "2.1"}
        )
    finally:
        set_script_prefix("/")
    assert address == "/council/plans/safer-norfolk/actions/2.1/"
    assert ACTION_ROUTE(slug="safer-norfolk", number="2.1") == "/plans/safer-norfolk/actions/2.1/"


def test_route_refuses_what_reverse_refuses():
    with pytest.raises(NoReverseMatch):
        MEETING_ROUTE(slug="norfolk", date="next tuesday")
    with pytest.raises(NoReverseMatch):
        Route("meetings:no-such-page", slug="slug")(slug="norfolk")
