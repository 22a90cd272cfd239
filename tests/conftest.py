import sys

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing strength is Django's concern, not ours; a fast hasher keeps logins in tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # The content counter lives in the test database, which each test rolls back, so the
    # same number would come round again with other content: each test starts with no pages.
    from django.core.cache import caches

    caches["pages"].clear()


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


@pytest.fixture
def report_author(django_user_model):
    """An officer who writes committee reports: staff, in the report authors' group."""
    from django.contrib.auth.models import Group

    from safer_norfolk.roles import REPORT_AUTHOR

    user = django_user_model.objects.create_user(
        username="report-author", password="author-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=REPORT_AUTHOR))
    return user


PROJECT_PACKAGES = ("safer_norfolk", "meetings", "delivery_plans", "outcomes")


def _audited(model):
    return hasattr(model, "history")


def _only_unaudited_columns(model, values):
    history = model.history.model
    left_out = set(getattr(history, "_history_excluded_fields", ()) or ())
    return bool(values) and set(values) <= left_out


def _refuse_unaudited(name, original):
    def guarded(self, *args, **kwargs):
        from safer_norfolk.audit import VersionedQuerySet

        # Model.objects.update() reaches here through the manager, and through the update()
        # of the content models' querysets, which stamps `modified` and calls this one.
        passing = {VersionedQuerySet.update.__code__, VersionedQuerySet.bulk_update.__code__}
        frame = sys._getframe(1)
        while (
            frame.f_globals.get("__name__") == "django.db.models.manager" or frame.f_code in passing
        ):
            frame = frame.f_back
        caller = frame.f_globals.get("__name__", "")
        # safer_norfolk.audit writes in bulk and the history with it (upsert_with_history).
        # An update() of columns the history leaves out (derived data, such as an action's
        # stored status) bypasses nothing.
        if (
            _audited(self.model)
            and caller.split(".")[0] in PROJECT_PACKAGES
            and caller != "safer_norfolk.audit"
            and not (name == "update" and _only_unaudited_columns(self.model, kwargs))
        ):
            raise AssertionError(
                f"{caller} calls QuerySet.{name}() on {self.model.__name__}, which bypasses the "
                "audit history: save each object, or use simple_history's *_with_history helpers."
            )
        return original(self, *args, **kwargs)

    guarded.__wrapped__ = original
    return guarded


@pytest.fixture(autouse=True, scope="session")
def _no_unaudited_bulk_writes():
    """Throughout the suite, project code that writes audited models in bulk without their
    history fails the test that exercises it (docs/security.md)."""
    from django.db.models import QuerySet

    originals = {name: getattr(QuerySet, name) for name in ("update", "bulk_update", "bulk_create")}
    for name, original in originals.items():
        setattr(QuerySet, name, _refuse_unaudited(name, original))
    yield
    for name, original in originals.items():
        setattr(QuerySet, name, original)


def pytest_collection_modifyitems(items):
    """Within each run of a module's tests (pytest-django has already put the tests that
    empty the tables last), the tests that read the demo loaded once for the module
    (`demo_module`) go after the others, which expect only the rows they make."""
    runs, current = [], None
    for item in items:
        if current is None or item.module is not current[0].module:
            current = []
            runs.append(current)
        current.append(item)
    items[:] = [
        item
        for run in runs
        for item in sorted(run, key=lambda item: "demo_module" in item.fixturenames)
    ]


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo data (`load_demo`), loaded once for the module inside a transaction that is
    rolled back when the module ends. Each test runs in a savepoint within it (its own
    `django_db` mark), so what one test writes is undone before the next: loading the demo
    for every test took about eight seconds each."""
    import io

    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(DEBUG=False, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        call_command("load_demo", verbosity=0, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
