import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is Django's concern, not ours; a fast hasher keeps logins in tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
