"""The committee officer's minute-taking screen (meetings/admin_minutes.py): every agenda item
of a meeting with its minute, decisions, action points and questions, saved item by item or
all at once, with the version checks of every admin form (docs/security.md)."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import ActionPoint, Minute, Resolution, WrittenQuestion
from safer_norfolk.roles import COMMITTEE_OFFICER, PARTNERSHIP_OFFICER
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    ResolutionFactory,
    UserFactory,
    WrittenQuestionFactory,
)

pytestmark = pytest.mark.django_db


class _FormReader(HTMLParser):
    """What a browser sends for the page's form: its fields as rendered (not the templates
    of rows a script would add), ticked boxes only, chosen options only."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = []
        self.in_template = 0
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self.in_template += 1
        if self.in_template:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button"):
                return
            if kind == "checkbox":
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
                return
            self.data.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = [name, None]
        elif (
            tag == "option"
            and self.select is not None
            and ("selected" in attrs or self.select[1] is None)
        ):
            # The chosen option, or the first when none is.
            self.select[1] = (attrs.get("value", ""), "selected" in attrs)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self.in_template -= 1
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            self.data.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            name, chosen = self.select
            self.data.append((name, chosen[0] if chosen else ""))
            self.select = None


def form_data(response):
    reader = _FormReader()
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.data:
        data[name] = value
    return data


def officer(username="committee-officer", first_name="Amira"):
    user = UserFactory(username=username, first_name=first_name, last_name="")
    user.groups.add(Group.objects.get(name=COMMITTEE_OFFICER))
    client = Client()
    client.force_login(user)
    return client, user


def address(meeting):
    return f"/admin/meetings/meeting/{meeting.pk}/minutes/"


@pytest.fixture
def meeting():
    """A meeting held last week with the agenda of a partnership's board."""
    meeting = MeetingFactory(
        committee=CommitteeFactory(name="Cambridge Community Safety Partnership"),
        starts_at=timezone.now() - datetime.timedelta(days=7),
    )
    titles = [
        ("1", "apologies", "Apologies for absence"),
        ("2", "minutes", "Minutes of the previous meeting"),
        ("3", "declarations", "Declarations of interest"),
        ("5", "report", "Serious violence duty"),
        ("10", "report", "Domestic abuse annual report"),
        ("11", "any_other_business", "Any other business"),
    ]
    for number, kind, title in titles:
        AgendaItemFactory(meeting=meeting, number=number, kind=kind, title=title)
    return meeting


def item(meeting, number):
    return meeting.agenda_items.get(number=number)


def test_the_page_lists_every_item_in_order_with_its_records(meeting):
    client, _ = officer()
    report = item(meeting, "5")
    minute = MinuteFactory(
        meeting=meeting,
        agenda_item=report,
        number="5",
        heading="Serious violence duty",
        body="The panel received the report.\n\nKey points were:\n\n- funding\n- data\n\n"
        "Members asked about schools.",
    )
    ResolutionFactory(minute=minute, order=1, verb="noted", text="the report.")
    # A person and an organisation whose keys are the same: each box names its own.
    lead = PersonFactory(pk=4242, honorific="", name="Keryn Jalli")
    OrganisationFactory(pk=4242, name="Not the owner")
    all_partners = OrganisationFactory(name="All partners")
    ActionPointFactory(
        meeting=meeting,
        minute=minute,
        reference="10/01",
        description="Circulate the data.",
        owner_person=lead,
        owner_organisation=all_partners,
    )
    WrittenQuestionFactory(
        meeting=meeting, agenda_item=report, number=1, question="How many referrals?"
    )

    page = client.get(address(meeting))

    assert page.status_code == 200
    html = page.content.decode()
    headings = [
        "1. Apologies for absence",
        "2. Minutes of the previous meeting",
        "3. Declarations of interest",
        "5. Serious violence duty",
        "10. Domestic abuse annual report",
        "11. Any other business",
    ]
    positions = [html.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions), "items in agenda order (10 after 5)"
    # The paragraphs are numbered as the public page numbers them: the list belongs to 5.2.
    assert '<span class="paragraph-number">5.1</span> The panel received the report.' in html
    assert '<span class="paragraph-number">5.2</span> Key points were: - funding - data' in html
    assert '<span class="paragraph-number">5.3</span> Members asked about schools.' in html
    assert "3 paragraphs: 5.1 to 5.3" in html
    assert "the report.</textarea>" in html
    assert 'value="10/01"' in html
    assert "Circulate the data.</textarea>" in html
    assert "How many referrals?</textarea>" in html
    assert '<option value="4242" selected>Keryn Jalli</option>' in html
    assert f'<option value="{all_partners.pk}" selected>All partners</option>' in html
    assert "Not the owner" not in html
    # An item without a minute offers one with the item's number and title.
    assert f'name="item-{item(meeting, "10").pk}-minute-number" value="10"' in html
    assert 'value="Domestic abuse annual report"' in html
    assert "Save item 10" in html
    assert "Save all" in html


