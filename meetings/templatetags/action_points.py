"""An action point's row in the meeting and committee pages' tables of action points.

Written here rather than in the template: a committee page lists fifty open points, and the
template's lookups and filters per cell made up most of its rendering. Every value is
escaped as the template escaped it (tests/meetings/test_action_point_row.py checks the row
against the template it replaced).
"""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from safer_norfolk.templatetags.dates import corrected, when
from safer_norfolk.text import escaped

register = template.Library()

ROW = (
    '<tr class="govuk-table__row" id="action-{reference}">\n'
    '      <th scope="row" class="govuk-table__header">{reference}</th>\n'
    '      <td class="govuk-table__cell">{description}{corrected}{raised}</td>\n'
    '      <td class="govuk-table__cell">{owner}</td>\n'
    '      <td class="govuk-table__cell">{status}</td>\n'
    "    </tr>"
)
RAISED = (
    '<br><span class="govuk-body-s app-meta">Raised at the meeting on '
    '<a class="govuk-link" href="{}">{}</a>{}</span>'
)
OPEN = '<strong class="govuk-tag govuk-tag--yellow">Open</strong>'
CLOSED = '<strong class="govuk-tag govuk-tag--green">Closed</strong>'
RESPONSE = '<br><span class="govuk-body-s">{}</span>'


@register.filter
def action_point_row(action_point, show_raised=False):
    """The row: reference, description (with the meeting that raised it and its due date
    when `show_raised`), owners and status. The meeting is select_related by callers."""
    raised = ""
    if show_raised:
        meeting = action_point.meeting
        due = action_point.due_date
        raised = RAISED.format(
            escaped(meeting.get_absolute_url()),
            escaped(when(template_localtime(meeting.starts_at), "j F Y")),
            f"; due {escaped(when(due, 'j F Y'))}" if due else "",
        )
    person, organisation = action_point.owner_person, action_point.owner_organisation
    owner = ""
    if person:
        owner = escaped(person) + (", " if organisation else "")
    if organisation:
        owner += escaped(organisation.display_name)
    if action_point.is_open:
        status = OPEN
    else:
        response = action_point.response
        status = CLOSED + (RESPONSE.format(escaped(response)) if response else "")
    reference = escaped(action_point.reference)
    return SafeString(
        ROW.format(
            reference=reference,
            description=linebreaksbr(action_point.description, autoescape=True),
            corrected=corrected(action_point),
            raised=raised,
            owner=owner,
            status=status,
        )
    )
