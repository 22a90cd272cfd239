"""Counting requests in fixed windows, in the shared cache (Redis in production, so every
web process counts together): the render limit of documents (safer_norfolk.page_cache) and
the requests to follow by email (alerts)."""

import hashlib
import math
import time

from django.core.cache import caches

CACHE_ALIAS = "pages"


def digest(value):
    """A key part for `value` (an address, an email): hashed, so that a value a client wrote
    is never a cache key of its own making and no address is stored as it is."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def hit(name, window):
    """Count one more request under `name` in the current window of `window` seconds.
    Returns (the window's count so far, this one included; the seconds until it ends)."""
    now = time.time()
    slot = int(now // window)
    key = f"{name}:{slot}"
    counts = caches[CACHE_ALIAS]
    left = max(1, math.ceil((slot + 1) * window - now))
    if counts.add(key, 1, window):
        return 1, left
    try:
        return counts.incr(key), left
    except ValueError:  # the window's count expired between the two calls
        counts.set(key, 1, window)
        return 1, left
