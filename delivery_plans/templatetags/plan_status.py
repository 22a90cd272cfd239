"""Status badges for plan actions. Each carries its meaning in text as well as colour; they
are made once here, since a plan page shows hundreds."""

from django import template
from django.utils.html import format_html

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
