"""The site's public address, the one way every absolute link is written.

PDFs and their QR codes, emails, the API's URLs, LinkedIn links, credentials and the privacy export
all call :func:`absolute_url`, so one setting (``SITE_URL``) decides where every link points, whichever
host or port the request came in on.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_url() -> str:
    """The site's public address without a trailing slash, e.g. ``https://training.example.org``."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str = "/") -> str:
    """``path`` (as ``reverse`` or ``page.url`` gives it, starting with ``/``) on the site's public address."""
    if not path.startswith("/"):
        raise ValueError(f"absolute_url() takes a path starting with '/', not {path!r}")
    return site_url() + path


def site_protocol_and_domain() -> tuple[str, str]:
    """``("https", "training.example.org")``: the site's address as Django's password reset emails take it."""
    parts = urlsplit(site_url())
    return parts.scheme, parts.netloc + parts.path


def absolute_page_url(page) -> str | None:
    """A Wagtail page's link on the site's public address, or ``None`` if the page is not routable."""
    parts = page.get_url_parts()
    if parts is None:
        return None
    return absolute_url(parts[2] or "/")
