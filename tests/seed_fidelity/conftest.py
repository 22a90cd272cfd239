"""The demo data read back through every public channel, once per module.

Each module loads the demo once (``demo_module`` in tests/conftest.py) and renders each public document it reads (page, PDF, API answer) once."""

import html
import json
import re

import pytest
from django.test import Client

from tests.http import read_body
from tests.pdfs import pdf_pages_text


def squeeze(text):
    """One space for every run of white space, so line breaks in a PDF or page do not matter."""
    return re.sub(r"\s+", " ", text).strip()


def html_text(markup):
    """The visible text of an HTML page."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    markup = re.sub(r"<[^>]+>", " ", markup)
    return squeeze(html.unescape(markup))


class Channels:
    """The public channels of the demo site, each document fetched once."""

    def __init__(self):
        self.client = Client()
        self._seen = {}

    def _get(self, url, kind):
        if url not in self._seen:
            response = self.client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            body = read_body(response)
            if kind == "pdf":
                assert response["Content-Type"] == "application/pdf", url
                self._seen[url] = squeeze("\n".join(pdf_pages_text(body)))
            elif kind == "json":
                self._seen[url] = json.loads(body)
            else:
                self._seen[url] = html_text(body.decode())
        return self._seen[url]

    def page(self, url):
        """The visible text of a public page."""
        return self._get(url, "page")

    def pdf(self, url):
        """The text of a PDF, every page."""
        return self._get(url, "pdf")

    def api(self, url):
        """The JSON of an API answer."""
        return self._get(url, "json")

    def api_results(self, url):
        """Every result of a paginated API list."""
        results, address = [], url
        while address:
            data = self.client.get(address)
            assert data.status_code == 200, (address, data.status_code)
            data = json.loads(read_body(data))
            results.extend(data["results"])
            address = data.get("next")
        return results


@pytest.fixture(scope="module")
def demo(demo_module):
    """The demo data, loaded once for the module and rolled back after it
    (tests/conftest.py), and its public channels."""
    return Channels()


def meeting_api(demo, committee_slug, day):
    """The API's record of a committee's meeting on a day (ISO date), found through the
    meetings list as a client would."""
    from meetings.models import Committee

    committee = Committee.objects.get(slug=committee_slug)
    meetings = demo.api_results(f"/api/v1/meetings/?committee={committee.pk}")
    found = [meeting for meeting in meetings if meeting["starts_at"].startswith(day)]
    assert len(found) == 1, (committee_slug, day, [m["starts_at"] for m in meetings])
    return found[0]


def missing(text, *phrases):
    """The phrases the text does not hold (a short list, where a failed `in` on a whole page
    would print the page)."""
    return [phrase for phrase in phrases if phrase not in text]


def present(text, *phrases):
    """The phrases the text holds but should not."""
    return [phrase for phrase in phrases if phrase in text]
