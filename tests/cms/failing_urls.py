"""The site's URLs plus views that fail, for tests of the 503 and 500 responses."""

from django.db import InterfaceError, OperationalError
from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from cms.urls import urlpatterns as site_urlpatterns


def database_refused(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def connection_closed(request):
    raise InterfaceError("connection already closed")


def template_hits_a_dead_database(request):
    def fail():
        raise OperationalError("server closed the connection unexpectedly")

    return TemplateResponse(request, engines["django"].from_string("{{ fail }}"), {"fail": fail})


def plain_bug(request):
    raise ValueError("a bug, not an outage")


urlpatterns = [
    path("test-failures/database/", database_refused),
    path("test-failures/interface/", connection_closed),
    path("test-failures/template/", template_hits_a_dead_database),
    path("test-failures/bug/", plain_bug),
    path("api/test-failures/database/", database_refused),
    *site_urlpatterns,
]

handler500 = "cms.ops.resilience.server_error"