def test_the_meeting_s_page_and_the_meetings_list_link_to_the_screen(meeting):
    client, _ = officer()

    change = client.get(f"/admin/meetings/meeting/{meeting.pk}/change/").content.decode()
    listing = client.get("/admin/meetings/meeting/").content.decode()

    assert f'href="{address(meeting)}">Take minutes</a>' in change
    assert f'href="{address(meeting)}">Take minutes' in listing


def test_save_all_records_the_whole_meeting_in_one_post(meeting):
    client, _ = officer()
    all_partners = OrganisationFactory(name="All partners", kind="partnership_group")
    police = OrganisationFactory(name="Cambridgeshire Constabulary")
    lead = PersonFactory(name="Keryn Jalli")
    data = form_data(client.get(address(meeting)))
    report, other = item(meeting, "5"), item(meeting, "11")
    apologies = item(meeting, "1")
    data[f"item-{apologies.pk}-minute-body"] = "Apologies were received from James Ball."
    data[f"item-{report.pk}-minute-body"] = (
        "Keryn Jalli presented the report.\n\nMembers asked about schools.\n\n"
        "The Chair thanked officers."
    )
    data[f"item-{report.pk}-resolutions-0-verb"] = "noted"
    data[f"item-{report.pk}-resolutions-0-text"] = "the report."
    data[f"item-{report.pk}-resolutions-1-verb"] = "agreed"
    data[f"item-{report.pk}-resolutions-1-text"] = "to write to the Home Office."
    data[f"item-{report.pk}-actions-0-description"] = "Share the schools data."
    data[f"item-{report.pk}-actions-0-owner_person"] = str(lead.pk)
    data[f"item-{report.pk}-actions-0-due_date"] = "2030-01-31"
    data[f"item-{report.pk}-questions-0-question"] = "How many schools took part?"
    data[f"item-{report.pk}-questions-0-addressed_to"] = str(police.pk)
    data[f"item-{other.pk}-minute-body"] = "Online meetings were proposed."
    data[f"item-{other.pk}-actions-0-description"] = "Consider holding meetings online."
    data[f"item-{other.pk}-actions-0-owner_organisation"] = str(all_partners.pk)
    data["save"] = "all"

    saved = client.post(address(meeting), data)

    assert saved.status_code == 302
    assert saved["Location"] == address(meeting)
    minutes = {m.number: m for m in Minute.objects.filter(meeting=meeting)}
    assert sorted(minutes) == ["1", "11", "5"], "items left empty get no minute"
    assert minutes["5"].agenda_item == report
    assert minutes["5"].heading == "Serious violence duty"
    assert minutes["5"].body.startswith("Keryn Jalli presented the report.\n\nMembers")
    decisions = list(minutes["5"].resolutions.order_by("order"))
    assert [(d.order, d.verb, d.text) for d in decisions] == [
        (1, "noted", "the report."),
        (2, "agreed", "to write to the Home Office."),
    ]
    month = f"{meeting.local_date:%m}"
    points = {p.reference: p for p in ActionPoint.objects.filter(meeting=meeting)}
    assert sorted(points) == [f"{month}/01", f"{month}/02"], "numbered by the service"
    assert points[f"{month}/01"].minute == minutes["5"]
    assert points[f"{month}/01"].owner_person == lead
    assert points[f"{month}/01"].due_date == datetime.date(2030, 1, 31)
    assert points[f"{month}/02"].minute == minutes["11"]
    assert points[f"{month}/02"].owner_organisation == all_partners
    question = WrittenQuestion.objects.get(meeting=meeting)
    assert (question.number, question.agenda_item, question.addressed_to) == (1, report, police)
    page = client.get(address(meeting))
    notes = [str(message) for message in page.context["messages"]]
    assert any(
        "3 minutes, 2 decisions, 2 action points, 1 question" in note
        and f"{month}/01, {month}/02" in note
        for note in notes
    )


