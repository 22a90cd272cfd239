from django import template

from safer_norfolk.text import render_markdown, render_numbered_paragraphs, render_resolution

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def numbered_paragraphs(text, prefix):
    return render_numbered_paragraphs(text, prefix)


@register.simple_tag
def resolution(resolution):
    return render_resolution(resolution.order, resolution.verb, resolution.text)


@register.filter(is_safe=True)
def words(value, count):
    """What Django's truncatewords gives (the first `count` words, then " …" if there were
    more; runs of whitespace read as one space), at a fifth of its cost: a plan page shows
    two such extracts for each of its hundreds of actions.
    tests/safer_norfolk/test_words_filter.py compares the two."""
    value = str(value)
    try:
        count = int(count)
    except ValueError:
        return value
    if count <= 0:
        return ""
    parts = value.split()
    if len(parts) > count:
        kept = " ".join(parts[:count])
        # As Django's: no second ellipsis after words that already end in one.
        return kept if kept.endswith(" …") else kept + " …"
    return " ".join(parts)
