"""A meeting's row in the tables of meetings on the home and committee pages.

Written here rather than in the template: a committee page lists fifty past meetings, and
the template's lookups, included fragment and filters per cell took most of its rendering.
Every value is escaped as the template escaped it (tests/meetings/test_meeting_row.py checks
the row against the template it replaced).
"""

import functools

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from meetings.templatetags.meeting_status import meeting_status_tag
from safer_norfolk.templatetags.dates import when
from safer_norfolk.text import escaped

register = template.Library()

ROW = (
    '<tr class="govuk-table__row">\n'
    '      <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{when}</a></td>\n'
    "      {committee}\n"
    '      <td class="govuk-table__cell">{status}</td>\n'
    "    </tr>"
)
COMMITTEE = '<td class="govuk-table__cell">{}{}</td>'


@functools.cache
def example_tag():
    """The list rows' "Example data" tag, as its one template writes it (rendered once)."""
    return render_to_string("includes/example_data.html", {"example": True})


@register.filter
def meeting_row(meeting, show_committee=False):
    """The row: the meeting's local date and time linked to its page, its committee when
    `show_committee` (callers select_related it, or list one committee's meetings through
    its manager), and its status."""
    return SafeString(
        ROW.format(
            url=escaped(meeting.get_absolute_url()),
            when=escaped(
                when(
                    template_localtime(meeting.starts_at),
                    "l j F Y, g.i a" if meeting.start_time_known else "l j F Y",
                )
            ),
            committee=COMMITTEE.format(
                escaped(meeting.committee.display_name),
                example_tag() if _is_example(meeting) else "",
            )
            if show_committee
            else "",
            status=meeting_status_tag(meeting),
        )
    )


def _is_example(meeting):
    """The meeting's committee belongs to the fictional example partnership: read only where
    the list joined the partnership (select_related), so no row makes a query."""
    committee = meeting.committee
    return (
        type(committee).partnership.is_cached(committee)
        and committee.partnership is not None
        and committee.partnership.is_example
    )