def test_saving_one_item_writes_only_that_item_and_returns_to_it(meeting):
    client, _ = officer()
    data = form_data(client.get(address(meeting)))
    report, other = item(meeting, "5"), item(meeting, "10")
    data[f"item-{report.pk}-minute-body"] = "The panel received the report."
    data[f"item-{report.pk}-resolutions-0-verb"] = "noted"
    data[f"item-{report.pk}-resolutions-0-text"] = "the report."
    data["save"] = str(report.pk)

    saved = client.post(address(meeting), data)

    assert saved.status_code == 302
    assert saved["Location"] == f"{address(meeting)}#item-{report.pk}"
    minute = Minute.objects.get(meeting=meeting)
    assert minute.agenda_item == report
    assert minute.resolutions.get().text == "the report."
    assert not Minute.objects.filter(agenda_item=other).exists()


def test_saving_one_item_keeps_what_was_typed_under_others_on_the_page(meeting):
    client, _ = officer()
    data = form_data(client.get(address(meeting)))
    report, other = item(meeting, "5"), item(meeting, "10")
    data[f"item-{report.pk}-minute-body"] = "The panel received the report."
    data[f"item-{other.pk}-minute-body"] = "Typed but not yet saved."
    data["save"] = str(report.pk)

    page = client.post(address(meeting), data)

    assert page.status_code == 200
    assert Minute.objects.get(meeting=meeting).agenda_item == report
    assert not Minute.objects.filter(agenda_item=other).exists()
    html = page.content.decode()
    assert "Typed but not yet saved.</textarea>" in html
    assert "Not saved yet: what you typed under item 10" in html


def test_an_error_writes_nothing_and_shows_each_error_by_its_field(meeting):
    client, _ = officer()
    data = form_data(client.get(address(meeting)))
    report, other = item(meeting, "5"), item(meeting, "10")
    data[f"item-{report.pk}-minute-body"] = "The panel received the report."
    data[f"item-{report.pk}-resolutions-0-text"] = "the report."  # no verb
    data[f"item-{other.pk}-minute-body"] = "Members noted the annual report."
    data[f"item-{other.pk}-actions-0-owner_person"] = str(PersonFactory().pk)  # no action
    data["save"] = "all"

    page = client.post(address(meeting), data)

    assert page.status_code == 200
    assert not Minute.objects.filter(meeting=meeting).exists()
    assert not ActionPoint.objects.filter(meeting=meeting).exists()
    html = page.content.decode()
    assert "There are 2 errors below. Nothing was saved." in html
    assert f'<a href="#item-{report.pk}">Item 5: Serious violence duty</a>' in html
    # Each error is next to its field, and what was typed is kept.
    verb = f"id_item-{report.pk}-resolutions-0-verb"
    assert f'id="{verb}_error"' in html
    assert 'aria-invalid="true"' in html
    description = f"id_item-{other.pk}-actions-0-description"
    assert f'id="{description}_error"' in html
    assert "The panel received the report.</textarea>" in html
    assert "Members noted the annual report.</textarea>" in html


def test_a_number_given_twice_is_an_error_not_a_failed_save(meeting):
    client, _ = officer()
    data = form_data(client.get(address(meeting)))
    report, other = item(meeting, "5"), item(meeting, "10")
    data[f"item-{report.pk}-minute-body"] = "First."
    data[f"item-{other.pk}-minute-number"] = "5"
    data[f"item-{other.pk}-minute-body"] = "Second."

    page = client.post(address(meeting), {**data, "save": "all"})

    assert page.status_code == 200
    assert "Another minute of this meeting is numbered 5." in page.content.decode()
    assert not Minute.objects.filter(meeting=meeting).exists()


