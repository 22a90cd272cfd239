"""A meeting's status as a tag, in text as well as colour. A filter with the tags made once:
a committee page shows one for each of its meetings."""

from django import template
from django.utils.html import format_html

register = template.Library()


def _tag(colour, words):
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, words)


CANCELLED = _tag("red", "Cancelled")
POSTPONED = _tag("orange", "Postponed")
MINUTES_CONFIRMED = _tag("green", "Minutes confirmed")
DRAFT_MINUTES = _tag("yellow", "Draft minutes")
AGENDA_PUBLISHED = _tag("blue", "Agenda published")
AGENDA_IN_PREPARATION = _tag("grey", "Agenda in preparation")


@register.filter
def meeting_status_tag(meeting):
    """The first that applies: cancelled, postponed, minutes confirmed, draft minutes
    published, agenda published, agenda in preparation."""
    if meeting.is_cancelled:
        return CANCELLED
    if meeting.status == "postponed":
        return POSTPONED
    if meeting.minutes_status == "confirmed":
        return MINUTES_CONFIRMED
    if meeting.minutes_status == "published":
        return DRAFT_MINUTES
    if meeting.agenda_status == "published":
        return AGENDA_PUBLISHED
    return AGENDA_IN_PREPARATION
