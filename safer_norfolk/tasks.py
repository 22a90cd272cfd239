"""Background work of the core: the nightly bulk downloads of the public record (django-tasks)."""

from importlib import import_module

from django.conf import settings
from django_tasks import task

from safer_norfolk import open_data


def api_registry():
    """The read API's router registry, from the composition root the settings name: every kind
    of record the API lists, in its order."""
    return import_module(settings.ROOT_URLCONF).router.registry


@task()
def build_open_data():
    """Build the downloads of every kind the read API lists and switch `/data/` to them.
    Returns the build's name."""
    return open_data.build(api_registry())["build"]
