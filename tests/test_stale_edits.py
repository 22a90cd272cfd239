"""No stale page undoes another officer's edit (docs/security.md, "No edit is lost").

Officer B opens a change page; officer A changes a row on it and saves; B saves the page as it
was shown. Whatever B left untouched keeps A's change, for every officer-editable record and
every inline row, and B is told; whatever B changed on a row A changed is refused, naming who
changed what, and nothing of B's is written.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client

from safer_norfolk.admin_audit import AuditedAdmin, VersionedAdminMixin
from safer_norfolk.roles import COMMITTEE_OFFICER
from tests.admin_forms import change_form_data
from tests.factories import (
    AttendanceFactory,
    CommitteeFactory,
    DeclarationFactory,
    DocumentFactory,
    MeasureFactory,
    MeetingFactory,
    MembershipFactory,
    MinuteFactory,
    OutcomeFactory,
    OutcomeFrameworkFactory,
    PlanFactory,
    ResolutionFactory,
    SectionFactory,
    UserFactory,
    WorkProgrammeItemFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def officer(username, first_name, *, superuser=False):
    user = UserFactory(
        username=username, first_name=first_name, last_name="", is_superuser=superuser
    )
    user.groups.add(Group.objects.get(name=COMMITTEE_OFFICER))
    client = Client()
    client.force_login(user)
    return client


def row_prefix(form, formset, pk):
    """The form prefix ("documents-0") of the row for `pk` in inline `formset`."""
    return next(
        key[: -len("-id")]
        for key, value in form.items()
        if key.startswith(f"{formset}-") and key.endswith("-id") and str(value) == str(pk)
    )


def set_field(form, name, value):
    if value is False:
        form.pop(name, None)  # an unticked box is not sent
    else:
        form[name] = "on" if value is True else value


def paper_row():
    meeting = MeetingFactory()
    return f"/admin/meetings/meeting/{meeting.pk}/change/", DocumentFactory(meeting=meeting)


def attendance_row():
    meeting = MeetingFactory()
    return f"/admin/meetings/meeting/{meeting.pk}/change/", AttendanceFactory(meeting=meeting)


def declaration_row():
    meeting = MeetingFactory()
    return f"/admin/meetings/meeting/{meeting.pk}/change/", DeclarationFactory(meeting=meeting)


def minute_row():
    meeting = MeetingFactory()
    return f"/admin/meetings/meeting/{meeting.pk}/change/", MinuteFactory(meeting=meeting)


def resolution_row():
    minute = MinuteFactory()
    return f"/admin/meetings/minute/{minute.pk}/change/", ResolutionFactory(minute=minute)


def membership_row():
    committee = CommitteeFactory()
    return (
        f"/admin/meetings/committee/{committee.pk}/change/",
        MembershipFactory(committee=committee),
    )


def work_programme_row():
    committee = CommitteeFactory()
    return (
        f"/admin/meetings/committee/{committee.pk}/change/",
        WorkProgrammeItemFactory(committee=committee),
    )


def section_row():
    plan = PlanFactory()
    return f"/admin/delivery_plans/plan/{plan.pk}/change/", SectionFactory(plan=plan)


def outcome_row():
    framework = OutcomeFrameworkFactory()
    return (
        f"/admin/outcomes/outcomeframework/{framework.pk}/change/",
        OutcomeFactory(framework=framework),
    )


def measure_row():
    outcome = OutcomeFactory()
    return f"/admin/outcomes/outcome/{outcome.pk}/change/", MeasureFactory(outcome=outcome)


# (make the page and its row, the inline's prefix, a field A changes, A's value)
INLINE_ROWS = [
    pytest.param(paper_row, "documents", "is_public", False, id="paper withdrawn"),
    pytest.param(paper_row, "documents", "title", "Revised report", id="paper title"),
    pytest.param(attendance_row, "attendances", "status", "apologies", id="attendance"),
    pytest.param(declaration_row, "declarations", "text", "A corrected interest", id="declaration"),
    pytest.param(minute_row, "minutes", "heading", "A corrected heading", id="minute"),
    pytest.param(resolution_row, "resolutions", "text", "the corrected report.", id="resolution"),
    pytest.param(membership_row, "memberships", "role", "vice_chair", id="membership"),
    pytest.param(work_programme_row, "work_programme", "title", "Hate crime", id="work item"),
    pytest.param(section_row, "sections", "title", "Fraud", id="plan section"),
    pytest.param(outcome_row, "outcomes", "title", "Fewer victims", id="outcome"),
    pytest.param(measure_row, "measures", "title", "Reported scams", id="measure"),
]


@pytest.mark.parametrize(("make", "formset", "field", "value"), INLINE_ROWS)
def test_an_untouched_stale_row_keeps_the_other_officer_s_change(make, formset, field, value):
    first = officer("first-officer", "Amira", superuser=True)
    second = officer("second-officer", "Ben", superuser=True)
    address, row = make()
    second_form = change_form_data(second.get(address))  # B opens the page first
    first_form = change_form_data(first.get(address))
    prefix = row_prefix(first_form, formset, row.pk)
    set_field(first_form, f"{prefix}-{field}", value)
    assert first.post(address, first_form).status_code == 302

    saved = second.post(address, second_form, follow=True)

    assert saved.status_code == 200
    assert saved.redirect_chain, "the untouched stale page should save, not be refused"
    row.refresh_from_db()
    assert getattr(row, field) == value
    notes = [str(message) for message in saved.context["messages"]]
    assert any("was changed by Amira" in note and "keeps their changes" in note for note in notes)


@pytest.mark.parametrize(("make", "formset", "field", "value"), INLINE_ROWS)
def test_a_changed_stale_row_is_refused_naming_who_changed_what(make, formset, field, value):
    first = officer("first-officer", "Amira", superuser=True)
    second = officer("second-officer", "Ben", superuser=True)
    address, row = make()
    second_form = change_form_data(second.get(address))
    first_form = change_form_data(first.get(address))
    prefix = row_prefix(first_form, formset, row.pk)
    set_field(first_form, f"{prefix}-{field}", value)
    assert first.post(address, first_form).status_code == 302
    # B changes the same row: another of its text fields, or the same one.
    other = "order" if f"{prefix}-order" in second_form else field
    before = {name: getattr(row, name) for name in (field, other)}
    second_form[f"{prefix}-{other}"] = "7" if other == "order" else "Ben's wording"

    refused = second.post(address, second_form)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "was changed by Amira" in page
    assert "Your changes have not been saved" in page
    label = str(type(row)._meta.get_field(field).verbose_name)
    assert f"({label})" in page
    row.refresh_from_db()
    assert getattr(row, field) == value
    if other != field:
        assert getattr(row, other) == before[other]


def test_the_withdrawn_paper_stays_withdrawn_and_b_s_other_edit_is_kept():
    """The case officers met: B's page still showed the paper as public."""
    first = officer("first-officer", "Amira")
    second = officer("second-officer", "Ben")
    meeting = MeetingFactory(venue="Council Chamber")
    paper = DocumentFactory(meeting=meeting, is_public=True, title="Exempt appendix")
    address = f"/admin/meetings/meeting/{meeting.pk}/change/"
    second_form = change_form_data(second.get(address))
    first_form = change_form_data(first.get(address))
    first_form.pop(f"{row_prefix(first_form, 'documents', paper.pk)}-is_public")
    assert first.post(address, first_form).status_code == 302
    second_form["venue"] = "Edwards Room"

    assert second.post(address, second_form).status_code == 302

    paper.refresh_from_db()
    meeting.refresh_from_db()
    assert paper.is_public is False
    assert meeting.venue == "Edwards Room"
    assert anonymous_cannot_open(paper)


