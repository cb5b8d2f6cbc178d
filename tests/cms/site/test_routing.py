"""Pages are found by URL path in a constant number of queries, as Wagtail's walk down the tree finds them."""

import pytest
from django.db import connection
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from cms.site.models import StandardPage
from cms.site.routing import CachedSiteMiddleware
from tests.factories import publish

pytestmark = pytest.mark.django_db


def standard_page(parent, slug: str, *, live: bool = True) -> StandardPage:
    page = publish(parent, StandardPage(title=slug.title(), slug=slug, body="<p>Text.</p>"))
    if not live:
        page.unpublish()
    return page


@pytest.fixture
def chain(home):
    """Standard pages nested five deep below the home page: depths 3 to 7."""
    pages = [home]
    for level in range(3, 8):
        pages.append(standard_page(pages[-1], f"level-{level}"))
    return pages[1:]


def request_for(path: str):
    """A request for ``path`` that has been through the site middleware, with the site cached."""

    def wagtail_finds_the_site(request):
        Site.find_for_request(request)
        return HttpResponse()

    CachedSiteMiddleware(wagtail_finds_the_site)(RequestFactory().get(path))
    request = RequestFactory().get(path)
    CachedSiteMiddleware(lambda request: HttpResponse())(request)
    assert hasattr(request, "_wagtail_site")
    return request


def route(path: str):
    """What the site serves at ``path``: the page, or ``None`` for a 404."""
    result = Page.route_for_request(request_for(path), path)
    return None if result is None else result.page


def wagtail_walk(home, path: str):
    """Wagtail's own answer: the walk down the tree one level at a time from the home page."""
    components = [component for component in path.split("/") if component]
    try:
        return Page.route(home, request_for(path), components).page
    except Http404:
        return None


def routing_queries(path: str) -> int:
    request = request_for(path)
    with CaptureQueriesContext(connection) as queries:
        assert Page.route_for_request(request, path) is not None
    return len(queries)


def test_routing_runs_two_queries_at_any_depth(chain):
    shallow, deep = chain[0], chain[3]
    assert (shallow.depth, deep.depth) == (3, 6)
    assert routing_queries(shallow.url) == routing_queries(deep.url) == 2


def test_the_site_is_looked_up_once_then_taken_from_the_cache(client, home):
    client.get(home.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(home.url).status_code == 200
    assert not [query for query in queries if "wagtailcore_site" in query["sql"]]


def test_a_request_that_needs_no_site_looks_none_up(client, home):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/schema/").status_code == 200
    assert not [query for query in queries if "wagtailcore_site" in query["sql"]]


def test_a_lesson_page_is_routed_in_two_queries(learner_client, learner, catalog):
    from courses.progress.services import enrollment_create
    from tests.factories import build_course, course_lessons

    course = build_course(catalog, modules=1, lessons_per_module=1)
    enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[0]
    learner_client.get(lesson.url)
    with CaptureQueriesContext(connection) as queries:
        assert learner_client.get(lesson.url).status_code == 200
    sql = [query["sql"] for query in queries]
    assert not [query for query in sql if "wagtailcore_site" in query]
    assert len([query for query in sql if query.startswith('SELECT "wagtailcore_page"."id" AS "pk"')]) == 1


def test_routing_finds_what_wagtails_walk_finds(home, chain):
    draft = standard_page(chain[0], "draft", live=False)
    under_draft = standard_page(draft, "under-draft")
    paths = [
        "/",
        chain[0].url,
        chain[-1].url,
        draft.url,
        under_draft.url,
        "/no-such-page/",
        chain[1].url + "not-a-page/",
        chain[1].url + "not/a/page/",
    ]
    assert [route(path) for path in paths] == [wagtail_walk(home, path) for path in paths]


def test_a_draft_page_is_not_found(client, chain):
    draft = standard_page(chain[0], "draft", live=False)
    assert client.get(draft.url).status_code == 404
    assert route(draft.url) is None


def test_a_live_page_under_a_draft_parent_is_served_as_wagtail_serves_it(client, chain):
    """Wagtail checks only the page served, not the pages above it, for being live."""
    parent = standard_page(chain[0], "parent")
    child = standard_page(parent, "child")
    parent.unpublish()  # its subpages stay live, as when an editor unpublishes only the parent
    child.refresh_from_db()
    assert child.live
    assert client.get(parent.url).status_code == 404
    assert client.get(child.url).status_code == 200


def test_a_renamed_page_moves_to_its_new_url_at_once(client, chain):
    page, below = chain[1], chain[2]
    old_url, old_below_url = page.url, below.url
    assert client.get(old_below_url).status_code == 200
    page.slug = "renamed"
    page.save_revision().publish()
    assert client.get("/level-3/renamed/").status_code == 200
    assert client.get("/level-3/renamed/level-5/").status_code == 200
    assert client.get(old_url).status_code == 404
    assert client.get(old_below_url).status_code == 404


def test_a_moved_page_is_served_at_its_new_place_only(client, home, chain):
    page = chain[2]
    old_url = page.url
    assert client.get(old_url).status_code == 200
    page.move(home, pos="last-child")
    assert client.get("/level-5/level-6/").status_code == 200
    assert route(old_url) is None
    # Wagtail's redirects app sends the old address on to the new one.
    response = client.get(old_url)
    assert (response.status_code, response["Location"]) == (301, "/level-5/")


def test_a_path_below_a_page_is_not_found(client, chain):
    assert client.get(chain[1].url + "not-a-page/").status_code == 404


def test_a_page_type_with_its_own_route_still_answers_the_paths_below_it(client, chain, monkeypatch):
    """A routable page (a ``route`` of its own) answers paths below it; the tree is walked to reach it."""

    def route_with_extra_view(self, request, path_components):
        if path_components == ["extra"]:
            return RouteResult(self, kwargs={"extra": True})
        return Page.route(self, request, path_components)

    def serve(self, request, *args, **kwargs):
        return HttpResponse(f"{self.slug} extra={kwargs.get('extra', False)}")

    monkeypatch.setattr(StandardPage, "route", route_with_extra_view, raising=False)
    monkeypatch.setattr(StandardPage, "serve", serve)
    assert client.get(chain[1].url + "extra/").content == b"level-4 extra=True"
    assert client.get(chain[1].url).content == b"level-4 extra=False"
    assert client.get(chain[1].url + "other/").status_code == 404


def test_a_home_page_change_shows_at_once(client, home):
    client.get(home.url)
    home.intro = "A new welcome"
    home.save_revision().publish()
    assert "A new welcome" in client.get(home.url).content.decode()


def test_a_site_change_shows_on_the_next_request(client, home, catalog):
    assert route("/").specific == home
    site = Site.objects.get(is_default_site=True)
    site.root_page = catalog
    site.save()
    assert route("/").specific == catalog
    assert client.get("/").status_code == 200
    site.delete()
    assert client.get("/").status_code == 404
