import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["admin:index", "admin:safer_norfolk_person_changelist"])
def test_admin_requires_login_for_anonymous_users(client, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_refuses_a_signed_in_member_of_the_public(client, django_user_model):
    user = django_user_model.objects.create_user(username="resident", password="resident-password")
    client.force_login(user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_every_registered_admin_page_loads_for_the_superuser(admin_client):
    organisation = OrganisationFactory(name="Norfolk County Council", short_name="NCC")
    person = PersonFactory(name="Mark Kiddle-Morris", organisation=organisation)

    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        if model_admin.has_add_permission(changelist.wsgi_request):
            assert admin_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200, (
                info
            )

    person_page = admin_client.get(reverse("admin:safer_norfolk_person_change", args=[person.pk]))
    assert person_page.status_code == 200
    assert "Mark Kiddle-Morris" in person_page.content.decode()


def test_person_list_filters_by_organisation_kind_and_searches_names(admin_client):
    police = OrganisationFactory(name="Norfolk Constabulary", kind="police")
    council = OrganisationFactory(name="Breckland Council", kind="council")
    PersonFactory(name="Sonia Shuter", organisation=police)
    PersonFactory(name="Karen Vincent", organisation=council)
    url = reverse("admin:safer_norfolk_person_changelist")

    by_kind = admin_client.get(url, {"organisation__kind__exact": "police"}).content.decode()
    by_search = admin_client.get(url, {"q": "Vincent"}).content.decode()

    assert "Sonia Shuter" in by_kind
    assert "Karen Vincent" not in by_kind
    assert "Karen Vincent" in by_search
    assert "Sonia Shuter" not in by_search


def test_organisation_autocomplete_finds_by_short_name(admin_client):
    OrganisationFactory(
        name="Office of the Police and Crime Commissioner for Norfolk", short_name="OPCCN"
    )
    OrganisationFactory(name="Norfolk Fire and Rescue Service", short_name="NFRS")

    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "OPCCN",
            "app_label": "safer_norfolk",
            "model_name": "person",
            "field_name": "organisation",
        },
    )

    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert names == ["Office of the Police and Crime Commissioner for Norfolk"]
