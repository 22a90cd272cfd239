"""Reading a page as a browser would: anything in it that would run script is a problem."""

import json
import re
from html.parser import HTMLParser

# --- reading HTML as a browser would ----------------------------------------------------------

URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "srcset", "cite", "codebase", "dynsrc", "lowsrc", "ping", "longdesc", "srcdoc", "values",
}  # fmt: skip
FORBIDDEN_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "math", "animate", "set",
    "handler", "foreignobject",
}  # fmt: skip
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:")
CONTROL_AND_SPACE = "".join(chr(code) for code in range(33))


def dangerous_url(value):
    """Whether a browser would run or render `value` as a script or document: URL parsers drop
    tabs and newlines anywhere and control characters and spaces at the ends."""
    cleaned = re.sub(r"[\t\n\r]", "", value).strip(CONTROL_AND_SPACE).lower()
    return cleaned.startswith(DANGEROUS_SCHEMES)


class PageAudit(HTMLParser):
    """Everything in a page that could run script, and its visible text. `own_styles` are the
    style sheets the page's own template holds (the site's pages hold none)."""

    def __init__(self, html, own_styles=()):
        super().__init__(convert_charrefs=True)
        self.problems, self.text_parts, self.json_blocks, self.styles = [], [], [], []
        self._script = None
        self.feed(html)
        self.close()
        self.text = " ".join("".join(self.text_parts).split())
        self.problems += [
            f"<style> element {css!r}" for css in self.styles if css not in own_styles
        ]

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)
        if tag in ("script", "style"):
            self._script = (tag, dict(attrs), [])

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)
        if tag == "script":
            self._check_script(dict(attrs), "")

    def handle_endtag(self, tag):
        if self._script and tag == self._script[0]:
            name, attrs, parts = self._script
            if name == "script":
                self._check_script(attrs, "".join(parts))
            else:
                self.styles.append("".join(parts))
            self._script = None

    def handle_data(self, data):
        if self._script:
            self._script[2].append(data)
        else:
            self.text_parts.append(data)

    def _check(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        if (
            tag == "meta"
            and dict(attrs).get("http-equiv", "content-type").lower() != "content-type"
        ):
            self.problems.append(f"<meta http-equiv> element {attrs}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            if name in URL_ATTRIBUTES and dangerous_url(value):
                self.problems.append(f"<{tag} {name}={value!r}> script or data URL")
            if name == "style" and re.search(r"expression|javascript|url\(", value, re.I):
                self.problems.append(f"<{tag} style={value!r}> scripted style")

    def _check_script(self, attrs, body):
        kind = (attrs.get("type") or "").lower()
        if kind in ("application/ld+json", "application/json"):
            try:
                json.loads(body)
            except ValueError:
                self.problems.append(f"<script type={kind}> whose content is not JSON: {body!r}")
            else:
                self.json_blocks.append(body)
        elif body.strip() or not (attrs.get("src") or "").startswith("/static/"):
            self.problems.append(f"<script> not from the site's static files: {attrs} {body!r}")


def audit(response, what, own_styles=()):
    assert response.status_code == 200, f"{what} answered {response.status_code}"
    assert response["Content-Type"].startswith("text/html"), what
    page = PageAudit(response.content.decode(), own_styles)
    assert page.problems == [], f"{what} would run script: {page.problems}"
    return page
