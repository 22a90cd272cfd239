"""An error in a page answers with the site's own 500 page, which reads nothing from the
database (it may be what failed) and gives away nothing of the error."""

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from meetings import queries


def fail(*args, **kwargs):
    raise RuntimeError("secret detail of what went wrong")


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_failing_page_answers_with_the_sites_500_page(visitor, monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(queries, "home_page", fail)

    response = visitor.get(reverse("home"))

    assert response.status_code == 500
    page = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Sorry, there is a problem with the service</h1>' in page
    assert "govuk-template__header" in page
    assert settings.SITE_NAME in page
    assert reverse("accessibility") in page
    assert "secret detail" not in page
    assert "RuntimeError" not in page
    assert "Traceback" not in page


@pytest.mark.django_db
def test_the_500_page_answers_when_the_database_does_not(visitor, monkeypatch, settings):
    settings.PAGE_CACHE_SECONDS = 0

    def refuse(*args, **kwargs):
        raise OperationalError("the database is down")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = visitor.get(reverse("home"))

    assert response.status_code == 500
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "the database is down" not in page


@pytest.mark.django_db
def test_the_500_page_falls_back_to_plain_text(visitor, monkeypatch, settings):
    from django.template import loader

    settings.PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(queries, "home_page", fail)
    original = loader.get_template

    def no_error_template(name, *args, **kwargs):
        if name == "500.html":
            raise RuntimeError("the layout cannot be rendered")
        return original(name, *args, **kwargs)

    monkeypatch.setattr(loader, "get_template", no_error_template)

    response = visitor.get(reverse("home"))

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/plain")
    assert response.content == b"Sorry, there is a problem with the service. Try again later.\n"
