"""Site-wide API plumbing: the OpenAPI schema covers this project's /api/v1/ only."""

API_PREFIX = "/api/v1/"


def only_project_api(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: leave Wagtail's internal admin API out of the public schema."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]
