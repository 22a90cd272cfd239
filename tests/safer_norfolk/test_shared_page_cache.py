"""With PAGE_CACHE_URL, every web process shares one page cache in a real Redis server: a copy
one process stored is served by another, a change still takes effect at once, and the PDF
render limit counts across processes."""

import contextlib

import pytest
import redis
from django.core.cache import caches
from django.test import RequestFactory

from safer_norfolk import page_cache
from tests.factories import AgendaItemFactory
from tests.redis_server import redis_url  # noqa: F401
from tests.safer_norfolk.test_page_cache import MARKER, queries_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def shared_cache(redis_url, settings):  # noqa: F811
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "safer-norfolk-pages",
        },
    }
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()


def another_process():
    """Forget this thread's cache connections, as a new process would start without them."""
    with contextlib.suppress(AttributeError):  # not made yet in this thread
        del caches["pages"]


def test_a_copy_stored_by_one_process_is_served_by_another(client, shared_cache):
    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()

    first, first_queries = queries_for(client, url)
    another_process()
    second, second_queries = queries_for(client, url)

    assert first.status_code == second.status_code == 200
    assert MARKER in second.content.decode()
    assert second.content == first.content
    assert first_queries > 3
    assert second_queries == 1  # the content generation
    assert list(shared_cache.scan_iter(match="safer-norfolk-pages*"))


def test_a_change_takes_effect_at_once_through_the_shared_cache(client, shared_cache):
    item = AgendaItemFactory(title=f"Item {MARKER}")
    url = item.meeting.get_absolute_url()
    assert MARKER in client.get(url).content.decode()

    item.is_exempt = True
    item.save()
    another_process()

    assert MARKER not in client.get(url).content.decode()


def test_the_render_limit_counts_across_processes(shared_cache, settings):
    settings.RENDER_LIMIT, settings.RENDER_LIMIT_SECONDS = 2, 60
    request = RequestFactory().get("/meetings/x/agenda.pdf", REMOTE_ADDR="198.51.100.7")

    waits = []
    for _ in range(3):
        another_process()
        waits.append(page_cache.render_limit_wait(request))

    assert waits[:2] == [None, None]
    assert waits[2] is not None
    assert waits[2] > 0
