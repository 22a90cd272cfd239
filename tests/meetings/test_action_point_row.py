"""The action point row filter gives what the meeting and committee pages' template gave."""

import datetime
import itertools

import pytest
from django.template import engines
from django.utils import timezone

from meetings.models import ActionPoint, Committee, Meeting
from safer_norfolk.models import Organisation, Person

ROW_IN_TEMPLATE = (
    "{% load dates %}"
    '<tr class="govuk-table__row" id="action-{{ action_point.reference }}">\n'
    '      <th scope="row" class="govuk-table__header">{{ action_point.reference }}</th>\n'
    '      <td class="govuk-table__cell">{{ action_point.description|linebreaksbr }}'
    "{{ action_point|corrected }}{% if show_raised %}"
    '<br><span class="govuk-body-s app-meta">Raised at the meeting on <a class="govuk-link" '
    'href="{{ action_point.meeting.get_absolute_url }}">'
    '{{ action_point.meeting.starts_at|when:"j F Y" }}</a>{% if action_point.due_date %}; '
    'due {{ action_point.due_date|when:"j F Y" }}{% endif %}</span>{% endif %}</td>\n'
    '      <td class="govuk-table__cell">{% if action_point.owner_person %}'
    "{{ action_point.owner_person }}{% if action_point.owner_organisation %}, {% endif %}"
    "{% endif %}{% if action_point.owner_organisation %}"
    "{{ action_point.owner_organisation.display_name }}{% endif %}</td>\n"
    '      <td class="govuk-table__cell">{% if action_point.is_open %}'
    '<strong class="govuk-tag govuk-tag--yellow">Open</strong>{% else %}'
    '<strong class="govuk-tag govuk-tag--green">Closed</strong>{% if action_point.response %}'
    '<br><span class="govuk-body-s">{{ action_point.response }}</span>{% endif %}{% endif %}'
    "</td>\n"
    "    </tr>"
)


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def action_point(**fields):
    committee = Committee(name="Police & Crime <Panel>", slug="police-crime-panel")
    meeting = Meeting(
        committee=committee,
        # 23:30 in London on the 30th of March 2025 is the 31st in UTC.
        starts_at=datetime.datetime(2025, 3, 30, 22, 30, tzinfo=datetime.UTC),
    )
    values = {
        "reference": "PCP/24/7",
        "description": "Write to the PCC about <b>body-worn</b> video\n\nand report back.",
        "status": ActionPoint.Status.OPEN,
        "response": "",
        "due_date": datetime.date(2025, 6, 1),
        "corrected_at": None,
    } | fields
    return ActionPoint(committee=committee, meeting=meeting, **values)


PERSON = Person(honorific="Cllr", name="Jo O'Neill <Chair>")
ORGANISATION = Organisation(name="Office of the PCC for Norfolk", short_name="OPCC & Co")
ORGANISATION_WITHOUT_SHORT_NAME = Organisation(name="Breckland <District> Council")


@pytest.mark.parametrize(
    ("owners", "status", "show_raised"),
    list(
        itertools.product(
            [
                (None, None),
                (PERSON, None),
                (None, ORGANISATION),
                (PERSON, ORGANISATION),
                (None, ORGANISATION_WITHOUT_SHORT_NAME),
            ],
            [
                (ActionPoint.Status.OPEN, ""),
                (ActionPoint.Status.CLOSED, ""),
                (ActionPoint.Status.CLOSED, "Closed: see item 10 & the <appendix>"),
            ],
            [True, False],
        )
    ),
)
def test_a_row_is_what_the_template_wrote(owners, status, show_raised):
    person, organisation = owners
    point = action_point(
        owner_person=person,
        owner_organisation=organisation,
        status=status[0],
        response=status[1],
    )
    context = {"action_point": point, "show_raised": show_raised}

    row = render(
        "{% load action_points %}{{ action_point|action_point_row:show_raised }}", **context
    )

    assert row == render(ROW_IN_TEMPLATE, **context)
    assert ">Open</strong>" in row if status[0] == "open" else ">Closed</strong>" in row


@pytest.mark.parametrize(
    "fields",
    [
        {"reference": 'A"1 <x>'},
        {"due_date": None},
        {"description": 'One line & "quoted"\r\nsecond <line>\rthird'},
        {"corrected_at": datetime.datetime(2025, 10, 26, 0, 30, tzinfo=datetime.UTC)},
    ],
)
def test_hostile_text_dates_and_corrections_are_written_as_the_template_wrote(fields):
    point = action_point(owner_person=PERSON, **fields)
    context = {"action_point": point, "show_raised": True}

    row = render(
        "{% load action_points %}{{ action_point|action_point_row:show_raised }}", **context
    )

    assert row == render(ROW_IN_TEMPLATE, **context)
    assert "<x>" not in row
    assert "<line>" not in row


def test_the_meeting_is_named_by_its_local_day():
    point = action_point()
    with timezone.override("Europe/London"):
        row = render(
            "{% load action_points %}{{ action_point|action_point_row:True }}", action_point=point
        )

    assert ">30 March 2025</a>; due 1 June 2025" in row
    assert 'href="/committees/police-crime-panel/2025-03-30/"' in row