def test_two_minutes_swap_numbers_in_one_save(meeting):
    client, _ = officer()
    report, other = item(meeting, "5"), item(meeting, "10")
    first = MinuteFactory(meeting=meeting, agenda_item=report, number="5")
    second = MinuteFactory(meeting=meeting, agenda_item=other, number="6")
    data = form_data(client.get(address(meeting)))
    data[f"item-{report.pk}-minute-number"] = "6"
    data[f"item-{other.pk}-minute-number"] = "5"

    assert client.post(address(meeting), {**data, "save": "all"}).status_code == 302

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.number, second.number) == ("6", "5")


def test_decisions_and_questions_swap_numbers_in_one_save(meeting):
    client, _ = officer()
    report = item(meeting, "5")
    minute = MinuteFactory(meeting=meeting, agenda_item=report, number="5")
    noted = ResolutionFactory(minute=minute, order=1, verb="noted")
    agreed = ResolutionFactory(minute=minute, order=2, verb="agreed")
    first = WrittenQuestionFactory(meeting=meeting, agenda_item=report, number=1)
    second = WrittenQuestionFactory(meeting=meeting, agenda_item=report, number=2)
    data = form_data(client.get(address(meeting)))
    data[f"item-{report.pk}-resolutions-0-order"] = "2"
    data[f"item-{report.pk}-resolutions-1-order"] = "1"
    data[f"item-{report.pk}-questions-0-number"] = "2"
    data[f"item-{report.pk}-questions-1-number"] = "1"

    assert client.post(address(meeting), {**data, "save": str(report.pk)}).status_code == 302

    for row in (noted, agreed, first, second):
        row.refresh_from_db()
    assert (noted.order, agreed.order) == (2, 1)
    assert (first.number, second.number) == (2, 1)


# --- two officers -------------------------------------------------------------------------


def stored_rows(meeting):
    """A minute on item 5 with a decision, an action point and a question."""
    report = item(meeting, "5")
    minute = MinuteFactory(meeting=meeting, agenda_item=report, number="5", body="Received.")
    rows = {
        "minute": (minute, f"item-{report.pk}-minute", "body"),
        "decision": (
            ResolutionFactory(minute=minute, order=1, text="the report."),
            f"item-{report.pk}-resolutions-0",
            "text",
        ),
        "action point": (
            ActionPointFactory(meeting=meeting, minute=minute, reference="10/01"),
            f"item-{report.pk}-actions-0",
            "description",
        ),
        "question": (
            WrittenQuestionFactory(meeting=meeting, agenda_item=report, number=1),
            f"item-{report.pk}-questions-0",
            "question",
        ),
    }
    return report, rows


ROWS = ["minute", "decision", "action point", "question"]


@pytest.mark.parametrize("kind", ROWS)
def test_an_untouched_stale_row_keeps_the_other_officer_s_change(meeting, kind):
    first, _ = officer("first-officer", "Amira")
    second, _ = officer("second-officer", "Ben")
    _, rows = stored_rows(meeting)
    row, prefix, field = rows[kind]
    second_form = form_data(second.get(address(meeting)))  # Ben opens the page first
    first_form = form_data(first.get(address(meeting)))
    first_form[f"{prefix}-{field}"] = "Amira's corrected wording."
    assert first.post(address(meeting), {**first_form, "save": "all"}).status_code == 302
    # Ben leaves that row as it was and minutes another item.
    other = item(meeting, "10")
    second_form[f"item-{other.pk}-minute-body"] = "Ben's minute of item 10."

    saved = second.post(address(meeting), {**second_form, "save": "all"}, follow=True)

    assert saved.redirect_chain, "the untouched stale row does not block the save"
    row.refresh_from_db()
    assert getattr(row, field) == "Amira's corrected wording."
    assert Minute.objects.get(agenda_item=other).body == "Ben's minute of item 10."
    notes = [str(message) for message in saved.context["messages"]]
    assert any("was changed by Amira" in note and "keeps their changes" in note for note in notes)


