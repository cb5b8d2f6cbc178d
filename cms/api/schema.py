"""The OpenAPI schema of /api/v1/: only the project's endpoints, each with the errors it can answer with."""

import copy

from rest_framework.permissions import AllowAny, IsAuthenticated

from cms.api.routing import API_PREFIX, BEARER_CHALLENGE


def only_project_api(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: leave Wagtail's internal admin API out of the public schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]


PROBLEM = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each field (or `non_field_errors`, or `detail`) with its error messages.",
    "additionalProperties": True,
}


UNAUTHORIZED = {
    "description": (
        "No credentials were sent, or the bearer token is not valid or has been revoked. "
        "`WWW-Authenticate` names the scheme to use."
    ),
    "headers": {
        "WWW-Authenticate": {
            "schema": {"type": "string", "example": BEARER_CHALLENGE},
            "description": 'The bearer scheme, with `error="invalid_token"` when the token sent was refused.',
        }
    },
    "content": {"application/json": {"schema": PROBLEM}},
}
FORBIDDEN = {
    "description": (
        "Refused: this account may not do this, two-factor authentication is not yet done for this "
        "session, or (with the session) the CSRF token is missing."
    ),
    "content": {"application/json": {"schema": PROBLEM}},
}
NOT_FOUND = {
    "description": "Not found, or not yours to see.",
    "content": {"application/json": {"schema": PROBLEM}},
}
# Permissions that never refuse someone who is logged in: anything else may answer 403.
PERMISSIONS_WITHOUT_403 = (AllowAny, IsAuthenticated)
UNSAFE_METHODS = {"post", "put", "patch", "delete"}

TOO_MANY_REQUESTS = {
    "description": (
        "Too many requests from this address, or too many with a token that is not valid. "
        "`Retry-After` gives the seconds to wait."
    ),
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}},
    "content": {"application/json": {"schema": PROBLEM}},
}


def _view_classes(generator) -> dict[tuple[str, str], type]:
    """The view class behind each operation, by (path, method)."""
    views = {}
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or []:
        view_class = getattr(callback, "cls", None)
        if view_class is not None:
            views[(path, method.lower())] = view_class
    return views


def _may_refuse_someone_logged_in(view_class) -> bool:
    # Composed permissions (``A & B``) are not classes: count them as able to refuse.
    return any(
        not (isinstance(permission, type) and issubclass(permission, PERMISSIONS_WITHOUT_403))
        for permission in getattr(view_class, "permission_classes", [])
    )


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the errors it can answer with.

    401 (with ``WWW-Authenticate``) wherever a bearer token is accepted: without credentials, or with a
    token that is not valid. 403 wherever a permission beyond "logged in" can refuse, and for the
    session's CSRF check on writes. 404 wherever the path names an object (another person's, or one
    that does not exist) or the list is paginated: JSON, as for any unknown URL under /api/. 400
    wherever the request carries a body or query parameters to validate. 429 wherever the view limits
    request rates or accepts a bearer token (tokens that are not valid lock the address out for a
    while, see ``cms/login_protection.py``).
    """
    views = _view_classes(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            view_class = views.get((path, method))
            security = operation.get("security", [])
            bearer = any("bearerAuth" in requirement for requirement in security)
            session = any("cookieAuth" in requirement for requirement in security)
            responses = operation["responses"]
            if bearer and "401" not in responses:
                responses["401"] = copy.deepcopy(UNAUTHORIZED)
            csrf = session and method in UNSAFE_METHODS
            if (csrf or _may_refuse_someone_logged_in(view_class)) and "403" not in responses:
                responses["403"] = copy.deepcopy(FORBIDDEN)
            throttled = bool(getattr(view_class, "throttle_classes", None))
            if (bearer or throttled) and "429" not in responses:
                responses["429"] = copy.deepcopy(TOO_MANY_REQUESTS)
            parameters = operation.get("parameters", [])
            has_query = any(p.get("in") == "query" for p in parameters)
            if ("{" in path or has_query) and "404" not in responses:
                responses["404"] = copy.deepcopy(NOT_FOUND)
            if ("requestBody" in operation or has_query) and "400" not in responses:
                responses["400"] = {
                    "description": "A field or parameter is not valid; the body names it.",
                    "content": {"application/json": {"schema": FIELD_ERRORS}},
                }
    return result
