"""The page cache's per-process store (safer_norfolk.cache.BoundedLocMemCache) holds at most
MAX_BYTES: the least recently used entries go first, and a value larger than the budget is
never kept."""

import pickle
import uuid

import pytest

from safer_norfolk.cache import BoundedLocMemCache

KB = 1024


def value_of(size):
    """A value whose pickled form is about `size` bytes."""
    return b"x" * (size - 40)


def pickled_size(value):
    return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


@pytest.fixture
def cache():
    name = f"bounded-{uuid.uuid4().hex}"
    store = BoundedLocMemCache(name, {"OPTIONS": {"MAX_BYTES": 100 * KB, "MAX_ENTRIES": 1000}})
    yield store
    store.clear()


def test_it_holds_what_fits_and_counts_its_bytes(cache):
    for number in range(4):
        cache.set(f"page-{number}", value_of(20 * KB))

    assert all(cache.get(f"page-{number}") is not None for number in range(4))
    assert cache.total_bytes == 4 * pickled_size(value_of(20 * KB))


def test_the_least_recently_used_go_first_when_bytes_run_out(cache):
    for number in range(3):
        cache.set(f"page-{number}", value_of(30 * KB))
    # page-0 is read, so page-1 is now the least recently used.
    assert cache.get("page-0") is not None

    cache.set("page-3", value_of(30 * KB))

    assert cache.get("page-1") is None
    assert [cache.get(f"page-{n}") is not None for n in (0, 2, 3)] == [True] * 3
    assert cache.total_bytes <= 100 * KB


def test_a_value_larger_than_the_budget_is_not_kept_and_evicts_nothing(cache):
    cache.set("small", value_of(10 * KB))

    cache.set("huge", value_of(200 * KB))

    assert cache.get("huge") is None
    assert cache.get("small") is not None
    assert cache.total_bytes == pickled_size(value_of(10 * KB))


def test_replacing_deleting_and_clearing_keep_the_count_right(cache):
    cache.set("page", value_of(50 * KB))
    cache.set("page", value_of(10 * KB))
    assert cache.total_bytes == pickled_size(value_of(10 * KB))

    cache.delete("page")
    assert cache.total_bytes == 0

    cache.set("a", value_of(10 * KB))
    cache.clear()
    assert cache.total_bytes == 0
    assert cache.get("a") is None


def test_entries_culled_by_number_leave_the_count_right():
    name = f"bounded-{uuid.uuid4().hex}"
    store = BoundedLocMemCache(
        name, {"OPTIONS": {"MAX_BYTES": 10_000 * KB, "MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}}
    )
    for number in range(25):
        store.set(f"page-{number}", value_of(KB))

    kept = [number for number in range(25) if store.get(f"page-{number}") is not None]
    assert len(kept) <= 10
    assert store.total_bytes == len(kept) * pickled_size(value_of(KB))
    store.clear()


def test_counters_are_counted_too(cache):
    cache.add("render-limit", 1, 60)
    cache.incr("render-limit")

    assert cache.get("render-limit") == 2
    assert cache.total_bytes == pickled_size(2)


def test_expired_entries_give_back_their_bytes(cache):
    cache.set("page", value_of(10 * KB), timeout=-1)

    assert cache.get("page") is None
    assert cache.total_bytes == 0


def test_every_thread_shares_one_store_and_one_count():
    name = f"bounded-{uuid.uuid4().hex}"
    params = {"OPTIONS": {"MAX_BYTES": 100 * KB}}
    one, other = BoundedLocMemCache(name, params), BoundedLocMemCache(name, params)

    one.set("page", value_of(10 * KB))

    assert other.get("page") is not None
    assert other.total_bytes == one.total_bytes == pickled_size(value_of(10 * KB))
    one.clear()