@pytest.mark.parametrize("kind", ROWS)
def test_a_changed_stale_row_is_refused_naming_who_changed_what(meeting, kind):
    first, _ = officer("first-officer", "Amira")
    second, _ = officer("second-officer", "Ben")
    _, rows = stored_rows(meeting)
    row, prefix, field = rows[kind]
    second_form = form_data(second.get(address(meeting)))
    first_form = form_data(first.get(address(meeting)))
    first_form[f"{prefix}-{field}"] = "Amira's corrected wording."
    assert first.post(address(meeting), {**first_form, "save": "all"}).status_code == 302
    second_form[f"{prefix}-{field}"] = "Ben's wording."
    other = item(meeting, "10")
    second_form[f"item-{other.pk}-minute-body"] = "Ben's minute of item 10."

    refused = second.post(address(meeting), {**second_form, "save": "all"})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "was changed by Amira" in page
    assert "Your changes have not been saved" in page
    label = str(type(row)._meta.get_field(field).verbose_name)
    assert f"({label})" in page
    row.refresh_from_db()
    assert getattr(row, field) == "Amira's corrected wording."
    assert not Minute.objects.filter(agenda_item=other).exists(), "nothing of Ben's is written"


def test_a_minute_written_since_the_page_was_opened_is_not_overwritten(meeting):
    first, _ = officer("first-officer", "Amira")
    second, _ = officer("second-officer", "Ben")
    report = item(meeting, "5")
    second_form = form_data(second.get(address(meeting)))  # item 5 has no minute yet
    first_form = form_data(first.get(address(meeting)))
    first_form[f"item-{report.pk}-minute-body"] = "Amira's minute."
    assert first.post(address(meeting), {**first_form, "save": "all"}).status_code == 302

    second_form[f"item-{report.pk}-minute-body"] = "Ben's minute."
    refused = second.post(address(meeting), {**second_form, "save": "all"})

    assert refused.status_code == 200
    assert "was changed by Amira" in refused.content.decode()
    assert Minute.objects.get(agenda_item=report).body == "Amira's minute."


def test_a_change_to_published_minutes_is_stamped_as_a_correction(meeting):
    client, _ = officer()
    report = item(meeting, "5")
    minute = MinuteFactory(meeting=meeting, agenda_item=report, number="5")
    decision = ResolutionFactory(minute=minute, order=1, text="the report.")
    meeting.minutes_status = "published"
    meeting.save()
    data = form_data(client.get(address(meeting)))
    data[f"item-{report.pk}-resolutions-0-text"] = "the report, with thanks."

    assert client.post(address(meeting), {**data, "save": str(report.pk)}).status_code == 302

    decision.refresh_from_db()
    minute.refresh_from_db()
    assert decision.text == "the report, with thanks."
    assert minute.corrected_at is not None


# --- integrity and permissions --------------------------------------------------------------


def test_another_meeting_s_rows_cannot_be_named_in_the_post(meeting):
    client, _ = officer()
    elsewhere = MeetingFactory(committee=meeting.committee)
    their_item = AgendaItemFactory(meeting=elsewhere, number="5", title="Their report")
    their_minute = MinuteFactory(meeting=elsewhere, agenda_item=their_item, number="5")
    their_decision = ResolutionFactory(minute=their_minute, order=1, text="their decision.")
    their_question = WrittenQuestionFactory(meeting=elsewhere, agenda_item=their_item, number=1)
    report = item(meeting, "5")
    data = form_data(client.get(address(meeting)))
    # The first new decision row and question row are passed off as the other meeting's.
    for group, row in (("resolutions", their_decision), ("questions", their_question)):
        data[f"item-{report.pk}-{group}-INITIAL_FORMS"] = "1"
        data[f"item-{report.pk}-{group}-0-id"] = str(row.pk)
    data[f"item-{report.pk}-resolutions-0-verb"] = "agreed"
    data[f"item-{report.pk}-resolutions-0-text"] = "a tampered decision."
    data[f"item-{report.pk}-questions-0-question"] = "A tampered question?"

    refused = client.post(address(meeting), {**data, "save": "all"})

    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    their_decision.refresh_from_db()
    their_question.refresh_from_db()
    assert their_decision.text == "their decision."
    assert their_question.question != "A tampered question?"
    assert not Minute.objects.filter(meeting=meeting).exists()

    # Nor can one of its items be saved through this meeting's page.
    other_item = client.post(address(meeting), {**data, "save": str(their_item.pk)})
    assert other_item.status_code == 400


