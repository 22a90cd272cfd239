"""The back office of committee reports, as the author and the committee officer use it: a
report written section by section from its agenda item, published with the agenda by the
committee officer only, never with a required section empty or from a stale page."""

import pytest
from django.test import Client
from django.urls import reverse

from meetings.admin_reports import TABLE_STARTER
from meetings.models import Report, ReportTemplate
from tests.admin_forms import change_form_data
from tests.factories import AgendaItemFactory, CommitteeFactory, MeetingFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:meetings_report_add")


def change_url(report):
    return reverse("admin:meetings_report_change", args=[report.pk])


@pytest.fixture
def author_client(report_author):
    client = Client()
    client.force_login(report_author)
    client.user = report_author
    return client


@pytest.fixture
def officer_client(officer):
    client = Client()
    client.force_login(officer)
    return client


@pytest.fixture
def item():
    return AgendaItemFactory(
        meeting=MeetingFactory(draft=True), number="6", title="Working with SafeLives"
    )


def write(client, item, **sections):
    """The author's one form: the add page opened from the item, filled in and saved."""
    page = client.get(f"{ADD}?agenda_item={item.pk}")
    assert page.status_code == 200
    data = change_form_data(page)
    data.update({"title": "Working with SafeLives", "_save": "Save"})
    data.update({f"section_{key}": text for key, text in sections.items()})
    return page, client.post(f"{ADD}?agenda_item={item.pk}", data)


def test_an_author_writes_a_report_from_its_item_in_one_form(author_client, item):
    page, response = write(
        author_client,
        item,
        strategic_impact="Children exposed to domestic abuse suffer lasting harm.",
        proposal="Norfolk is a beacon site.\r\n\r\nThe first intervention is due in June.",
    )
    html = page.content.decode()

    # Every section of the default template has its box, the table one started for them.
    for section in ReportTemplate.objects.get(committee__isnull=True).sections:
        assert f'name="section_{section["key"]}"' in html
    assert TABLE_STARTER.splitlines()[0] in html
    assert f'<option value="{item.pk}" selected>' in html
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Report.objects.get()
    assert report.agenda_item == item
    assert report.author == author_client.user
    assert report.status == Report.Status.DRAFT
    assert report.sections["proposal"] == (
        "Norfolk is a beacon site.\n\nThe first intervention is due in June."
    )
    assert report.sections["financial"] == ""  # the untouched starter table is not kept
    assert report.history.count() == 1


def test_the_item_committees_own_template_gives_the_boxes(author_client):
    committee = CommitteeFactory()
    ReportTemplate.objects.create(
        name="Panel reports",
        committee=committee,
        sections=[
            {"key": "summary", "heading": "Summary", "required": True, "kind": "text"},
            {"key": "ask", "heading": "What we ask", "required": True, "kind": "text"},
        ],
    )
    item = AgendaItemFactory(meeting=MeetingFactory(committee=committee))

    html = author_client.get(f"{ADD}?agenda_item={item.pk}").content.decode()

    assert 'name="section_summary"' in html
    assert 'name="section_ask"' in html
    assert 'name="section_strategic_impact"' not in html


def test_choosing_another_template_shows_its_sections_before_saving(author_client, item):
    other = ReportTemplate.objects.create(
        name="Short report",
        committee=CommitteeFactory(),
        sections=[{"key": "summary", "heading": "Summary", "required": True, "kind": "text"}],
    )
    page = author_client.get(f"{ADD}?agenda_item={item.pk}")
    data = change_form_data(page)
    data.update({"title": "A short one", "template": str(other.pk), "_save": "Save"})

    response = author_client.post(f"{ADD}?agenda_item={item.pk}", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The sections below are now those of “Short report”: check them and save again." in html
    assert 'name="section_summary"' in html
    assert not Report.objects.exists()


def test_only_a_committee_officer_publishes_and_never_with_a_required_section_empty(
    author_client, officer_client, item
):
    write(author_client, item, strategic_impact="Lasting harm.", proposal="A beacon site.")
    report = Report.objects.get()

    # The author is offered no button, and a crafted request publishes nothing.
    author_page = author_client.get(change_url(report))
    assert 'name="_publish"' not in author_page.content.decode()
    data = change_form_data(author_page)
    author_client.post(change_url(report), {**data, "_publish": "Publish"})
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT

    officer_page = officer_client.get(change_url(report))
    assert 'value="Save and publish with the agenda" name="_publish"' in (
        officer_page.content.decode()
    )
    data = change_form_data(officer_page)
    refused = officer_client.post(change_url(report), {**data, "_publish": "x"}, follow=True)
    assert "cannot be published: write its “Executive summary”, “Recommendations”, " in (
        refused.content.decode()
    )
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT

    data = change_form_data(officer_client.get(change_url(report)))
    data.update(
        section_executive_summary="£2 million for a Beacon Project.",
        section_recommendations="To note and endorse.",
        section_financial="| Year | Cost |\n|---|---|\n| 2017-2018 | £55,930 |",
        section_officer_contact="Julie Westmacott",
        _publish="x",
    )
    published = officer_client.post(change_url(report), data, follow=True)
    report.refresh_from_db()
    assert report.status == Report.Status.PUBLISHED
    assert "“Working with SafeLives” is published with its agenda. It will be public when the " \
        "agenda is." in published.content.decode()  # fmt: skip
    # Not public yet: the agenda is a draft.
    assert Client().get(report.get_absolute_url()).status_code == 404


def test_a_page_opened_before_anothers_change_does_not_publish_it(officer_client, item):
    report = Report.objects.create(
        agenda_item=item,
        title="Working with SafeLives",
        template=ReportTemplate.objects.get(committee__isnull=True),
        sections={"strategic_impact": "x"},
    )
    stale = change_form_data(officer_client.get(change_url(report)))
    fresh = change_form_data(officer_client.get(change_url(report)))
    officer_client.post(change_url(report), {**fresh, "title": "Renamed", "_continue": "x"})

    response = officer_client.post(
        change_url(report), {**stale, "title": "Old title", "_publish": "x"}
    )

    assert response.status_code == 200  # the form again, with the other change named
    report.refresh_from_db()
    assert report.title == "Renamed"
    assert report.status == Report.Status.DRAFT


def test_a_template_that_is_no_key_is_refused_on_the_form(author_client, item):
    # "²" is a digit to str.isdigit() but no key: the form once failed on it.
    response = author_client.post(
        f"{ADD}?agenda_item={item.pk}", {"agenda_item": item.pk, "title": "A", "template": "²"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
