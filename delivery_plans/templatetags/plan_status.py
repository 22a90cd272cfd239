"""Status badges for plan actions. Each carries its meaning in text as well as colour; they
are made once here, since a plan page shows hundreds."""

from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString

from safer_norfolk.templatetags.text import words
from safer_norfolk.text import escaped

register = template.Library()


def _badges(colours_and_words):
    return {
        value: format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, words)
        for value, (colour, words) in colours_and_words.items()
    }


RAG_BADGES = _badges(
    {
        "red": ("red", "RAG: Red"),
        "amber": ("orange", "RAG: Amber"),
        "green": ("green", "RAG: Green"),
        "complete": ("blue", "Complete"),
        "not_assessed": ("grey", "RAG not assessed"),
    }
)
DISTANCE_BADGES = _badges(
    {
        "met": ("green", "Success measure met"),
        "nearly_met": ("turquoise", "Nearly met"),
        "some_way": ("yellow", "Some way to go"),
        "far_off": ("red", "Far off"),
        "not_assessed": ("grey", "Distance not assessed"),
    }
)


@register.filter
def rag_badge(value):
    """The RAG rating as a badge; anything unrated reads "RAG not assessed"."""
    return RAG_BADGES.get(value, RAG_BADGES["not_assessed"])


@register.filter
def distance_badge(value):
    """How far the action is from its success measure, as a badge."""
    return DISTANCE_BADGES.get(value, DISTANCE_BADGES["not_assessed"])


_OVERDUE = format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', "red", "Overdue")
_STALE = format_html(
    '<strong class="govuk-tag govuk-tag--{}">{}</strong>', "purple", "No recent update"
)
# (overdue, stale): the badges.
FLAGS = {
    (True, True): format_html("{} {}", _OVERDUE, _STALE),
    (True, False): format_html("{} ", _OVERDUE),
    (False, True): _STALE,
    (False, False): "",
}


@register.filter
def action_flags(action):
    """The overdue and no-recent-update badges that apply to an action (with_status)."""
    return FLAGS[bool(action.is_overdue), bool(action.is_stale)]


# (rag, distance, overdue, stale): the three filters' badges side by side, made once.
STATUS_BADGES = {
    (rag, distance, overdue, stale): format_html(
        "{} {} {}", RAG_BADGES[rag], DISTANCE_BADGES[distance], FLAGS[overdue, stale]
    )
    for rag in RAG_BADGES
    for distance in DISTANCE_BADGES
    for overdue, stale in FLAGS
}


@register.filter
def status_badges(action):
    """An action's RAG, distance and flag badges, as
    `{{ action.current_rag|rag_badge }} {{ action.current_distance|distance_badge }}
    {{ action|action_flags }}` writes them on one line: one lookup for each row of a plan."""
    rag = action.current_rag if action.current_rag in RAG_BADGES else "not_assessed"
    distance = (
        action.current_distance if action.current_distance in DISTANCE_BADGES else "not_assessed"
    )
    return STATUS_BADGES[rag, distance, bool(action.is_overdue), bool(action.is_stale)]


@register.filter
def owner_names(action):
    """An action's owners (`owner_list`), or the owner as written when none is recorded.
    A filter, not a loop in the template: a plan page names the owners of hundreds."""
    names = ", ".join(owner.display_name for owner in action.owner_list)
    return names or action.owner_note or "No owner named"


TALLY_CELL = '\n      <td class="govuk-table__cell govuk-table__cell--numeric">{}</td>'


@register.filter
def tally_cells(tally):
    """A tally row's numeric cells (`Tally.columns`), each on its own line as the table
    writes them. Counts are written as `{{ count }}` writes an integer: with the thousands
    separator off (the site's setting), that is the plain number, without the format
    lookups Django makes for each (about 7 microseconds; a plan's tables hold 470 counts)."""
    write = localize if settings.USE_THOUSAND_SEPARATOR else str
    return SafeString("".join(TALLY_CELL.format(write(count)) for count in tally.columns))


ACTION_ROW = (
    '<tr class="govuk-table__row">\n'
    '  <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{}">{}</a></th>\n'
    '  <td class="govuk-table__cell">{}{}</td>\n'
    '  <td class="govuk-table__cell">{}</td>\n'
    '  <td class="govuk-table__cell">{}</td>\n'
    '  <td class="govuk-table__cell">{}</td>\n'
    "</tr>"
)
SUCCESS_MEASURE = '<br><span class="govuk-body-s app-meta">Success measure: {}</span>'


@register.filter
def action_row(action):
    """A plan table's row for an action (with_status, owner_list): its number linking to its
    page, its text and success measure shortened, its owners, its date as written and its
    badges. Written here rather than in the template, whose lookups and filters per cell
    made up most of a 200-action plan table; every value is escaped as format_html would
    (tests/delivery_plans/test_status_filters.py checks the row against the template it
    replaced)."""
    measure = action.success_measure
    return SafeString(
        ACTION_ROW.format(
            escaped(action.get_absolute_url()),
            escaped(action.number),
            escaped(words(action.title, 30)),
            SUCCESS_MEASURE.format(escaped(words(measure, 25))) if measure else "",
            escaped(owner_names(action)),
            escaped(action.due_text or "–"),
            status_badges(action),
        )
    )
