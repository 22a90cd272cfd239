"""Hostile input through the API: text returned as JSON data exactly as stored (suite 1c), no
file accepted (suite 2), unknown records not found (suite 5)."""

import json

import pytest

from tests.hostile_input.audit import (
    PageAudit,
    audit,
)
from tests.hostile_input.world import (
    MARKDOWN_PAYLOADS,
    PLAIN_PAYLOADS,
    Filler,
    build_world,
    keep_marker,
    tag_for,
)

pytestmark = pytest.mark.django_db


# --- 1c. XSS: the API returns the text as data -------------------------------------------------

API_FIELDS = {
    "organisations": ("organisation", ["name", "short_name"]),
    "people": ("person", ["honorific", "name", "job_title"]),
    "committees": (
        "committee",
        ["name", "short_name", "description", "terms_of_reference", "contact_phone"],
    ),
    "meetings": ("meeting", ["venue", "public_notice"]),
    "agenda-items": ("item", ["number", "title", "description", "lead_text"]),
    "minutes": ("minute", ["number", "heading", "body"]),
    "resolutions": ("resolution", ["text"]),
    "action-points": ("open_point", ["reference", "description"]),
    "written-questions": ("question", ["question", "response"]),
    "work-programme": ("programme_item", ["title", "target_text", "issues", "invited"]),
    "plans": ("plan", ["title", "summary", "version_label"]),
    "sections": ("section", ["number", "title"]),
    "plan-actions": (
        "action",
        [
            "number",
            "title",
            "success_measure",
            "owner_note",
            "due_text",
            "method",
            "indicators",
            "cost_text",
            "funding_source",
            "external_ref",
        ],
    ),
    "action-updates": ("update", ["period_label", "text"]),
    "outcome-frameworks": ("framework", ["title", "summary"]),
    "outcomes": ("outcome", ["number", "title", "description"]),
    "measures": ("measure", ["number", "title", "direction_note", "source"]),
    "observations": ("observation", ["note"]),
}
BROWSABLE = ["minutes", "written-questions"]
API_PAYLOADS = {
    **{f"markdown-{name}": ("markdown", payload) for name, payload in MARKDOWN_PAYLOADS.items()},
    **{f"plain-{name}": ("plain", payload) for name, payload in PLAIN_PAYLOADS.items()},
}


@pytest.mark.parametrize(("kind", "payload"), API_PAYLOADS.values(), ids=API_PAYLOADS.keys())
def test_api_returns_hostile_text_as_json_data_exactly_as_stored(browser, kind, payload):
    if kind == "markdown":
        fill = Filler(markdown=lambda key: payload.replace("{keep}", keep_marker(key)))
    else:
        fill = Filler(plain=lambda key, max_length: f"{payload} {tag_for(key)}")
    world = build_world(fill)

    for prefix, (name, fields) in API_FIELDS.items():
        obj = world[name]
        response = browser.get(f"/api/v1/{prefix}/{obj.pk}/")
        assert response.status_code == 200, f"{prefix} answered {response.status_code}"
        assert response["Content-Type"] == "application/json", prefix
        assert response["X-Content-Type-Options"] == "nosniff", prefix
        data = json.loads(response.content)
        for field in fields:
            key = f"{type(obj).__name__}.{field}"
            # Markdown comes back as its source, not as HTML: the API holds no rendered field.
            assert data[field] == fill.values[key], f"{prefix} {field} is not returned as stored"
    meeting = json.loads(browser.get(f"/api/v1/meetings/{world['meeting'].pk}/").content)
    assert meeting["agenda_items"][0]["documents"][0]["title"] == fill.values["Document.title"]

    # The browsable API shows the same data as an HTML page: it must be as inert as the site.
    framework_styles = PageAudit(browser.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode())
    for prefix in BROWSABLE:
        obj = world[API_FIELDS[prefix][0]]
        page = audit(
            browser.get(f"/api/v1/{prefix}/{obj.pk}/", HTTP_ACCEPT="text/html"),
            f"The browsable API page of {prefix}",
            own_styles=framework_styles.styles,
        )
        for field in API_FIELDS[prefix][1]:
            shown = json.dumps(fill.values[f"{type(obj).__name__}.{field}"], ensure_ascii=False)
            assert " ".join(shown.split()) in page.text, f"{prefix} {field} is not shown as data"


def test_the_api_accepts_no_file_uploads():
    """Papers are uploaded only through the admin, which checks them: no API body has a file."""
    from drf_spectacular.generators import SchemaGenerator

    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]

    assert "Meeting" in components
    assert [name for name, schema in components.items() if "binary" in json.dumps(schema)] == []


API_PREFIXES = [
    "organisations", "people", "committees", "memberships", "meetings", "agenda-items", "minutes",
    "resolutions", "action-points", "written-questions", "work-programme", "plans", "sections",
    "plan-actions", "action-updates", "outcome-frameworks", "outcomes", "measures", "areas",
    "observations",
]  # fmt: skip
UNKNOWN_IDS = {"unknown": "999999", "not-a-number": "abc", "beyond-any-integer": "9" * 25}
UNKNOWN_API = {
    f"{prefix}-{case}": f"/api/v1/{prefix}/{value}/"
    for prefix in API_PREFIXES
    for case, value in UNKNOWN_IDS.items()
}


@pytest.mark.parametrize("address", UNKNOWN_API.values(), ids=UNKNOWN_API.keys())
def test_an_unknown_api_record_is_not_found(browser, address):
    response = browser.get(address)

    assert response.status_code == 404, f"{address} answered {response.status_code}"
    assert response["Content-Type"] == "application/json"
