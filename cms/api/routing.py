"""What counts as an API request, and the API's answer for URLs it does not know: JSON, never the site's pages."""

from django.http import Http404, JsonResponse
from django.views.decorators.common import no_append_slash
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import page_not_found as site_page_not_found
from rest_framework import exceptions

API_ROOT = "/api/"
API_PREFIX = "/api/v1/"
# DRF's challenge for a 401 (see ``BearerTokenAuthentication.authenticate_header``).
BEARER_CHALLENGE = 'Bearer realm="api"'


def is_api_request(request) -> bool:
    """Whether the request is for the API, whose clients read JSON, never the site's HTML pages."""
    return request.path.startswith(API_ROOT)


def page_not_found(request, exception):
    """``handler404``: under /api/, JSON like every other API answer; elsewhere the site's 404 page."""
    if is_api_request(request):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)
    return site_page_not_found(request, exception)


@csrf_exempt
@no_append_slash
def unknown_endpoint(request):
    """Every URL under /api/ that no endpoint answers, whatever the method: the JSON 404 of ``page_not_found``.

    Without it such a URL would reach the page tree, so a write would be refused by the CSRF check (an HTML
    403) and a page with the slug "api" would be served. Its pattern takes only URLs ending in a slash, so one
    that merely lacks the slash of an endpoint (``/api/v1/courses``) is still redirected by ``APPEND_SLASH``;
    ``no_append_slash`` stops other slashless URLs (``/api/v1/nope``) being redirected here first.
    """
    raise Http404
