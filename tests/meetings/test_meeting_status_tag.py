"""The meeting status filter gives what the template's chain of conditions gave."""

import itertools

from django.template import engines

from meetings.models import Meeting

AS_A_TEMPLATE = (
    '{% if meeting.is_cancelled %}<strong class="govuk-tag govuk-tag--red">Cancelled</strong>'
    '{% elif meeting.status == "postponed" %}<strong class="govuk-tag govuk-tag--orange">'
    "Postponed</strong>"
    '{% elif meeting.minutes_status == "confirmed" %}<strong class="govuk-tag govuk-tag--green">'
    "Minutes confirmed</strong>"
    '{% elif meeting.minutes_status == "published" %}<strong class="govuk-tag govuk-tag--yellow">'
    "Draft minutes</strong>"
    '{% elif meeting.agenda_status == "published" %}<strong class="govuk-tag govuk-tag--blue">'
    "Agenda published</strong>"
    '{% else %}<strong class="govuk-tag govuk-tag--grey">Agenda in preparation</strong>{% endif %}'
)


def render(source, meeting):
    return engines["django"].from_string(source).render({"meeting": meeting})


def test_every_combination_of_states_gets_the_tag_the_template_gave():
    tags = set()
    for status, agenda, minutes in itertools.product(
        Meeting.Status.values, Meeting.AgendaStatus.values, Meeting.MinutesStatus.values
    ):
        meeting = Meeting(status=status, agenda_status=agenda, minutes_status=minutes)
        tag = render("{% load meeting_status %}{{ meeting|meeting_status_tag }}", meeting)
        assert tag == render(AS_A_TEMPLATE, meeting), (status, agenda, minutes)
        tags.add(tag)
    assert len(tags) == 6
