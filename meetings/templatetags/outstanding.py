"""A row of the outstanding page's table: an action point, a written question or a plan
action (meetings.outstanding.Row).

Written here rather than in the template: the template's fifteen lookups and filters a row
were most of the table's rendering. Every value is escaped as the template escaped it
(tests/meetings/test_outstanding_row.py checks the row against the template it replaced).
"""

from django import template
from django.utils.safestring import SafeString

from delivery_plans.templatetags.plan_status import distance_badge, rag_badge
from meetings.outstanding import NO_OWNER, PLAN_ACTION, QUESTION
from meetings.templatetags.action_points import OPEN
from meetings.templatetags.meeting_rows import example_tag
from safer_norfolk.templatetags.dates import when
from safer_norfolk.templatetags.text import words
from safer_norfolk.text import escaped

register = template.Library()

ROW = (
    '<tr class="govuk-table__row">\n'
    '          <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--grey">{kind}'
    '</strong>{example}<br><a class="govuk-link" href="{url}">{ref}</a>: {title}{meta}</td>\n'
    '          <td class="govuk-table__cell">{owner}</td>\n'
    '          <td class="govuk-table__cell">{due}</td>\n'
    '          <td class="govuk-table__cell">{status}</td>\n'
    "        </tr>"
)
OVERDUE = '<strong class="govuk-tag govuk-tag--red">Overdue</strong> '
STALE = '<strong class="govuk-tag govuk-tag--purple">No recent update</strong> '
AWAITING = '<strong class="govuk-tag govuk-tag--yellow">Awaiting response</strong>'
REF_PREFIX = {QUESTION: "Question ", PLAN_ACTION: "Action "}
META = '<br><span class="govuk-body-s app-meta">{}</span>'


@register.filter
def outstanding_row(row):
    """The row: its kind, reference linking to it, title shortened, committee and the day
    it was raised (or the plan of a plan action); its owners, every one, and a plan action's
    owner as the plan writes it; its due date; and its badges."""
    meta = ""
    if row.committee_name:
        raised = f", raised {escaped(when(row.raised_on, 'j M Y'))}" if row.raised_on else ""
        meta = META.format(f"{escaped(row.committee_name)}{raised}")
    elif row.plan_title:
        meta = META.format(escaped(row.plan_title))
    named = [name for name in (row.owner_name, row.owner_person_name) if name]
    owner = "<br>".join(escaped(name) for name in named) or NO_OWNER
    if row.owner_as_written:
        owner += META.format(f"As written: {escaped(row.owner_as_written)}")
    status = (OVERDUE if row.is_overdue else "") + (STALE if row.is_stale else "")
    if row.kind == PLAN_ACTION:
        status += f"{rag_badge(row.status)} {distance_badge(row.distance)}"
    else:
        status += AWAITING if row.kind == QUESTION else OPEN
    return SafeString(
        ROW.format(
            kind=escaped(row.kind_label),
            example=example_tag() if row.is_example else "",
            url=escaped(row.url),
            ref=REF_PREFIX.get(row.kind, "") + escaped(row.ref),
            title=escaped(words(row.title, 25)),
            meta=meta,
            owner=owner,
            due=escaped(when(row.due_on, "j M Y") or "–"),
            status=status,
        )
    )
