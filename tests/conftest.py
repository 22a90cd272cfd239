import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is Django's concern, not ours; a fast hasher keeps logins in tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(django_user_model):
    """A committee officer: staff, in the role group the data migration created."""
    from django.contrib.auth.models import Group

    from safer_norfolk.roles import COMMITTEE_OFFICER

    user = django_user_model.objects.create_user(
        username="committee-officer", password="officer-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=COMMITTEE_OFFICER))
    return user
