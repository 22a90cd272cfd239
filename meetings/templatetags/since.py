"""The lines of "since the last meeting" on the committee page (the agenda pack has tables of
its own): each list of records written as one string, a line per record.

Written here rather than in the template: each list holds up to a hundred records (plan
updates and outcome figures are often that many), and the template's lookups and filters a
line were most of the page's rendering. Every value is escaped as the template escaped it
(tests/meetings/test_since_lines.py checks each list against the template it replaced).
"""

from django import template
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime

from outcomes.templatetags.figures import measured_text
from safer_norfolk.templatetags.dates import when
from safer_norfolk.templatetags.text import words
from safer_norfolk.text import escaped

register = template.Library()

LINK = '<a class="govuk-link" href="{}">{}</a>'


def _lines(lines):
    return SafeString("<br>".join(lines))


def _point_lines(action_points, text, count):
    """Each point: its reference, linking to it, and `text` (a field) shortened to `count`
    words."""
    return _lines(
        f"{LINK.format(escaped(point.get_absolute_url()), escaped(point.reference))} "
        f"{escaped(words(getattr(point, text), count))}"
        for point in action_points
    )


@register.filter
def raised_lines(action_points):
    """Each point raised, with its description."""
    return _point_lines(action_points, "description", 15)


@register.filter
def closed_lines(action_points):
    """Each point closed, with its response."""
    return _point_lines(action_points, "response", 12)


@register.filter
def answered_lines(questions):
    """Each question answered: its number and meeting's day, linking to it, and the day of
    the answer. The meeting is select_related by callers."""
    return _lines(
        LINK.format(
            escaped(question.get_absolute_url()),
            f"Question {escaped(question.number)} of "
            f"{escaped(when(template_localtime(question.meeting.starts_at), 'j M Y'))}",
        )
        + f", answered {escaped(when(question.responded_on, 'j M Y'))}"
        for question in questions
    )


@register.filter
def update_lines(updates):
    """Each plan update: its action, linking to it, the plan, the day and the RAG rating.
    The action and its plan are select_related by callers."""
    return _lines(
        f"{LINK.format(escaped(update.get_absolute_url()), f'Action {escaped(update.action.number)}')}"
        f" ({escaped(update.action.plan.title)}), {escaped(when(update.reported_on, 'j M Y'))}:"
        f" {escaped(update.get_rag_display())}"
        for update in updates
    )


@register.filter
def observation_lines(observations):
    """Each new figure: its measure, linking to it, the area, the period and the value.
    The measure, its outcome and framework, and the area are select_related by callers."""
    return _lines(
        f"{LINK.format(escaped(observation.measure.get_absolute_url()), escaped(observation.measure.title))}"
        f", {escaped(observation.area.name)}, {escaped(observation.period_label)}:"
        f" {escaped(measured_text(observation.value, observation.measure.unit))}"
        for observation in observations
    )
