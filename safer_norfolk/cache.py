"""The page cache's store in each web process when no shared cache is set (PAGE_CACHE_URL).

Django's local-memory cache bounds the number of entries only; the page cache keeps pages of
up to PAGE_CACHE_MAX_BYTES each, so 2,000 entries could hold gigabytes. This is the same
cache, bounded by the bytes it holds as well: storing a value that would take it past
MAX_BYTES first drops the least recently used entries, and a value larger than the whole
budget is not kept.
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

# Per cache name, as Django keeps the entries themselves: every thread's instance of a cache
# shares one store, so they share its accounting too.
_sizes = {}
_totals = {}


class _Total:
    def __init__(self):
        self.bytes = 0


class BoundedLocMemCache(LocMemCache):
    """LocMemCache with OPTIONS["MAX_BYTES"]: the most bytes (of pickled values) it holds."""

    def __init__(self, name, params):
        super().__init__(name, params)
        self._max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 64 * 1024 * 1024))
        self._sizes = _sizes.setdefault(name, {})
        self._total = _totals.setdefault(name, _Total())

    @property
    def total_bytes(self):
        return self._total.bytes

    def _forget(self, key):
        self._total.bytes -= self._sizes.pop(key, 0)

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        # Called with self._lock held, as LocMemCache does.
        size = len(value)
        self._delete(key)
        if size > self._max_bytes:
            return
        while self._cache and self._total.bytes + size > self._max_bytes:
            oldest, _ = self._cache.popitem()  # the end is the least recently used
            self._expire_info.pop(oldest, None)
            self._forget(oldest)
        super()._set(key, value, timeout)
        self._sizes[key] = size
        self._total.bytes += size

    def _cull(self):
        super()._cull()
        for key in self._sizes.keys() - self._cache.keys():
            self._forget(key)

    def _delete(self, key):
        deleted = super()._delete(key)
        self._forget(key)
        return deleted

    def incr(self, key, delta=1, version=None):
        value = super().incr(key, delta, version)
        made = self.make_and_validate_key(key, version=version)
        with self._lock:
            if made in self._cache:
                self._forget(made)
                self._sizes[made] = len(self._cache[made])
                self._total.bytes += self._sizes[made]
        return value

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._sizes.clear()
            self._total.bytes = 0
