"""Rich text: officers write Markdown; the site shows it as sanitised HTML.

Everything an officer or a partner types (minute bodies, responses, descriptions) goes
through `render_markdown`, the one place Markdown becomes HTML. nh3 keeps only the tags and
attributes below, so script, event handlers and javascript: links come out inert.
"""

import html
import re
import threading

import markdown
import nh3
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote",
    "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}

_LIST_OR_CONTINUATION = re.compile(r"^(\s+|[-*+] |\d+[.)] )")


_local = threading.local()


def escaped(value):
    """What format_html puts in place of `value`: its text escaped, unless it is already safe
    HTML. Without the lazy-text checks Django's escape makes on every call, for markup written
    in Python many times a page (select options, plan table rows)."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


def _markdown():
    """A Markdown converter per thread: building one costs more than converting a paragraph."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=["sane_lists", "tables"], output_format="html"
        )
    return converter.reset()


# Characters that mean something to Markdown or HTML (emphasis, code, links, tags, entities,
# escapes, tables, headings, rules).
_MARKUP_CHARACTERS = frozenset("\\`*_[]<>&|!#~=")
_ORDERED_LIST_START = re.compile(r"\d+[.)]")


def _plain_paragraph(text):
    """The HTML Markdown makes of `text` when it can only be one plain paragraph, worked out
    without Markdown's parser (which costs far more than the paragraph); None otherwise.
    That is one line of printable characters (Markdown expands tabs and drops control
    characters), starting with a letter or digit (not a list, heading, quote or code block)
    but not like an ordered list item, with no character in _MARKUP_CHARACTERS. Markdown
    leaves such text as it is, and so does nh3 (tests/safer_norfolk/test_text.py checks
    that the shortcut gives what the two give)."""
    if (
        not text.isprintable()
        or not text[:1].isalnum()
        or _ORDERED_LIST_START.match(text)
        or not _MARKUP_CHARACTERS.isdisjoint(text)
    ):
        return None
    return f"<p>{text}</p>"


def _sanitise(html):
    """nh3 removes every tag and attribute outside the allow-lists above."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def _to_safe_html(text):
    # A plain paragraph holds no tag, entity or markup character: nh3 would return it as it
    # is (tests/safer_norfolk/test_text.py checks that too), so only Markdown's output goes
    # through it.
    html = _plain_paragraph(text) or _sanitise(_markdown().convert(text))
    return mark_safe(f'<div class="app-prose">{html}</div>')  # noqa: S308 -- plain or sanitised above


def render_markdown(text):
    """Sanitised HTML for Markdown `text`; empty input gives an empty string."""
    if not text or not text.strip():
        return ""
    return _to_safe_html(text)


def paragraphs(text):
    """Split Markdown into its top-level paragraphs; a list or indented block that follows a
    paragraph belongs to it (as "5.2 Key points were: - …" does in minutes)."""
    blocks = [
        block.strip("\n") for block in re.split(r"\n\s*\n", (text or "").strip()) if block.strip()
    ]
    grouped = []
    for block in blocks:
        if grouped and _LIST_OR_CONTINUATION.match(block):
            grouped[-1] = f"{grouped[-1]}\n\n{block}"
        else:
            grouped.append(block)
    return grouped


def render_numbered_paragraphs(text, prefix):
    """Minutes style: each top-level paragraph numbered "<prefix>.1", "<prefix>.2" …"""
    parts = paragraphs(text)
    if not parts:
        return ""
    return format_html_join(
        "\n",
        '<div class="app-numbered-paragraph" id="minute-{}"><span class="app-numbered-paragraph__number">{}</span>'
        '<div class="app-numbered-paragraph__body">{}</div></div>',
        (
            (f"{prefix}.{position}", f"{prefix}.{position}", _to_safe_html(part))
            for position, part in enumerate(parts, 1)
        ),
    )


def render_resolution(order, verb, text):
    """“1) NOTED the report.” with the verb in bold, as minutes print decisions."""
    return format_html("{}) <strong>{}</strong> {}", order, verb.upper(), text)
