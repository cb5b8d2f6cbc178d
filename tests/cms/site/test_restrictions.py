"""Private pages refuse whoever lacks access; unrestricted pages skip Wagtail's restriction queries."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.ops import cache_versions
from cms.site.models import StandardPage
from cms.site.restrictions import PATHS_KEY, RESTRICTIONS_VERSION
from tests.factories import LearnerFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(home):
    return publish(home, StandardPage(title="Section", slug="section", body="<p>Section.</p>"))


@pytest.fixture
def page(section):
    return publish(section, StandardPage(title="Inner", slug="inner", body="<p>Inner text.</p>"))


def restrict(page, restriction_type, **fields):
    return PageViewRestriction.objects.create(page=page, restriction_type=restriction_type, **fields)


def refused_login(response) -> bool:
    return response.status_code == 302 and "/login/" in response["Location"]


def test_an_unrestricted_page_reads_no_restrictions(client, page):
    assert client.get(page.url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert list(page.get_view_restrictions()) == []
    assert len(queries) == 0


def test_a_page_restricted_to_signed_in_people_asks_for_login(client, page):
    restrict(page, PageViewRestriction.LOGIN)
    assert refused_login(client.get(page.url))
    client.force_login(LearnerFactory())
    assert client.get(page.url).status_code == 200


def test_a_page_restricted_to_a_group_refuses_others(client, page):
    group = Group.objects.create(name="Reviewers")
    restrict(page, PageViewRestriction.GROUPS).groups.add(group)
    outsider, member = LearnerFactory(), LearnerFactory()
    member.groups.add(group)
    assert refused_login(client.get(page.url))
    client.force_login(outsider)
    assert refused_login(client.get(page.url))
    client.force_login(member)
    assert client.get(page.url).status_code == 200


def test_a_page_behind_a_password_asks_for_it(client, page):
    restrict(page, PageViewRestriction.PASSWORD, password="open sesame")
    content = client.get(page.url).content.decode()
    assert 'name="password"' in content and "Inner text." not in content


def test_a_restriction_on_an_ancestor_covers_the_pages_below(client, section, page):
    restrict(section, PageViewRestriction.LOGIN)
    assert refused_login(client.get(page.url))


def test_adding_a_restriction_takes_effect_on_the_next_request(client, page):
    assert client.get(page.url).status_code == 200
    restriction = restrict(page, PageViewRestriction.LOGIN)
    assert refused_login(client.get(page.url))
    restriction.delete()
    assert client.get(page.url).status_code == 200


def test_a_page_moved_under_a_restricted_page_is_restricted_at_once(client, home, section):
    outside = publish(home, StandardPage(title="Outside", slug="outside", body="<p>Outside.</p>"))
    restrict(section, PageViewRestriction.LOGIN)
    assert client.get(outside.url).status_code == 200
    outside.move(section, pos="last-child")
    assert refused_login(client.get("/section/outside/"))


def test_a_restricted_page_keeps_its_restriction_when_moved(client, home, page):
    restrict(page, PageViewRestriction.LOGIN)
    assert refused_login(client.get(page.url))
    page.move(home, pos="last-child")
    assert refused_login(client.get("/inner/"))


def test_an_alias_of_a_restricted_page_is_restricted(client, home, page):
    restrict(page, PageViewRestriction.LOGIN)
    assert refused_login(client.get(page.url))
    alias = page.create_alias(parent=home, update_slug="inner-alias")
    assert refused_login(client.get(alias.url))


def test_restricting_a_page_restricts_its_aliases_at_once(client, home, page):
    """An alias takes its source's restrictions without a row of its own."""
    alias = page.create_alias(parent=home, update_slug="inner-alias")
    assert client.get(alias.url).status_code == 200
    restrict(page, PageViewRestriction.LOGIN)
    assert not alias.view_restrictions.exists()
    assert refused_login(client.get(alias.url))


def _another_process_missed_the_restriction():
    """What a process without a shared cache may hold: the restriction added elsewhere is not in its paths."""
    version = cache_versions.current(RESTRICTIONS_VERSION)
    cache.set(PATHS_KEY, (version, frozenset()), timeout=None)


def test_with_a_shared_cache_the_cached_paths_decide(client, page):
    # The stale entry is read as is: a shared cache is trusted to have been bumped.
    restrict(page, PageViewRestriction.LOGIN)
    _another_process_missed_the_restriction()
    assert client.get(page.url).status_code == 200


@override_settings(CACHE_SHARED=False)
def test_without_a_shared_cache_a_restriction_applies_whatever_the_cache_holds(client, page):
    restrict(page, PageViewRestriction.LOGIN)
    _another_process_missed_the_restriction()
    assert refused_login(client.get(page.url))
    client.force_login(LearnerFactory())
    assert client.get(page.url).status_code == 200


@override_settings(CACHE_SHARED=False)
def test_without_a_shared_cache_every_page_gets_wagtails_check(page):
    list(page.get_view_restrictions())  # anything this process could cache is cached now
    with CaptureQueriesContext(connection) as queries:
        assert list(page.get_view_restrictions()) == []
    assert len(queries) == 2
