import factory
from django.contrib.auth import get_user_model

from safer_norfolk.models import Organisation, Person


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"officer{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("officer-password")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organisation.Kind.COUNCIL


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    honorific = "Cllr"
    name = factory.Faker("name", locale="en_GB")
    job_title = ""
    organisation = factory.SubFactory(OrganisationFactory)
