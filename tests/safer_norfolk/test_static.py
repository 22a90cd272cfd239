from pathlib import Path

import pytest
from django.contrib.staticfiles import finders


def test_gov_uk_frontend_javascript_comes_from_the_npm_package():
    path = finders.find("govuk/govuk-frontend.min.js")

    assert path is not None
    assert "node_modules/govuk-frontend/dist/govuk" in path
    assert "initAll" in Path(path).read_text(encoding="utf-8")


def test_site_module_imports_gov_uk_frontend_by_relative_path():
    source = Path(finders.find("safer_norfolk/application.mjs")).read_text(encoding="utf-8")

    assert 'from "../govuk/govuk-frontend.min.js"' in source
    assert "initAll()" in source


def test_compiled_stylesheet_has_gov_uk_styles_without_the_gov_uk_font():
    css = Path(finders.find("safer_norfolk/application.css")).read_text(encoding="utf-8")

    assert ".govuk-generic-header" in css
    assert ".govuk-skip-link" in css
    assert "GDS Transport" not in css
    assert "@font-face" not in css


@pytest.mark.django_db  # closing a response closes old database connections
def test_static_files_are_served_by_the_site(client):
    response = client.get("/static/govuk/govuk-frontend.min.js")

    body = b"".join(response.streaming_content).decode()
    response.close()

    assert response.status_code == 200
    assert "initAll" in body
