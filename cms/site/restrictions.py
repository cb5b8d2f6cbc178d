"""Wagtail's view-restriction check without its two queries on pages nothing restricts.

Before serving a page, Wagtail asks ``page.get_view_restrictions()``, which reads the page's
ancestors (one query) and then the restrictions on them (another), on every request. Which pages
carry a restriction, and which are aliases (whose source's restrictions apply), changes rarely:
it is cached until a restriction or an alias changes or a page moves (``RESTRICTIONS_VERSION``). A page with
neither on itself or any ancestor has no restriction, and is answered without a query; any other
page gets Wagtail's own query, so restrictions are applied exactly as Wagtail applies them.
Without a shared cache (``cache_versions.shared()``) nothing is skipped: every page gets Wagtail's check.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import post_page_move

from cms.ops import cache_versions

RESTRICTIONS_VERSION = "site-routing:restrictions-version"
PATHS_KEY = "site-routing:restricted-or-alias-paths"


@receiver(post_save)
@receiver(post_delete)
def restrictions_changed(sender, instance, **kwargs) -> None:
    """A restriction, or an alias (which takes its source's restrictions), changed: the cached paths are retired."""
    if isinstance(instance, PageViewRestriction) or (isinstance(instance, Page) and instance.alias_of_id):
        cache_versions.bump(RESTRICTIONS_VERSION)


@receiver(post_page_move)
def page_moved(sender, **kwargs) -> None:
    """A move changes the tree paths of the page and all below it."""
    cache_versions.bump(RESTRICTIONS_VERSION)


def _restricted_or_alias_paths() -> frozenset[str]:
    found = cache.get_many([RESTRICTIONS_VERSION, PATHS_KEY])
    version = found.get(RESTRICTIONS_VERSION) or cache_versions.current(RESTRICTIONS_VERSION)
    cached = found.get(PATHS_KEY)
    if cached is not None and cached[0] == version:
        return cached[1]
    paths = frozenset(PageViewRestriction.objects.values_list("page__path", flat=True)) | frozenset(
        Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True)
    )
    cache.set(PATHS_KEY, (version, paths), timeout=None)
    return paths


def may_be_restricted(page: Page) -> bool:
    """Whether a view restriction could apply to ``page``: one on it or an ancestor, or an alias among them.

    Without a shared cache another process may have added a restriction this one has not heard
    of, so every page gets Wagtail's own check there.
    """
    if not cache_versions.shared():
        return True
    watched = _restricted_or_alias_paths()
    if not watched:
        return False
    steplen = page.steplen
    return any(page.path[:end] in watched for end in range(steplen, len(page.path) + 1, steplen))


class CachedViewRestrictionsMixin:
    """For page models: Wagtail's ``get_view_restrictions``, without a query where none can apply."""

    def get_view_restrictions(self):
        if not may_be_restricted(self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()
