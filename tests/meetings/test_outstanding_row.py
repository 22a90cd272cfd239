"""The outstanding page's row filter gives what the page's template gave."""

import datetime
import itertools

import pytest
from django.template import engines

from meetings.outstanding import ACTION_POINT, PLAN_ACTION, QUESTION, Row

ROW_IN_TEMPLATE = "{% load dates plan_status text %}" + (
    '<tr class="govuk-table__row">\n'
    '          <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--grey">{{ row.kind_label }}</strong><br><a class="govuk-link" href="{{ row.url }}">{% if row.kind == "question" %}Question {{ row.ref }}{% elif row.kind == "plan_action" %}Action {{ row.ref }}{% else %}{{ row.ref }}{% endif %}</a>: {{ row.title|words:25 }}{% if row.committee_name %}<br><span class="govuk-body-s app-meta">{{ row.committee_name }}{% if row.raised_on %}, raised {{ row.raised_on|when:"j M Y" }}{% endif %}</span>{% elif row.plan_title %}<br><span class="govuk-body-s app-meta">{{ row.plan_title }}</span>{% endif %}</td>\n'
    '          <td class="govuk-table__cell">{% if row.owner_name %}{{ row.owner_name }}{% if row.owner_person_name %}<br>{{ row.owner_person_name }}{% endif %}{% elif row.owner_person_name %}{{ row.owner_person_name }}{% else %}No owner named{% endif %}{% if row.owner_as_written %}<br><span class="govuk-body-s app-meta">As written: {{ row.owner_as_written }}</span>{% endif %}</td>\n'
    '          <td class="govuk-table__cell">{{ row.due_on|when:"j M Y"|default:"–" }}</td>\n'
    '          <td class="govuk-table__cell">{% if row.is_overdue %}<strong class="govuk-tag govuk-tag--red">Overdue</strong> {% endif %}{% if row.is_stale %}<strong class="govuk-tag govuk-tag--purple">No recent update</strong> {% endif %}{% if row.kind == "plan_action" %}{{ row.status|rag_badge }} {{ row.distance|distance_badge }}{% elif row.kind == "question" %}<strong class="govuk-tag govuk-tag--yellow">Awaiting response</strong>{% else %}<strong class="govuk-tag govuk-tag--yellow">Open</strong>{% endif %}</td>\n'
    "        </tr>"
)


def render(source, row):
    return engines["django"].from_string(source).render({"row": row})


def row(**fields):
    values = {
        "kind": ACTION_POINT,
        "pk": 7,
        "ref": "PCP/24/7",
        "title": "Write to the PCC about body-worn video and report back to the panel.",
        "committee_id": 3,
        "committee_name": "Police and Crime Panel",
        "committee_slug": "police-crime-panel",
        "meeting_day": datetime.date(2024, 6, 4),
        "plan_slug": None,
        "owner_name": "Office of the PCC",
        "owner_person_name": "Cllr Jo Smith",
        "status": "open",
        "raised_on": datetime.date(2024, 6, 4),
        "due_on": datetime.date(2024, 9, 1),
        "is_overdue": False,
        "is_stale": False,
        "distance": None,
    } | fields
    return Row(**values)


KINDS = [
    {},
    {"kind": QUESTION, "ref": "12", "status": "awaiting", "owner_person_name": ""},
    {
        "kind": PLAN_ACTION,
        "ref": "3.2",
        "plan_slug": "safer-norfolk-plan",
        "committee_id": None,
        "committee_name": "",
        "committee_slug": "",
        "meeting_day": None,
        "raised_on": None,
        "owner_person_name": "",
        "status": "amber",
        "distance": "far_off",
        "plan_title": "Safer Norfolk Plan 2021-24 delivery plan",
        "owner_name": "Norfolk Constabulary, Office of the Police and Crime Commissioner",
        "owner_note": "OPCCN and Norfolk Constabulary",
    },
]


