import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from delivery_plans import services
from delivery_plans.models import ActionUpdate
from safer_norfolk.roles import PARTNERSHIP_OFFICER
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return OrganisationFactory(name="Norfolk Constabulary", short_name="")


@pytest.fixture
def police_officer(police):
    user = UserFactory(username="police-officer")
    user.groups.add(Group.objects.get(name=PARTNERSHIP_OFFICER))
    PersonFactory(organisation=police, user=user, name="Sonia Shuter")
    return user


@pytest.fixture
def police_action(police):
    return ActionFactory(number="1.14", owners=[police])


@pytest.fixture
def council_action():
    return ActionFactory(number="1.17", owners=[OrganisationFactory(name="Norfolk County Council")])


def test_owner_records_a_draft_update(police_officer, police_action):
    update = services.record_update(
        action=police_action,
        text="Referral pathway agreed.",
        rag="amber",
        distance="some_way",
        by=police_officer,
    )

    assert update.status == "draft"
    assert update.author.name == "Sonia Shuter"
    assert (update.rag, update.distance) == ("amber", "some_way")


def test_partnership_officer_cannot_report_on_another_organisations_action(
    police_officer, council_action
):
    with pytest.raises(PermissionDenied, match="actions your organisation owns"):
        services.record_update(action=council_action, text="Not ours.", by=police_officer)
    assert not ActionUpdate.objects.exists()


def test_plan_manager_reports_on_any_action(officer, council_action):
    update = services.record_update(
        action=council_action, text="Checked by the committee.", by=officer, publish=True
    )

    assert update.status == "published"


def test_publish_update_only_once_and_only_by_the_owner(
    police_officer, police_action, council_action
):
    own = services.record_update(action=police_action, text="Done.", by=police_officer)
    foreign = ActionUpdateFactory(action=council_action, status="draft")

    services.publish_update(update=own, by=police_officer)
    with pytest.raises(ValidationError, match="already published"):
        services.publish_update(update=own, by=police_officer)
    with pytest.raises(PermissionDenied):
        services.publish_update(update=foreign, by=police_officer)
    foreign.refresh_from_db()
    assert foreign.status == "draft"


def test_update_needs_text_and_no_future_date(police_officer, police_action):
    with pytest.raises(ValidationError, match="Write what has happened"):
        services.record_update(action=police_action, text="  ", by=police_officer)
    with pytest.raises(ValidationError, match="future"):
        services.record_update(
            action=police_action,
            text="Soon.",
            reported_on=datetime.date.today() + datetime.timedelta(days=3),
            by=police_officer,
        )


def test_set_stage(police_officer, police_action, council_action):
    services.set_stage(action=police_action, stage="complete", by=police_officer)

    police_action.refresh_from_db()
    assert police_action.stage == "complete"
    with pytest.raises(PermissionDenied):
        services.set_stage(action=council_action, stage="complete", by=police_officer)
    with pytest.raises(ValidationError, match="not a stage"):
        services.set_stage(action=police_action, stage="finished-ish", by=police_officer)


# --- the same rule in the admin ---------------------------------------------------------


def test_partnership_officer_adds_an_update_in_the_admin_for_their_action(
    client, police_officer, police_action
):
    client.force_login(police_officer)

    response = client.post(
        reverse("admin:delivery_plans_actionupdate_add"),
        {
            "action": police_action.pk,
            "reported_on": "2022-03-01",
            "kind": "progress",
            "rag": "green",
            "distance": "met",
            "text": "Pathway live.",
        },
    )

    assert response.status_code == 302
    update = ActionUpdate.objects.get()
    assert (update.action, update.status, update.author.name) == (
        police_action,
        "draft",
        "Sonia Shuter",
    )


def test_partnership_officer_is_refused_an_update_on_another_organisations_action(
    client, police_officer, council_action
):
    client.force_login(police_officer)

    response = client.post(
        reverse("admin:delivery_plans_actionupdate_add"),
        {
            "action": council_action.pk,
            "reported_on": "2022-03-01",
            "kind": "progress",
            "rag": "green",
            "distance": "met",
            "text": "Sneaky.",
        },
    )

    assert response.status_code == 200
    assert "You may only report on actions your organisation owns." in response.content.decode()
    assert not ActionUpdate.objects.exists()


def test_partnership_officer_cannot_edit_another_organisations_update(
    client, police_officer, council_action
):
    update = ActionUpdateFactory(action=council_action, text="Council's words.")
    client.force_login(police_officer)

    response = client.post(
        reverse("admin:delivery_plans_actionupdate_change", args=[update.pk]),
        {
            "action": council_action.pk,
            "reported_on": "2022-03-01",
            "kind": "progress",
            "rag": "red",
            "distance": "far_off",
            "text": "Changed.",
        },
    )

    assert response.status_code == 403
    update.refresh_from_db()
    assert update.text == "Council's words."


def test_partnership_officer_publishes_their_own_update_from_the_admin(
    client, police_officer, police_action
):
    update = ActionUpdateFactory(action=police_action, status="draft")
    client.force_login(police_officer)

    client.post(
        reverse("admin:delivery_plans_actionupdate_changelist"),
        {"action": "publish_updates", "_selected_action": [update.pk]},
    )

    update.refresh_from_db()
    assert update.status == "published"
