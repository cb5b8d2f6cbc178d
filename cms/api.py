"""Site-wide API plumbing: the OpenAPI schema covers this project's /api/v1/ only."""

from rest_framework import serializers

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


PROBLEM = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each field (or `non_field_errors`, or `detail`) with its error messages.",
    "additionalProperties": True,
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the errors it can answer with.

    404 wherever the path names an object (another person's, or one that does not exist) or the
    list is paginated; 400 wherever the request carries a body or query parameters to validate.
    """
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
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
