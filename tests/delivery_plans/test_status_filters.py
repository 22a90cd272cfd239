"""The filters that write an action's flags and owners in plan tables and action pages."""

from types import SimpleNamespace

import pytest
from django.template import engines

OVERDUE = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
STALE = '<strong class="govuk-tag govuk-tag--purple">No recent update</strong>'


def render(source, **context):
    return engines["django"].from_string("{% load plan_status %}" + source).render(context)


def owner(name):
    return SimpleNamespace(display_name=name)


@pytest.mark.parametrize(
    ("overdue", "stale", "expected"),
    [
        (True, True, f"{OVERDUE} {STALE}"),
        (True, False, f"{OVERDUE} "),
        (False, True, STALE),
        (False, False, ""),
    ],
)
def test_action_flags_show_the_badges_that_apply_as_markup(overdue, stale, expected):
    action = SimpleNamespace(is_overdue=overdue, is_stale=stale)

    assert render("[{{ action|action_flags }}]", action=action) == f"[{expected}]"


def test_owner_names_lists_the_owners_in_order_escaped():
    action = SimpleNamespace(
        owner_list=[owner("Norfolk Constabulary"), owner("Scams <Partnership> & Co")],
        owner_note="Police",
    )

    assert render("{{ action|owner_names }}", action=action) == (
        "Norfolk Constabulary, Scams &lt;Partnership&gt; &amp; Co"
    )


def test_owner_names_falls_back_to_the_owner_as_written_then_to_a_gap():
    as_written = SimpleNamespace(owner_list=[], owner_note="CSP <Board>")
    nobody = SimpleNamespace(owner_list=[], owner_note="")

    assert render("{{ action|owner_names }}", action=as_written) == "CSP &lt;Board&gt;"
    assert render("{{ action|owner_names }}", action=nobody) == "No owner named"
