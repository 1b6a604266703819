"""A fixed-window rate limit per client, in Django's cache (Redis in production; the process's
memory otherwise), for what anyone may call without signing in (the public figures).

`allow("public", request)` is False once the client has made more than
TIANMU_PUBLIC_RATE_LIMIT requests (default 60) in the current window of
TIANMU_PUBLIC_RATE_WINDOW seconds (default 60); the caller answers 429. The client is
REMOTE_ADDR: behind a proxy, have the proxy set it (docs/deploy.md#public-figures).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache


def client_of(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def allow(scope: str, request) -> bool:
    limit = getattr(settings, "TIANMU_PUBLIC_RATE_LIMIT", 60)
    window = getattr(settings, "TIANMU_PUBLIC_RATE_WINDOW", 60)
    if not limit:
        return True  # 0 turns the limit off
    bucket = f"ratelimit:{scope}:{client_of(request)}:{int(time.time() // window)}"
    cache.add(bucket, 0, window + 1)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, window + 1)
        count = 1
    return count <= limit
