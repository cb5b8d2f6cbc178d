"""When the database is unreachable, say so with a 503 instead of a 500.

While PostgreSQL restarts or fails over, queries raise `OperationalError` or `InterfaceError`.
`DatabaseUnavailableMiddleware` turns those into a "503 Service Unavailable" with `Retry-After`:
a short HTML page that needs no database, or JSON under `/api/`. `server_error` (the project's
`handler500`) does the same for a database error raised outside a view (in a middleware, say)
and otherwise shows the usual 500 page. Nothing needs restarting afterwards: Django opens a new
connection on the next request, and `CONN_HEALTH_CHECKS` replaces a kept connection that died.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

from cms.api.routing import is_api_request

logger = logging.getLogger("pss.database")

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
API_MESSAGE = "The service is briefly unavailable. Please try again in a minute."


def database_unavailable(request, exc: BaseException) -> HttpResponse:
    logger.warning(
        "Database unavailable: %s: %s",
        type(exc).__name__,
        str(exc).strip()[:300],
        extra={"path": request.path, "error": type(exc).__name__},
    )
    if is_api_request(request):
        response = JsonResponse({"detail": API_MESSAGE}, status=503)
    else:
        # Rendered without the request: no context processors, so no query is attempted.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view (or its template) that fails on the database gets a 503, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable(request, exception)
        return None


def server_error(request, template_name: str = "500.html"):
    """handler500: a 503 when the error being handled is the database's, else Django's 500 page."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_ERRORS):
        return database_unavailable(request, exc)
    return django_server_error(request, template_name=template_name)
