"""Page routing in a constant number of queries, and the request's site from the cache.

Wagtail walks the page tree one level at a time (a child by slug, then its specific row: two
queries a level) and looks the ``Site`` up in the database on every request. Here the page is
found by its ``url_path`` in two queries whatever its depth, and the site (with its root page)
comes from the cache. Both answers are Wagtail's own: the walk is used whenever a page type
routes differently, and the site is found by Wagtail's rule, then cached until a site or the
pages at its root change (``SITES_VERSION``).
"""

import hashlib

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http.request import split_domain_port
from wagtail.models import Page, Site, get_page_models
from wagtail.signals import post_page_move

from cms.ops import cache_versions

SITES_VERSION = "site-routing:sites-version"
SITE_CACHE_TIMEOUT = 24 * 60 * 60


def _is_or_is_below_a_site_root(page: Page) -> bool:
    if not page.url_path:
        return False
    root_paths = {root.root_path for root in Site.get_site_root_paths()}
    parent_url_path = page.url_path.rstrip("/").rsplit("/", 1)[0] + "/"
    return page.url_path in root_paths or parent_url_path in root_paths


@receiver(post_save)
@receiver(post_delete)
def sites_changed(sender, instance, **kwargs) -> None:
    """A site, a site's root page or a page just below it changed: the cached sites (and root pages) are retired."""
    if isinstance(instance, Site) or (isinstance(instance, Page) and _is_or_is_below_a_site_root(instance)):
        cache_versions.bump(SITES_VERSION)


@receiver(post_page_move)
def page_moved(sender, **kwargs) -> None:
    cache_versions.bump(SITES_VERSION)


def _site_key(request) -> str:
    # Wagtail's rule reads the raw host (no ALLOWED_HOSTS check) and the port.
    hostname = split_domain_port(request._get_raw_host())[0]
    digest = hashlib.sha256(f"{hostname}:{request.get_port()}".encode()).hexdigest()[:32]
    return f"site-routing:site:{digest}"


class CachedSiteMiddleware:
    """Gives Wagtail the request's site from the cache, so a request costs no query for it.

    Wagtail keeps the site it finds in ``request._wagtail_site``. When the cache has the site for
    this host name and port, it is put there; otherwise nothing is looked up here (a request that
    needs no site, or comes during a database outage, makes no query), and the site Wagtail finds
    during the request is cached, with its root page in specific form, until a site, a root page or
    a page just below a root changes (the root's children count is part of it).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _site_key(request)
        cached = cache.get_many([SITES_VERSION, key])
        version = cached.get(SITES_VERSION) or cache_versions.current(SITES_VERSION)
        entry = cached.get(key)
        if entry is not None and entry[0] == version:
            request._wagtail_site = entry[1]
            return self.get_response(request)
        response = self.get_response(request)
        if hasattr(request, "_wagtail_site"):
            cache.set(key, (version, _site_to_cache(request._wagtail_site)), timeout=SITE_CACHE_TIMEOUT)
        return response


def _site_to_cache(site: Site | None) -> Site | None:
    # Read afresh: the request may have left its own state on the site and its root page.
    if site is None:
        return None
    fresh = Site.objects.select_related("root_page").get(pk=site.pk)
    fresh.root_page = fresh.root_page.specific
    return fresh


def _page_types_routing_their_own_way() -> list[type]:
    return [
        model
        for model in get_page_models()
        if model.route is not Page.route and not getattr(model, "routes_by_url_path", False)
    ]


def route_by_url_path(root: Page, request, path_components: list[str]):
    """Find the live page at ``path_components`` below ``root`` in two queries, as Wagtail's walk would.

    Returns ``None`` when the walk must decide: a page type routes its own way (so any page on
    the way might), or no single page has that URL path (a trailing path a parent may answer).
    Raises ``Http404`` for a page that is not live, like Wagtail.
    """
    if _page_types_routing_their_own_way():
        return None
    url_path = root.url_path + "".join(f"{component}/" for component in path_components)
    # url_path has no index of its own; the slug (the last component) does, and narrows to a few rows.
    slug = path_components[-1] if path_components else root.slug
    pages = list(
        Page.objects.filter(
            slug=slug, url_path=url_path, path__startswith=root.path, depth=root.depth + len(path_components)
        ).specific()[:2]
    )
    if len(pages) != 1:
        return None
    # Wagtail's own last step: only a live page is served. Pages above it need not be live.
    return Page.route(pages[0], request, [])
