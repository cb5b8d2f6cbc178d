"""Cache versions: replaced on every change; without a shared cache, short-lived (cms/ops/cache_versions.py)."""

import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings

from cms.ops import cache_versions

pytestmark = pytest.mark.django_db

KEY = "tests:cache-versions:version"


@pytest.fixture
def timeouts():
    """The timeout of every version written to the cache, in order."""
    written = []
    real_add, real_set = cache.add, cache.set

    def add(key, value, timeout=None, **kwargs):
        written.append(timeout)
        return real_add(key, value, timeout=timeout, **kwargs)

    def set_(key, value, timeout=None, **kwargs):
        written.append(timeout)
        return real_set(key, value, timeout=timeout, **kwargs)

    with mock.patch.object(cache, "add", add), mock.patch.object(cache, "set", set_):
        yield written


def test_the_version_stays_until_it_is_bumped():
    version = cache_versions.current(KEY)
    assert cache_versions.current(KEY) == version
    cache_versions.bump(KEY)
    assert cache_versions.current(KEY) != version


def test_a_bump_replaces_the_version_again_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cache_versions.bump(KEY)
        during = cache_versions.current(KEY)
    assert cache_versions.current(KEY) != during


def test_with_a_shared_cache_a_version_is_kept_until_the_next_bump(timeouts):
    assert cache_versions.shared()
    cache_versions.current(KEY)
    cache_versions.bump(KEY)
    assert timeouts and all(timeout is None for timeout in timeouts)


@override_settings(CACHE_SHARED=False)
def test_without_a_shared_cache_a_version_lives_at_most_15_seconds(timeouts):
    assert not cache_versions.shared()
    cache_versions.current(KEY)
    cache_versions.bump(KEY)
    assert len(timeouts) >= 2
    assert all(timeout is not None and 0 < timeout <= 15 for timeout in timeouts)


@override_settings(CACHE_SHARED=False)
def test_without_a_shared_cache_a_process_starts_a_new_version_after_15_seconds():
    """So a change another process saw (and bumped in its own cache) shows here within 15 seconds."""
    version = cache_versions.current(KEY)
    assert cache_versions.current(KEY) == version
    with mock.patch("time.time", return_value=time.time() + cache_versions.LOCAL_SECONDS + 1):
        assert cache_versions.current(KEY) != version
