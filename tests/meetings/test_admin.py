import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import ActionPoint, Document, Meeting, WrittenQuestion
from safer_norfolk.roles import COMMITTEE_OFFICER, DATA_OFFICER, PARTNERSHIP_OFFICER
from tests.admin_forms import change_form_data
from tests.factories import (
    ActionPointFactory,
    AgendaItemFactory,
    CommitteeFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    WrittenQuestionFactory,
)
from tests.pdfs import make_encrypted_pdf, make_pdf

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:meetings_meeting_changelist"


def run_action(client, url_name, action, objects, **extra):
    return client.post(
        reverse(url_name),
        {"action": action, "_selected_action": [str(obj.pk) for obj in objects], **extra},
        follow=True,
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- roles ------------------------------------------------------------------------------


def test_role_groups_come_from_the_data_migration():
    committee_officers = set(
        Group.objects.get(name=COMMITTEE_OFFICER).permissions.values_list("codename", flat=True)
    )
    partnership_officers = set(
        Group.objects.get(name=PARTNERSHIP_OFFICER).permissions.values_list("codename", flat=True)
    )
    data_officers = set(
        Group.objects.get(name=DATA_OFFICER).permissions.values_list("codename", flat=True)
    )

    assert {
        "add_meeting",
        "change_meeting",
        "delete_actionpoint",
        "add_writtenquestion",
    } <= committee_officers
    assert {"view_meeting", "view_minute", "change_writtenquestion"} <= partnership_officers
    assert not {"change_meeting", "add_writtenquestion", "add_actionpoint"} & partnership_officers
    assert not any(
        codename.endswith(("meeting", "minute", "actionpoint")) for codename in data_officers
    )


# --- creating and publishing ------------------------------------------------------------


def test_adding_a_meeting_in_the_admin_creates_standard_items_and_expected_members(client, officer):
    committee = CommitteeFactory()
    member = MembershipFactory(committee=committee)
    client.force_login(officer)

    response = client.post(
        reverse("admin:meetings_meeting_add"),
        {
            "committee": committee.pk,
            "starts_at_0": "2027-03-04",
            "starts_at_1": "10:00:00",
            "status": "scheduled",
            "mode": "in_person",
            "venue": "",
        },
        follow=True,
    )

    assert response.status_code == 200
    meeting = Meeting.objects.get(committee=committee)
    assert meeting.agenda_items.count() == 4
    assert list(meeting.attendances.values_list("person", flat=True)) == [member.person_id]
    assert meeting.venue == committee.default_venue


def test_adding_a_second_meeting_on_the_same_day_is_a_form_error(client, officer):
    existing = MeetingFactory(starts_at=datetime.datetime(2027, 3, 4, 10, tzinfo=datetime.UTC))
    client.force_login(officer)

    response = client.post(
        reverse("admin:meetings_meeting_add"),
        {
            "committee": existing.committee.pk,
            "starts_at_0": "2027-03-04",
            "starts_at_1": "14:00:00",
            "status": "scheduled",
            "mode": "in_person",
        },
    )

    assert response.status_code == 200
    assert "already has a meeting on that day" in response.content.decode()
    assert Meeting.objects.filter(committee=existing.committee).count() == 1


def test_publish_agenda_action(client, officer):
    meeting = MeetingFactory(draft=True)
    AgendaItemFactory(meeting=meeting)
    client.force_login(officer)

    response = run_action(client, CHANGELIST, "publish_agenda", [meeting])

    meeting.refresh_from_db()
    assert meeting.agenda_status == "published"
    assert "Agendas published: 1." in messages_of(response)


def test_publish_minutes_action_explains_a_refusal(client, officer):
    meeting = MeetingFactory(
        draft=True, starts_at=datetime.datetime(2022, 2, 24, 10, tzinfo=datetime.UTC)
    )
    MinuteFactory(meeting=meeting)
    client.force_login(officer)

    response = run_action(client, CHANGELIST, "publish_minutes", [meeting])

    assert any(
        "Publish the agenda for 24 February 2022 before its minutes." in m
        for m in messages_of(response)
    )
    meeting.refresh_from_db()
    assert meeting.minutes_status == "none"


def test_confirm_minutes_action_uses_the_next_meeting(client, officer):
    committee = CommitteeFactory()
    july = MeetingFactory(
        committee=committee,
        starts_at=datetime.datetime(2021, 7, 20, 9, tzinfo=datetime.UTC),
        minutes_published=True,
    )
    september = MeetingFactory(
        committee=committee, starts_at=datetime.datetime(2021, 9, 16, 9, tzinfo=datetime.UTC)
    )
    MeetingFactory(
        committee=committee, starts_at=datetime.datetime(2021, 12, 16, 9, tzinfo=datetime.UTC)
    )
    client.force_login(officer)

    run_action(client, CHANGELIST, "confirm_minutes_at_next_meeting", [july])

    july.refresh_from_db()
    assert july.minutes_confirmed_at_meeting == september


def test_close_action_points_asks_for_the_response_then_closes(client, officer):
    first = ActionPointFactory(reference="07/01")
    second = ActionPointFactory(reference="07/02", committee=first.committee, meeting=first.meeting)
    client.force_login(officer)
    url = "admin:meetings_actionpoint_changelist"

    form_page = run_action(client, url, "close_action_points", [first, second])
    assert "Close action points" in form_page.content.decode()
    assert ActionPoint.objects.open().count() == 2

    done = run_action(
        client,
        url,
        "close_action_points",
        [first, second],
        apply="1",
        response="Closed: Agenda Item 10",
        closed_on="2022-10-11",
    )

    assert "Action points closed: 2." in messages_of(done)
    assert set(ActionPoint.objects.values_list("status", "response")) == {
        ("closed", "Closed: Agenda Item 10")
    }


def test_closing_an_already_closed_action_point_reports_it(client, officer):
    closed = ActionPointFactory(
        reference="07/05", status="closed", response="Done", closed_on=datetime.date(2022, 10, 11)
    )
    client.force_login(officer)

    response = run_action(
        client,
        "admin:meetings_actionpoint_changelist",
        "close_action_points",
        [closed],
        apply="1",
        response="Again",
    )

    assert any("already closed" in message for message in messages_of(response))
    closed.refresh_from_db()
    assert closed.response == "Done"


def test_action_point_added_in_the_admin_is_numbered(client, officer):
    meeting = MeetingFactory(starts_at=datetime.datetime(2022, 7, 19, 9, tzinfo=datetime.UTC))
    client.force_login(officer)

    client.post(
        reverse("admin:meetings_actionpoint_add"),
        {
            "meeting": meeting.pk,
            "reference": "",
            "description": "Share the report",
            # The progress notes' (empty) table, as the page sends it.
            "notes-TOTAL_FORMS": "0",
            "notes-INITIAL_FORMS": "0",
        },
    )

    assert ActionPoint.objects.get().reference == "07/01"


def test_meeting_change_page_saves_inlines_and_raises_new_action_points_through_the_service(
    client, officer
):
    meeting = MeetingFactory(
        starts_at=datetime.datetime(2022, 7, 19, 9, tzinfo=datetime.UTC), minutes_published=True
    )
    AgendaItemFactory(meeting=meeting, number="1", title="Apologies")
    client.force_login(officer)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = change_form_data(client.get(url))
    data.update(
        {
            "action_points-TOTAL_FORMS": "1",
            "action_points-0-description": "Invite the Vision Zero lead",
            "action_points-0-reference": "",
            "agenda_items-0-title": "Apologies for absence",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert meeting.agenda_items.get(number="1").title == "Apologies for absence"
    assert ActionPoint.objects.get(meeting=meeting).reference == "07/01"


# --- uploads ----------------------------------------------------------------------------


def upload_document(client, meeting, upload):
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    data = change_form_data(client.get(url))
    data.update(
        {
            "documents-TOTAL_FORMS": "1",
            "documents-0-title": "Delivery Plan report",
            "documents-0-kind": "report",
            "documents-0-is_public": "on",
            "documents-0-order": "1",
            "documents-0-file": upload,
        }
    )
    return client.post(url, data)


def test_a_real_pdf_upload_is_accepted_with_pages_and_text(client, officer):
    meeting = MeetingFactory()
    client.force_login(officer)

    response = upload_document(
        client,
        meeting,
        SimpleUploadedFile(
            "plan.pdf", make_pdf("Delivery plan update", pages=3), "application/pdf"
        ),
    )

    assert response.status_code == 302
    document = Document.objects.get(meeting=meeting)
    assert document.page_count == 3
    assert "Delivery plan update" in document.text
    assert document.size_bytes > 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"This is a Word document renamed to .pdf", "The file is not a PDF"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage without pages", "could not be read"),
        (None, "password-protected or encrypted"),
        (b"", "The submitted file is empty"),
    ],
)
def test_bad_uploads_get_a_form_error_and_nothing_is_saved(client, officer, content, message):
    meeting = MeetingFactory()
    client.force_login(officer)
    data = make_encrypted_pdf() if content is None else content

    response = upload_document(
        client, meeting, SimpleUploadedFile("report.pdf", data, "application/pdf")
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_an_oversized_upload_is_refused(client, officer, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024
    meeting = MeetingFactory()
    client.force_login(officer)

    response = upload_document(
        client, meeting, SimpleUploadedFile("big.pdf", make_pdf(pages=5), "application/pdf")
    )

    assert response.status_code == 200
    assert "documents may be at most 1.0\xa0KB" in response.content.decode()
    assert not Document.objects.exists()


# --- partnership officers ---------------------------------------------------------------


@pytest.fixture
def police_officer():
    police = OrganisationFactory(name="Norfolk Constabulary")
    user = UserFactory(username="police-officer")
    user.groups.add(Group.objects.get(name=PARTNERSHIP_OFFICER))
    PersonFactory(organisation=police, user=user)
    return user


def test_partnership_officer_records_a_response_to_their_organisations_question(
    client, police_officer
):
    question = WrittenQuestionFactory(
        addressed_to=police_officer.person.organisation, question="How many patrols?"
    )
    client.force_login(police_officer)
    url = reverse("admin:meetings_writtenquestion_change", args=[question.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = change_form_data(page)
    data.update(
        {
            "response": "Twelve extra patrols were funded.",
            "responded_by": str(question.addressed_to_id),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.status, question.response) == ("answered", "Twelve extra patrols were funded.")
    assert question.question == "How many patrols?"


def test_partnership_officer_cannot_answer_another_organisations_question(client, police_officer):
    question = WrittenQuestionFactory(
        addressed_to=OrganisationFactory(name="Norfolk County Council")
    )
    client.force_login(police_officer)
    url = reverse("admin:meetings_writtenquestion_change", args=[question.pk])

    view = client.get(url)
    post = client.post(url, {"response": "Not mine to answer."})

    assert view.status_code == 200
    assert "Save" not in view.content.decode() or 'name="_save"' not in view.content.decode()
    assert post.status_code == 403
    question.refresh_from_db()
    assert question.status == WrittenQuestion.Status.AWAITING


def test_partnership_officer_reads_meetings_but_cannot_change_them(client, police_officer):
    meeting = MeetingFactory()
    client.force_login(police_officer)

    assert client.get(reverse(CHANGELIST)).status_code == 200
    run_action(client, CHANGELIST, "publish_minutes", [meeting])
    assert (
        client.post(reverse("admin:meetings_meeting_change", args=[meeting.pk]), {}).status_code
        == 403
    )
    meeting.refresh_from_db()
    assert meeting.minutes_status == "none"


def test_every_meetings_admin_page_loads_with_data(admin_client):
    from django.contrib import admin

    meeting = MeetingFactory(minutes_published=True)
    item = AgendaItemFactory(meeting=meeting)
    MinuteFactory(meeting=meeting, agenda_item=item)
    MembershipFactory(committee=meeting.committee)
    ActionPointFactory(meeting=meeting, committee=meeting.committee)
    WrittenQuestionFactory(meeting=meeting, agenda_item=item)
    from tests.factories import WorkProgrammeItemFactory

    WorkProgrammeItemFactory(committee=meeting.committee, meeting=meeting)
    from meetings.models import Report, ReportTemplate

    Report.objects.create(
        agenda_item=item,
        title="Working with SafeLives",
        template=ReportTemplate.objects.get(committee__isnull=True),
        sections={"proposal": "A beacon site."},
    )

    for model in admin.site._registry:
        if model._meta.app_label != "meetings":
            continue
        name = f"admin:meetings_{model._meta.model_name}"
        assert admin_client.get(reverse(f"{name}_changelist")).status_code == 200, model
        assert admin_client.get(reverse(f"{name}_add")).status_code == 200, model
        obj = model.objects.first()
        assert obj is not None, model
        assert admin_client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200, model


def test_an_action_point_shown_closed_in_a_paper_that_gives_no_day_is_closed_by_a_day(
    client, officer
):
    point = ActionPointFactory(reference="07/03")
    client.force_login(officer)
    url = "admin:meetings_actionpoint_changelist"

    refused = run_action(
        client, url, "close_action_points", [point], apply="1", response="Closed", closed_by="on"
    )
    assert "Give the latest day it can have been closed" in refused.content.decode()
    assert ActionPoint.objects.get(pk=point.pk).status == "open"

    run_action(
        client,
        url,
        "close_action_points",
        [point],
        apply="1",
        response="Closed: the terms of reference were shared.",
        closed_on="2022-10-10",
        closed_by="on",
    )
    point.refresh_from_db()
    assert (point.status, point.closed_on, point.closed_day_given) == (
        "closed",
        datetime.date(2022, 10, 10),
        False,
    )


def test_closing_on_a_day_records_the_day_as_given(client, officer):
    point = ActionPointFactory(reference="07/04")
    client.force_login(officer)
    run_action(
        client,
        "admin:meetings_actionpoint_changelist",
        "close_action_points",
        [point],
        apply="1",
        response="Closed: chart updated.",
        closed_on="2022-10-11",
    )
    point.refresh_from_db()
    assert (point.closed_on, point.closed_day_given) == (datetime.date(2022, 10, 11), True)
