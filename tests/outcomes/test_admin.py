import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import ObservationFactory

pytestmark = pytest.mark.django_db


def test_every_outcomes_admin_page_loads_with_data(admin_client):
    ObservationFactory()

    for model in admin.site._registry:
        if model._meta.app_label != "outcomes":
            continue
        name = f"admin:outcomes_{model._meta.model_name}"
        assert admin_client.get(reverse(f"{name}_changelist")).status_code == 200, model
        assert admin_client.get(reverse(f"{name}_add")).status_code == 200, model
        obj = model.objects.first()
        assert admin_client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200, model
    changelist = admin_client.get(reverse("admin:outcomes_observation_changelist")).content.decode()
    assert "Import from a spreadsheet" in changelist


def test_import_page_is_refused_without_permission_to_add_figures(client, django_user_model):
    reader = django_user_model.objects.create_user(
        username="reader", password="reader-password", is_staff=True
    )
    client.force_login(reader)

    assert client.get(reverse("admin:outcomes_observation_import")).status_code == 403


@pytest.mark.parametrize("number", ["1/2", "3?", "4#a"])
def test_an_outcome_or_measure_number_must_fit_in_its_address(number):
    from django.core.exceptions import ValidationError

    from tests.factories import MeasureFactory, OutcomeFactory

    for record in (OutcomeFactory.build(number=number), MeasureFactory.build(number=number)):
        with pytest.raises(ValidationError, match="part of the page's address"):
            record.full_clean(exclude=["framework", "outcome", "sort_key"])
