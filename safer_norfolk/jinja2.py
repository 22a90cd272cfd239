"""The Jinja2 environment of the public pages and the generated PDFs (settings.TEMPLATES).

A page's HTML is its template in jinja2/; what templates may call is listed here, and only
here. Fragments repeated across pages are macros: GOV.UK Frontend's components from
govuk-frontend-jinja (its port of GOV.UK Frontend's own Nunjucks macros, imported as
"govuk_frontend_jinja/components/<name>/macro.html"), the site's own tags and labels in
jinja2/macros.html, and a section's shared tables in jinja2/<section>/_macros.html.

Autoescaping is on for every template, whatever its name (Django's default for this
backend); text marked safe in Python (sanitised Markdown, form widgets) arrives as Markup.
"""

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from safer_norfolk import formats
from safer_norfolk.figures import figure_text, measured_text
from safer_norfolk.text import render_markdown, render_numbered_paragraphs, render_resolution


def url(name, *args, **kwargs):
    """`{{ url("meetings:meeting", slug=..., date=...) }}`: reverse() by name."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def linebreaksbr(text):
    """Django's `linebreaksbr`: the text escaped, its line breaks as <br>."""
    return defaultfilters.linebreaksbr(text, autoescape=True)


def resolution(resolution):
    """A minute's resolution as the minutes write it: its number, verb and text."""
    return render_resolution(resolution.order, resolution.verb, resolution.text)


def without_page(query, *names):
    """A request's query string (a QueryDict) without its page number (`page`, or the
    parameters `names`), for the links of a list's pages that keep the page's other
    parameters (its filters, and the page of another list on the same page)."""
    if not hasattr(query, "copy"):
        return ""
    kept = query.copy()
    for name in names or ("page",):
        kept.pop(name, None)
    return kept.urlencode()


FILTERS = {
    "date": formats.date,
    "words": formats.words,
    "full_stop": formats.full_stop,
    "markdown": render_markdown,
    "numbered_paragraphs": render_numbered_paragraphs,
    "linebreaksbr": linebreaksbr,
    "figure": figure_text,
    "measured": measured_text,
    "without_page": without_page,
    # Django's spellings, so a page reads as it did: "1 paper" / "2 papers", "12.3 KB".
    "pluralize": defaultfilters.pluralize,
    "filesizeformat": defaultfilters.filesizeformat,
    "floatformat": defaultfilters.floatformat,
}

GLOBALS = {
    "url": url,
    "static": static,
    "resolution": resolution,
}


def environment(**options):
    """The environment Django's Jinja2 backend renders with: its loader of jinja2/ first, then
    govuk-frontend-jinja's components under their own prefix."""
    options["loader"] = ChoiceLoader(
        [
            options["loader"],
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    # Escaping is on for every template, whatever the settings say.
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env