def anonymous_cannot_open(paper):
    return Client().get(paper.get_absolute_url()).status_code == 404


def test_a_stale_main_form_left_untouched_keeps_the_other_save_and_rows_still_save():
    first = officer("first-officer", "Amira", superuser=True)
    second = officer("second-officer", "Ben", superuser=True)
    plan = PlanFactory(summary="The first summary.")
    section = SectionFactory(plan=plan, title="Fraud")
    address = f"/admin/delivery_plans/plan/{plan.pk}/change/"
    second_form = change_form_data(second.get(address))
    first_form = change_form_data(first.get(address))
    first_form["summary"] = "The summary as the partnership agreed it."
    assert first.post(address, first_form).status_code == 302
    second_form[f"{row_prefix(second_form, 'sections', section.pk)}-title"] = "Fraud and scams"

    assert second.post(address, second_form).status_code == 302

    plan.refresh_from_db()
    section.refresh_from_db()
    assert plan.summary == "The summary as the partnership agreed it."
    assert section.title == "Fraud and scams"


def test_every_admin_and_inline_carries_the_version_check():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("meetings", "delivery_plans", "outcomes"):
            continue
        assert isinstance(model_admin, AuditedAdmin), model
        for inline in model_admin.inlines:
            assert issubclass(inline, VersionedAdminMixin), inline
