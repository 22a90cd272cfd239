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


CELLS_IN_TEMPLATE = "".join(
    f'\n      <td class="govuk-table__cell govuk-table__cell--numeric">{{{{ {name} }}}}</td>'
    for name in (
        "tally.total",
        "tally.rag.red",
        "tally.rag.amber",
        "tally.rag.green",
        "tally.rag.complete",
        "tally.distance.met|add:tally.distance.nearly_met",
        "tally.distance.far_off",
        "tally.overdue",
        "tally.stale",
    )
)


@pytest.mark.parametrize("thousands", [False, True])
def test_tally_cells_write_each_count_in_its_column_as_the_template_would(settings, thousands):
    from collections import Counter

    from delivery_plans.queries import Tally

    settings.USE_THOUSAND_SEPARATOR = thousands
    tally = Tally(
        label="Norfolk Constabulary",
        total=1_234_567,
        rag=Counter(red=3, amber=0, green=1500, complete=7),
        distance=Counter(met=2, nearly_met=999, far_off=12_000, some_way=4),
        overdue=42,
        stale=0,
    )

    written = render("{{ tally|tally_cells }}", tally=tally)

    assert written == render(CELLS_IN_TEMPLATE, tally=tally)
    numbers = [cell.split(">")[1].split("<")[0] for cell in written.split("</td>")[:-1]]
    if thousands:
        assert numbers == ["1,234,567", "3", "0", "1,500", "7", "1,001", "12,000", "42", "0"]
    else:
        assert numbers == ["1234567", "3", "0", "1500", "7", "1001", "12000", "42", "0"]


def test_status_badges_are_the_three_badge_filters_side_by_side():
    rags = ["red", "amber", "green", "complete", "not_assessed", None, "", "purple"]
    distances = ["met", "nearly_met", "some_way", "far_off", "not_assessed", None, "unknown"]
    separately = (
        "{{ action.current_rag|rag_badge }} {{ action.current_distance|distance_badge }} "
        "{{ action|action_flags }}"
    )
    seen = set()
    for rag in rags:
        for distance in distances:
            for overdue in (True, False, 0, 1):
                for stale in (False, True):
                    action = SimpleNamespace(
                        current_rag=rag,
                        current_distance=distance,
                        is_overdue=overdue,
                        is_stale=stale,
                    )
                    together = render("{{ action|status_badges }}", action=action)
                    assert together == render(separately, action=action)
                    seen.add(together)
    assert len(seen) == 5 * 5 * 4


ROW_IN_TEMPLATE = (
    "{% load text %}"
    '<tr class="govuk-table__row">\n'
    '  <th scope="row" class="govuk-table__header"><a class="govuk-link" '
    'href="{{ action.get_absolute_url }}">{{ action.number }}</a></th>\n'
    '  <td class="govuk-table__cell">{{ action.title|words:30 }}{% if action.success_measure %}'
    '<br><span class="govuk-body-s app-meta">Success measure: '
    "{{ action.success_measure|words:25 }}</span>{% endif %}</td>\n"
    '  <td class="govuk-table__cell">{{ action|owner_names }}</td>\n'
    '  <td class="govuk-table__cell">{{ action.due_text|default:"–" }}</td>\n'
    '  <td class="govuk-table__cell">{{ action|status_badges }}</td>\n'
    "</tr>"
)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"title": "Tackle <script>alert('x')</script> & \"harm\"", "number": "1.10 <b>"},
        {"title": " ".join(f"word{n}" for n in range(45)), "success_measure": "a " * 40},
        {"success_measure": "", "owner_note": "All NASP partners & OPCCN", "owners": []},
        {"success_measure": "   ", "owners": [], "owner_note": ""},
        {"due_text": "", "current_rag": None, "current_distance": None, "is_overdue": True},
        {"owners": ["Norfolk <Police>", "Breckland & District"], "due_text": "Year 2 <TBC>"},
        {"url": '/plans/a"b/actions/1.1/?x=<y>&z'},
    ],
)
def test_an_action_row_is_what_the_template_wrote(fields):
    values = {
        "number": "3.2",
        "title": "Deliver training on coercive control to frontline staff.",
        "success_measure": "Fewer repeat victims",
        "owners": ["Norfolk Constabulary"],
        "owner_note": "",
        "due_text": "March 2025",
        "current_rag": "amber",
        "current_distance": "some_way",
        "is_overdue": False,
        "is_stale": True,
        "url": "/plans/safer-norfolk/actions/3.2/",
    } | fields
    url = values.pop("url")
    action = SimpleNamespace(
        **{key: value for key, value in values.items() if key != "owners"},
        owner_list=[owner(name) for name in values["owners"]],
        get_absolute_url=lambda: url,
    )

    assert render("{{ action|action_row }}", action=action) == render(
        ROW_IN_TEMPLATE, action=action
    )