@pytest.mark.parametrize(
    ("kind", "flags"),
    list(itertools.product(KINDS, itertools.product([True, False], repeat=2))),
)
def test_a_row_of_each_kind_is_what_the_template_wrote(kind, flags):
    overdue, stale = flags
    outstanding = row(**kind, is_overdue=overdue, is_stale=stale)

    written = render("{% load outstanding %}{{ row|outstanding_row }}", outstanding)

    assert written == render(ROW_IN_TEMPLATE, outstanding)
    assert f'href="{outstanding.url}"' in written


@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Tackle <script>alert('x')</script> & \"harm\"", "ref": "A<1>"},
        {"title": " ".join(f"word{n}" for n in range(40))},
        {"committee_name": "Police & <Crime> Panel", "raised_on": None},
        {"committee_name": ""},
        {"owner_name": "", "owner_person_name": "Dr <Who>"},
        {"owner_name": "Breckland & District", "owner_person_name": ""},
        {"due_on": None},
        {"kind": PLAN_ACTION, "status": None, "distance": "unknown", "plan_slug": "p"},
        {
            "kind": PLAN_ACTION,
            "status": "not_assessed",
            "distance": "not_assessed",
            "plan_slug": "p",
        },
        {"owner_name": "", "owner_person_name": ""},
        {
            "kind": PLAN_ACTION,
            "plan_slug": "p",
            "plan_title": "Plan <b>&</b> co",
            "owner_note": "<Crime> & co",
        },
        {"kind": PLAN_ACTION, "plan_slug": "p", "owner_name": "TBC", "owner_note": "TBC"},
        {
            "kind": PLAN_ACTION,
            "plan_slug": "p",
            "owner_name": "",
            "owner_person_name": "",
            "owner_note": "",
        },
    ],
)
def test_edge_cases_and_hostile_text_are_written_as_the_template_wrote(fields):
    outstanding = row(**fields)

    written = render("{% load outstanding %}{{ row|outstanding_row }}", outstanding)

    assert written == render(ROW_IN_TEMPLATE, outstanding)
    assert "<script>" not in written
    assert "<Crime>" not in written
    assert "<Who>" not in written


def test_dates_are_written_day_month_year():
    written = render("{% load outstanding %}{{ row|outstanding_row }}", row())

    assert "Police and Crime Panel, raised 4 Jun 2024</span>" in written
    assert '<td class="govuk-table__cell">1 Sep 2024</td>' in written


def test_a_plan_action_names_its_plan_every_owner_and_its_owner_as_written():
    action = row(
        kind=PLAN_ACTION, ref="1.10", plan_slug="safer-norfolk-plan", committee_name="",
        raised_on=None, owner_person_name="", status="not_assessed", distance="not_assessed",
        plan_title="Safer Norfolk Plan 2021-24 delivery plan",
        owner_name="Breckland District Council, Norfolk Constabulary, Norwich City Council",
        owner_note="District Councils and Norfolk Constabulary",
    )  # fmt: skip

    written = render("{% load outstanding %}{{ row|outstanding_row }}", action)

    assert ">Action 1.10</a>" in written
    assert 'app-meta">Safer Norfolk Plan 2021-24 delivery plan</span></td>' in written
    assert (
        '<td class="govuk-table__cell">Breckland District Council, Norfolk Constabulary, '
        'Norwich City Council<br><span class="govuk-body-s app-meta">As written: District '
        "Councils and Norfolk Constabulary</span></td>"
    ) in written


def test_the_owner_as_written_is_not_repeated_nor_a_missing_owner_left_blank():
    same = row(kind=PLAN_ACTION, plan_slug="p", owner_name="TBC", owner_note="TBC")
    nobody = row(owner_name="", owner_person_name="")
    person = row(owner_name="", owner_person_name="Cllr Jo Smith")

    assert "As written" not in render("{% load outstanding %}{{ row|outstanding_row }}", same)
    assert '<td class="govuk-table__cell">No owner named</td>' in render(
        "{% load outstanding %}{{ row|outstanding_row }}", nobody
    )
    assert '<td class="govuk-table__cell">Cllr Jo Smith</td>' in render(
        "{% load outstanding %}{{ row|outstanding_row }}", person
    )
