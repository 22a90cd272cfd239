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
