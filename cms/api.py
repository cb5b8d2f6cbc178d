"""Site-wide API plumbing: the OpenAPI schema covers this project's /api/v1/ only."""

import copy

from rest_framework import exceptions, serializers

API_PREFIX = "/api/v1/"


def only_project_api(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: leave Wagtail's internal admin API out of the public schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]


class IdField(serializers.PrimaryKeyRelatedField):
    """A related object by id. An id too large for the database is "does not exist", not a server error."""

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except OverflowError:
            self.fail("does_not_exist", pk_value=data)


class VisibleIdField(IdField):
    """A related object by id, among those the requester may use (``scope(user)``); any other id is a 404.

    An id that does not exist and one the requester may not see get the same answer, so nobody
    learns who or what exists by trying ids.
    """

    not_found = "Not found, or not one you can choose."

    def __init__(self, *, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user).filter(pk__in=super().get_queryset().values("pk"))

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if error.get_codes() == ["does_not_exist"]:
                raise exceptions.NotFound(self.not_found) from error
            raise


PROBLEM = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each field (or `non_field_errors`, or `detail`) with its error messages.",
    "additionalProperties": True,
}


TOO_MANY_REQUESTS = {
    "description": (
        "Too many requests from this address, or too many with a token that is not valid. "
        "`Retry-After` gives the seconds to wait."
    ),
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before trying again."}},
    "content": {"application/json": {"schema": PROBLEM}},
}


def _throttled_operations(generator) -> set[tuple[str, str]]:
    """(path, method) of the operations whose views limit request rates."""
    throttled = set()
    for path, _regex, method, callback in getattr(generator, "endpoints", None) or []:
        view_class = getattr(callback, "cls", None)
        if view_class is not None and getattr(view_class, "throttle_classes", None):
            throttled.add((path, method.lower()))
    return throttled


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the errors it can answer with.

    404 wherever the path names an object (another person's, or one that does not exist) or the
    list is paginated; 400 wherever the request carries a body or query parameters to validate;
    429 wherever the view limits request rates or accepts a bearer token (tokens that are not valid
    lock the address out for a while, see ``cms/login_protection.py``).
    """
    throttled = _throttled_operations(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            bearer = any("bearerAuth" in requirement for requirement in operation.get("security", []))
            if (bearer or (path, method) in throttled) and "429" not in operation["responses"]:
                operation["responses"]["429"] = copy.deepcopy(TOO_MANY_REQUESTS)
            responses = operation["responses"]
            parameters = operation.get("parameters", [])
            has_query = any(p.get("in") == "query" for p in parameters)
            if ("{" in path or has_query) and "404" not in responses:
                responses["404"] = {
                    "description": "Not found, or not yours to see.",
                    "content": {"application/json": {"schema": PROBLEM}},
                }
            if ("requestBody" in operation or has_query) and "400" not in responses:
                responses["400"] = {
                    "description": "A field or parameter is not valid; the body names it.",
                    "content": {"application/json": {"schema": FIELD_ERRORS}},
                }
    return result
