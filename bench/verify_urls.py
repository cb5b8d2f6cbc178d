"""The site's URLs plus one minimal Django view, for the benchmarks that serve the site on gunicorn only."""

from django.http import HttpResponse
from django.urls import include, path

from cms import urls as site_urls


def minimal(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("", include("cms.urls")),
]

# The site's error handlers (a 503 when the database is away): Django reads them from the root URLconf only.
handler400 = getattr(site_urls, "handler400", "django.views.defaults.bad_request")
handler403 = getattr(site_urls, "handler403", "django.views.defaults.permission_denied")
handler404 = getattr(site_urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(site_urls, "handler500", "django.views.defaults.server_error")