def test_a_partnership_officer_may_not_open_the_screen(meeting):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=PARTNERSHIP_OFFICER))
    client = Client()
    client.force_login(user)

    assert client.get(address(meeting)).status_code == 403
    assert client.post(address(meeting), {"save": "all"}).status_code == 403
    assert not Minute.objects.filter(meeting=meeting).exists()


def test_an_officer_who_may_not_delete_decisions_is_given_no_delete_box(meeting):
    user = UserFactory()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="meetings").exclude(
            codename="delete_resolution"
        )
    )
    client = Client()
    client.force_login(user)
    report = item(meeting, "5")
    minute = MinuteFactory(meeting=meeting, agenda_item=report, number="5")
    decision = ResolutionFactory(minute=minute, order=1)
    page = client.get(address(meeting))
    prefix = f"item-{report.pk}-resolutions-0"
    assert f'name="{prefix}-DELETE"' not in page.content.decode()
    assert f'name="item-{report.pk}-actions-0-DELETE"' in page.content.decode()
    data = form_data(page)
    data[f"{prefix}-DELETE"] = "on"

    assert client.post(address(meeting), {**data, "save": "all"}).status_code == 302

    assert Resolution.objects.filter(pk=decision.pk).exists()


def test_saving_one_item_checks_only_that_item(meeting):
    client, _ = officer()
    data = form_data(client.get(address(meeting)))
    report, other = item(meeting, "5"), item(meeting, "10")
    data[f"item-{report.pk}-minute-body"] = "The panel received the report."
    data[f"item-{other.pk}-resolutions-0-text"] = "a decision without its verb, not yet saved."

    page = client.post(address(meeting), {**data, "save": str(report.pk)})

    assert page.status_code == 200
    assert Minute.objects.get(meeting=meeting).agenda_item == report
    assert "errors below" not in page.content.decode()


def test_the_history_records_the_officer(meeting):
    client, user = officer()
    report = item(meeting, "5")
    data = form_data(client.get(address(meeting)))
    data[f"item-{report.pk}-minute-body"] = "Received."
    data[f"item-{report.pk}-resolutions-0-verb"] = "noted"
    data[f"item-{report.pk}-resolutions-0-text"] = "the report."
    data[f"item-{report.pk}-actions-0-description"] = "Circulate the slides."
    data[f"item-{report.pk}-questions-0-question"] = "When will it be published?"

    assert client.post(address(meeting), {**data, "save": "all"}).status_code == 302

    for model in (Minute, Resolution, ActionPoint, WrittenQuestion):
        record = model.history.latest("history_date")
        assert record.history_type == "+"
        assert record.history_user == user, model


def test_the_page_costs_the_same_queries_whatever_the_number_of_items():
    client, _ = officer()
    counts = []
    for size in (2, 8):
        meeting = MeetingFactory()
        for number in range(1, size + 1):
            agenda_item = AgendaItemFactory(meeting=meeting, number=str(number))
            minute = MinuteFactory(meeting=meeting, agenda_item=agenda_item, number=str(number))
            ResolutionFactory(minute=minute, order=1)
            ActionPointFactory(
                meeting=meeting,
                minute=minute,
                owner_person=PersonFactory(),
                owner_organisation=OrganisationFactory(),
            )
            WrittenQuestionFactory(meeting=meeting, agenda_item=agenda_item)
        client.get(address(meeting))  # the session and permissions are read once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address(meeting))
        assert response.status_code == 200
        assert response.content.decode().count("Save item ") == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # The session, the officer and their permissions, then the meeting, its items, minutes,
    # decisions, action points and questions: one query each.
    assert counts[0] <= 15, "\n".join(q["sql"][:100] for q in queries.captured_queries)
