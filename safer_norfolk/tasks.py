"""Background work of the core: the nightly bulk downloads of the public record (django-tasks)."""

from importlib import import_module

from django.conf import settings
from django_tasks import task

from safer_norfolk import open_data
from safer_norfolk.api import PublicReadViewSet


def api_registry():
    """The read API's router registry, from the composition root the settings name: every kind
    of record the API lists, in its order (not the changes feed, which lists no records)."""
    return [
        entry
        for entry in import_module(settings.ROOT_URLCONF).router.registry
        if issubclass(entry[1], PublicReadViewSet)
    ]


@task()
def build_open_data():
    """Build the downloads of every kind the read API lists and switch `/data/` to them.
    Returns the build's name."""
    return open_data.build(api_registry())["build"]
