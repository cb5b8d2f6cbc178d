"""Cache versions: a token per kind of content that cached entries are stored under, replaced when it changes.

Learner pages cache what is the same for everyone (the site, which pages are restricted, the
course shapes, whether a person may open the admin) under a key that names the current version
of what it was built from. A signal receiver calls ``bump`` when that changes, so every entry
made before is ignored from the next request on.

With a shared cache (Redis, ``CACHE_SHARED``) every process reads the same version, kept until
the next bump. Without one, each process has its own cache and never sees another's bump, so a
version lives only ``LOCAL_SECONDS`` there: every process shows any change within that time.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

LOCAL_SECONDS = 15  # how long a process without a shared cache may show what another process changed


def shared() -> bool:
    """Whether every process reads the same cache, so a bump in one reaches all of them at once."""
    return settings.CACHE_SHARED


def _timeout() -> int | None:
    return None if shared() else LOCAL_SECONDS


def current(key: str) -> str:
    """The token under ``key`` naming the current state of what it covers; ``bump`` replaces it."""
    version = cache.get(key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(key, version, timeout=_timeout()):
            version = cache.get(key, version)
    return version


def _replace(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, timeout=_timeout())


def bump(key: str) -> None:
    """Retire what was cached under the version ``key``.

    Once now, so the change shows on the next request, and again when the transaction commits,
    so a request that read the old rows meanwhile cannot keep them cached.
    """
    _replace(key)
    transaction.on_commit(lambda: _replace(key))
