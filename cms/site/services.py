"""Writes for the site's pages. Commands and the demo loader call these, never the ORM directly."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from cms.site.models import HomePage

HOME_INTRO = (
    "Short, practical training for peer support specialists who walk beside pregnant and parenting people in recovery."
)
HOME_BODY = (
    "<h2>How it works</h2>"
    "<ul><li>Read a short lesson on your phone, between shifts, at your own pace.</li>"
    "<li>Think through real situations with invented people, and write private reflections only you can see.</li>"
    "<li>Pick up where you left off, whenever you come back.</li></ul>"
)


def site_name_ensure(site: Site) -> None:
    """Give the site the product's name (``WAGTAIL_SITE_NAME``) if it has none, so the admin is not titled by
    the hostname ("localhost")."""
    if not site.site_name:
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save(update_fields=["site_name"])


@transaction.atomic
def site_home_ensure(*, title: str = "Peer Support Training") -> HomePage:
    """Make a HomePage the default site's root, replacing Wagtail's placeholder "Welcome" page, and give the
    site the product's name.

    Idempotent: when the default site already starts at a HomePage, that page is returned.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        site_name_ensure(site)
    if site and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    existing = HomePage.objects.first()
    if existing is None:
        root = Page.get_first_root_node()
        placeholder = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
        if placeholder is not None:
            placeholder.slug = "welcome-placeholder"
            placeholder.save(update_fields=["slug"])
        existing = root.add_child(instance=HomePage(title=title, slug="home", intro=HOME_INTRO, body=HOME_BODY))
        existing.save_revision().publish()
        if placeholder is not None:
            if site is not None and site.root_page_id == placeholder.pk:
                site.root_page = existing
                site.save(update_fields=["root_page"])
            placeholder.delete()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=existing,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    elif site.root_page_id != existing.pk:
        site.root_page = existing
        site.save(update_fields=["root_page"])
    return existing
