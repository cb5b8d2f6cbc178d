"""The site's URLs plus two minimal Django views, for the benchmarks that serve the site on gunicorn only.

``/bench/minimal/`` answers "ok"; ``/bench/minimal-20k/`` answers a fixed 20 KB HTML page, about the
size of a lesson page, so a page's throughput can be compared with Django's own cost for a page of
that size (issue 15's "minimal 20 KB Django view"). Neither touches the database or the session.
"""

from django.http import HttpResponse
from django.urls import include, path

from cms import urls as site_urls

PAGE_BYTES = 20 * 1024
_PARAGRAPH = "<p>Peer support is one person in recovery walking beside another, by choice, as an equal.</p>\n"
_HEAD = '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Minimal</title></head><body>\n'
_TAIL = "</body></html>\n"
_BODY = _PARAGRAPH * ((PAGE_BYTES - len(_HEAD) - len(_TAIL)) // len(_PARAGRAPH))
MINIMAL_PAGE = (_HEAD + _BODY + "<!--" + "x" * (PAGE_BYTES - len(_HEAD + _BODY + _TAIL) - 7) + "-->" + _TAIL).encode()


def minimal(request):
    return HttpResponse("ok")


def minimal_20k(request):
    return HttpResponse(MINIMAL_PAGE)


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/minimal-20k/", minimal_20k),
    path("", include("cms.urls")),
]

# The site's error handlers (a 503 when the database is away): Django reads them from the root URLconf only.
handler400 = getattr(site_urls, "handler400", "django.views.defaults.bad_request")
handler403 = getattr(site_urls, "handler403", "django.views.defaults.permission_denied")
handler404 = getattr(site_urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(site_urls, "handler500", "django.views.defaults.server_error")
