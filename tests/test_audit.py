"""Audit history, no lost edits, and the public note on corrected records (docs/security.md)."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from delivery_plans.models import Action
from meetings import services
from meetings.models import (
    ActionPoint,
    AgendaItem,
    AgendaPack,
    Meeting,
    Minute,
    OrganisationAttendance,
    WrittenQuestion,
)
from outcomes.models import Observation
from outcomes.services import ImportReport, save_observations
from safer_norfolk.audit import StaleEdit, Versioned
from safer_norfolk.models import ContentGeneration, ImportJob, Removal, RenderedDocument
from safer_norfolk.roles import COMMITTEE_OFFICER
from tests.admin_forms import change_form_data
from tests.factories import (
    ActionFactory,
    ActionPointFactory,
    AgendaItemFactory,
    MeasureFactory,
    MeetingFactory,
    ObservationFactory,
    UserFactory,
    area,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

CONTENT_APPS = ("safer_norfolk", "meetings", "delivery_plans", "outcomes")
# Derived, not content: a built pack or a stored document is made again from the audited
# records it contains, the content generation only counts changes to the rest, and an import
# job is the bookkeeping of an upload (the records the import writes are audited); an
# organisation's record at a meeting is worked out from audited attendance and memberships; a
# removal is written when an audited record is deleted or withdrawn, and is itself a log.
NOT_CONTENT = {
    AgendaPack,
    ContentGeneration,
    ImportJob,
    OrganisationAttendance,
    Removal,
    RenderedDocument,
}


def committee_officer(username="committee-officer", first_name=""):
    user = UserFactory(username=username, first_name=first_name, last_name="")
    user.groups.add(Group.objects.get(name=COMMITTEE_OFFICER))
    client = Client()
    client.force_login(user)
    return user, client


def test_every_content_model_keeps_an_audit_history():
    content = [
        model
        for name in CONTENT_APPS
        for model in apps.get_app_config(name).get_models()
        if not model.__name__.startswith("Historical") and model not in NOT_CONTENT
    ]

    assert len(content) == 28
    assert [model.__name__ for model in content if not hasattr(model, "history")] == []


def test_every_record_officers_edit_carries_a_version():
    """Every content model, so no stale form can write any of them back (tests/test_stale_edits.py)."""
    content = {
        model.__name__
        for name in CONTENT_APPS
        for model in apps.get_app_config(name).get_models()
        if model not in NOT_CONTENT and not model.__name__.startswith("Historical")
    }
    versioned = {
        model.__name__
        for name in CONTENT_APPS
        for model in apps.get_app_config(name).get_models()
        if issubclass(model, Versioned)
    }

    assert {"Document", "Attendance", "Declaration", "Resolution", "Plan", "Committee"} <= content
    assert versioned == content


def test_project_code_may_not_write_audited_models_in_bulk_without_history():
    meeting = MeetingFactory(venue="Council Chamber")
    project_code = {"__name__": "meetings.example", "Meeting": Meeting, "pk": meeting.pk}

    for statement in (
        "Meeting.objects.filter(pk=pk).update(venue='Elsewhere')",
        "Meeting.objects.all().bulk_update([Meeting.objects.get(pk=pk)], ['venue'])",
        "Meeting.objects.bulk_create([Meeting(committee_id=1, starts_at=None)])",
    ):
        with pytest.raises(AssertionError, match="bypasses the audit history"):
            exec(statement, project_code)  # noqa: S102 -- fixed statements, run as project code

    meeting.refresh_from_db()
    assert meeting.venue == "Council Chamber"


def test_admin_changes_and_deletions_are_recorded_with_who_and_what():
    user, client = committee_officer(first_name="Jo")
    meeting = MeetingFactory(venue="Council Chamber")
    item = AgendaItemFactory(meeting=meeting, title="Housing report")
    address = f"/admin/meetings/meeting/{meeting.pk}/change/"
    data = change_form_data(client.get(address))
    data["venue"] = "Edwards Room"

    saved = client.post(address, data)
    deleted = client.post(f"/admin/meetings/agendaitem/{item.pk}/delete/", {"post": "yes"})

    assert saved.status_code == 302
    assert deleted.status_code == 302
    change = meeting.history.order_by("-history_date").first()
    assert change.history_type == "~"
    assert change.history_user == user
    assert change.diff_against(change.prev_record).changed_fields == ["venue"]
    removal = AgendaItem.history.filter(id=item.pk).order_by("-history_date").first()
    assert (removal.history_type, removal.history_user, removal.title) == (
        "-",
        user,
        "Housing report",
    )
    history_page = client.get(f"/admin/meetings/meeting/{meeting.pk}/history/").content.decode()
    assert user.username in history_page
    assert (
        "Edwards Room"
        in client.get(
            f"/admin/meetings/meeting/{meeting.pk}/history/{change.history_id}/"
        ).content.decode()
    )


def test_creation_and_publication_by_a_service_are_recorded_with_the_officer():
    user, _ = committee_officer()
    meeting = services.create_meeting(
        committee=MeetingFactory().committee,
        starts_at=datetime.datetime(2027, 3, 4, 10, tzinfo=datetime.UTC),
        by=user,
    )

    services.publish_agenda(meeting=meeting, by=user)

    created, published = meeting.history.order_by("history_date")
    assert (created.history_type, created.history_user, created.agenda_status) == (
        "+",
        user,
        "draft",
    )
    assert (published.history_type, published.history_user, published.agenda_status) == (
        "~",
        user,
        "published",
    )
    standard_items = AgendaItem.history.filter(meeting_id=meeting.pk, history_type="+")
    assert standard_items.count() == 4
    assert {record.history_user for record in standard_items} == {user}


# --- no lost edits ------------------------------------------------------------------------


def test_a_stale_object_cannot_overwrite_a_newer_save():
    point = ActionPointFactory(description="Original")
    mine = ActionPoint.objects.get(pk=point.pk)
    theirs = ActionPoint.objects.get(pk=point.pk)
    theirs.description = "Their change"
    theirs.save()

    mine.description = "My change, made without seeing theirs"
    # As in a request: the refused save's transaction is rolled back, nothing is written.
    with pytest.raises(StaleEdit, match="since you opened it"), transaction.atomic():
        mine.save()

    point.refresh_from_db()
    assert (point.description, point.version) == ("Their change", 2)
    assert mine.version == 1  # unchanged by the refused save


def test_two_officers_editing_the_same_meeting_in_the_admin():
    _, first = committee_officer("first-officer", first_name="Amira")
    _, second = committee_officer("second-officer")
    meeting = MeetingFactory(venue="Council Chamber")
    address = f"/admin/meetings/meeting/{meeting.pk}/change/"
    first_form = change_form_data(first.get(address))
    second_form = change_form_data(second.get(address))

    first_form["venue"] = "Edwards Room"
    second_form["venue"] = "Colman Room"
    first_saved = first.post(address, first_form)
    second_refused = second.post(address, second_form)

    assert first_saved.status_code == 302
    assert second_refused.status_code == 200
    page = second_refused.content.decode()
    assert "was changed by Amira" in page
    assert "(venue)" in page
    assert "Your changes have not been saved" in page
    meeting.refresh_from_db()
    assert meeting.venue == "Edwards Room"


def test_a_stale_agenda_item_row_in_the_meeting_page_is_refused():
    _, first = committee_officer("first-officer")
    _, second = committee_officer("second-officer")
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5", title="Housing report")
    address = f"/admin/meetings/meeting/{meeting.pk}/change/"
    second_form = change_form_data(second.get(address))
    first_form = change_form_data(first.get(address))
    prefix = next(
        key[: -len("-id")]
        for key, value in first_form.items()
        if key.endswith("-id") and str(value) == str(item.pk) and key.startswith("agenda_items")
    )

    first_form[f"{prefix}-title"] = "Housing and homelessness report"
    second_form[f"{prefix}-title"] = "Housing report (revised)"
    assert first.post(address, first_form).status_code == 302
    refused = second.post(address, second_form)

    assert refused.status_code == 200
    assert "first-officer" in refused.content.decode()
    item.refresh_from_db()
    assert item.title == "Housing and homelessness report"


def test_an_untouched_row_does_not_block_a_save_elsewhere_on_the_page():
    _, first = committee_officer("first-officer")
    _, second = committee_officer("second-officer")
    meeting = MeetingFactory(venue="Council Chamber")
    AgendaItemFactory(meeting=meeting, number="5")
    address = f"/admin/meetings/meeting/{meeting.pk}/change/"
    form = change_form_data(first.get(address))
    form["venue"] = "Edwards Room"

    assert first.post(address, form).status_code == 302
    again = change_form_data(second.get(address))
    again["mode"] = "hybrid"
    assert second.post(address, again).status_code == 302

    meeting.refresh_from_db()
    assert (meeting.venue, meeting.mode, meeting.version) == ("Edwards Room", "hybrid", 3)


def test_a_plan_action_edited_in_two_sessions_keeps_the_first_save():
    user = UserFactory(username="plans-officer", is_superuser=True)
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    action = ActionFactory(title="Deliver the campaign")
    address = f"/admin/delivery_plans/action/{action.pk}/change/"
    first_form, second_form = (change_form_data(c.get(address)) for c in (first, second))

    first_form["title"] = "Deliver the campaign in every district"
    second_form["title"] = "Deliver the campaign online"
    assert first.post(address, first_form).status_code == 302
    refused = second.post(address, second_form)

    assert refused.status_code == 200
    assert "since you opened it" in refused.content.decode()
    assert Action.objects.get(pk=action.pk).title == "Deliver the campaign in every district"


def test_two_api_clients_answering_the_same_question():
    question = services_question()
    tags = [APIClient().get(f"/api/v1/written-questions/{question.pk}/")["ETag"] for _ in "ab"]
    first, second = (token_client() for _ in "ab")

    answered = first.post(
        f"/api/v1/written-questions/{question.pk}/respond/",
        {"response": "The first answer."},
        format="json",
        HTTP_IF_MATCH=tags[0],
    )
    refused = second.post(
        f"/api/v1/written-questions/{question.pk}/respond/",
        {"response": "A second answer, written without seeing the first."},
        format="json",
        HTTP_IF_MATCH=tags[1],
    )

    assert answered.status_code == 200
    assert refused.status_code == 412
    assert WrittenQuestion.objects.get(pk=question.pk).response == "The first answer."


def test_a_save_that_loses_a_race_answers_409(monkeypatch):
    point = ActionPointFactory()
    client = token_client()

    def lose_the_race(*, action_point, **kwargs):
        raise StaleEdit(action_point)

    monkeypatch.setattr(services, "close_action_point", lose_the_race)
    response = client.post(
        f"/api/v1/action-points/{point.pk}/close/", {"response": "Done"}, format="json"
    )

    assert response.status_code == 409
    assert "since you opened it" in response.json()["detail"]
    assert ActionPoint.objects.get(pk=point.pk).status == "open"


def services_question():
    meeting = MeetingFactory(minutes_published=True)
    return WrittenQuestion.objects.create(meeting=meeting, number=1, question="How many?")


def token_client():
    user = UserFactory()
    user.groups.add(Group.objects.get(name=COMMITTEE_OFFICER))
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- corrections ---------------------------------------------------------------------------


def test_a_published_item_corrected_in_the_admin_says_so_publicly():
    _, client = committee_officer()
    meeting = MeetingFactory()
    item = AgendaItemFactory(meeting=meeting, number="5", title="Housing reprot")
    draft = MeetingFactory(draft=True)
    draft_item = AgendaItemFactory(meeting=draft, number="5", title="Draft title")
    page = meeting.get_absolute_url()
    assert "Corrected on" not in Client().get(page).content.decode()

    for target, new_title in ((meeting, "Housing report"), (draft, "Draft title, changed")):
        address = f"/admin/meetings/meeting/{target.pk}/change/"
        form = change_form_data(client.get(address))
        prefix = next(
            key[: -len("-title")]
            for key, value in form.items()
            if key.startswith("agenda_items")
            and key.endswith("-title")
            and value.endswith(("reprot", "Draft title"))
        )
        form[f"{prefix}-title"] = new_title
        assert client.post(address, form).status_code == 302

    item.refresh_from_db()
    draft_item.refresh_from_db()
    assert item.corrected_at is not None
    assert draft_item.corrected_at is None  # changing a draft is not a correction
    html = Client().get(page).content.decode()
    assert "Housing report" in html
    assert html.count("Corrected on") == 1


def test_a_resolution_changed_in_published_minutes_marks_the_minute_corrected():
    from tests.factories import MinuteFactory, ResolutionFactory

    _, client = committee_officer()
    minute = MinuteFactory(meeting=MeetingFactory(minutes_published=True))
    ResolutionFactory(minute=minute, text="the report.")
    address = f"/admin/meetings/minute/{minute.pk}/change/"
    form = change_form_data(client.get(address))
    key = next(k for k, v in form.items() if k.endswith("-text") and v == "the report.")
    form[key] = "the report and its appendix."

    assert client.post(address, form).status_code == 302

    minute.refresh_from_db()
    assert minute.corrected_at is not None
    assert "Corrected on" in Client().get(minute.meeting.get_absolute_url()).content.decode()


def test_corrected_figures_of_a_published_framework_are_marked():
    measure = MeasureFactory()
    norfolk = area("norfolk")
    figure = ObservationFactory(measure=measure, area=norfolk, value="10.000")
    row = {
        "measure_id": measure.pk,
        "area_id": norfolk.pk,
        "period_start": figure.period_start,
        "period_end": figure.period_end,
        "value": figure.value,
        "is_provisional": False,
        "note": "",
    }
    user = UserFactory()

    save_observations([{**row, "value": 12}], ImportReport(rows=1), by=user)

    figure = Observation.objects.get(pk=figure.pk)
    assert (figure.value, figure.version, figure.corrected_at is not None) == (12, 2, True)
    latest = figure.history.order_by("-history_date").first()
    assert (latest.history_type, latest.history_user, latest.value) == ("~", user, 12)


def test_every_admin_page_for_versioned_records_carries_their_version():
    from django.contrib import admin

    from safer_norfolk.admin_audit import AuditedAdmin, VersionedAdminMixin

    content_admins = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in CONTENT_APPS
    }
    assert [m.__name__ for m, a in content_admins.items() if not isinstance(a, AuditedAdmin)] == []
    unversioned_inlines = [
        inline.__name__
        for model_admin in content_admins.values()
        for inline in model_admin.inlines
        if issubclass(inline.model, Versioned) and not issubclass(inline, VersionedAdminMixin)
    ]
    assert unversioned_inlines == []


def test_saving_a_page_as_a_browser_does_changes_no_untouched_text():
    """Browsers send textarea text with CRLF line endings: an untouched minute is neither
    rewritten nor marked as corrected when the meeting page is saved."""
    from tests.factories import MinuteFactory

    _, client = committee_officer()
    meeting = MeetingFactory(minutes_published=True, venue="Council Chamber")
    minute = MinuteFactory(meeting=meeting, body="First paragraph.\n\nSecond paragraph.")
    address = f"/admin/meetings/meeting/{meeting.pk}/change/"
    form = {
        key: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for key, value in change_form_data(client.get(address)).items()
    }
    form["venue"] = "Edwards Room"

    assert client.post(address, form).status_code == 302

    minute.refresh_from_db()
    assert (minute.body, minute.version, minute.corrected_at) == (
        "First paragraph.\n\nSecond paragraph.",
        1,
        None,
    )
    assert Minute.history.filter(id=minute.pk).count() == 1
