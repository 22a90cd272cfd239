"""The meeting row filter gives what the home and committee pages' template gave."""

import datetime
import itertools

import pytest
from django.template import engines
from django.utils import timezone

from meetings.models import Committee, Meeting

ROW_IN_TEMPLATE = (
    "{% load dates meeting_status %}"
    '<tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" '
    'href="{{ meeting.get_absolute_url }}">{{ meeting.starts_at|when:"l j F Y, g.i a" }}</a></td>\n'
    '      {% if show_committee %}<td class="govuk-table__cell">'
    "{{ meeting.committee.display_name }}</td>{% endif %}\n"
    '      <td class="govuk-table__cell">{{ meeting|meeting_status_tag }}</td>\n'
    "    </tr>"
)
FILTER = "{% load meeting_rows %}{{ meeting|meeting_row:show_committee }}"

COMMITTEES = [
    Committee(name="Police & Crime <Panel>", slug="police-crime-panel"),
    Committee(name="Norfolk County Community Safety Partnership", short_name='NCCSP "Board"',
              slug="nccsp"),
]  # fmt: skip
STATUSES = [
    # (status, agenda, minutes, the tag's words)
    ("cancelled", "published", "none", "Cancelled"),
    ("postponed", "published", "none", "Postponed"),
    ("held", "published", "confirmed", "Minutes confirmed"),
    ("held", "published", "published", "Draft minutes"),
    ("scheduled", "published", "none", "Agenda published"),
    ("scheduled", "draft", "none", "Agenda in preparation"),
]


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def meeting(committee, status, agenda, minutes, starts_at):
    return Meeting(
        committee=committee,
        starts_at=starts_at,
        status=status,
        agenda_status=agenda,
        minutes_status=minutes,
    )


@pytest.mark.parametrize(
    ("committee", "status", "show_committee"),
    list(itertools.product(COMMITTEES, STATUSES, [True, False])),
)
def test_a_row_is_what_the_template_wrote(committee, status, show_committee):
    starts_at = datetime.datetime(2025, 1, 14, 14, 0, tzinfo=datetime.UTC)
    context = {
        "meeting": meeting(committee, *status[:3], starts_at),
        "show_committee": show_committee,
    }

    row = render(FILTER, **context)

    assert row == render(ROW_IN_TEMPLATE, **context)
    assert f">{status[3]}</strong>" in row
    assert "<Panel>" not in row
    assert ("&amp;" in row or "&quot;" in row) is show_committee


def test_the_meeting_is_named_by_its_local_day_and_time():
    # 23:30 UTC on the 30th of March 2025 is 00:30 on the 31st in London (summer time).
    late = meeting(COMMITTEES[0], *STATUSES[2][:3], datetime.datetime(2025, 3, 30, 23, 30, tzinfo=datetime.UTC))  # fmt: skip
    with timezone.override("Europe/London"):
        row = render(FILTER, meeting=late, show_committee=False)
        assert row == render(ROW_IN_TEMPLATE, meeting=late, show_committee=False)

    assert 'href="/committees/police-crime-panel/2025-03-31/"' in row
    assert ">Monday 31 March 2025, 12.30 a.m.</a>" in row
