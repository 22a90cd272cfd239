import pytest
from django.db import IntegrityError

from safer_norfolk.models import Organisation, Person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_organisation_names_are_unique_ignoring_case():
    OrganisationFactory(name="Norfolk County Council")

    with pytest.raises(IntegrityError):
        OrganisationFactory(name="NORFOLK COUNTY COUNCIL")


def test_organisation_display_name_prefers_the_short_name():
    assert (
        OrganisationFactory.build(
            name="Norfolk Against Scams Partnership", short_name="NASP"
        ).display_name
        == "NASP"
    )
    assert OrganisationFactory.build(name="MASH", short_name="").display_name == "MASH"


def test_person_str_reads_as_papers_write_it():
    assert (
        str(PersonFactory.build(honorific="Cllr", name="Mark Kiddle-Morris"))
        == "Cllr Mark Kiddle-Morris"
    )
    assert str(PersonFactory.build(honorific="", name="Gavin Thompson")) == "Gavin Thompson"


def test_deleting_an_organisation_with_people_is_refused():
    person = PersonFactory()

    with pytest.raises(Exception, match="protected"):
        person.organisation.delete()
    assert Organisation.objects.filter(pk=person.organisation_id).exists()


def test_deleting_a_login_keeps_the_person():
    person = PersonFactory(user=UserFactory())

    person.user.delete()

    person.refresh_from_db()
    assert person.user is None
    assert Person.objects.filter(pk=person.pk).exists()
