"""The API's answers for want of credentials (401 with a challenge), its 404s (always JSON), and the schema that
documents both (cms/api/schema.py, cms/security/api_tokens/authentication.py)."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cms.security.api_tokens.services import api_token_create
from tests.factories import LearnerFactory, SupervisorFactory, TeamFactory

pytestmark = pytest.mark.django_db

CHALLENGE = 'Bearer realm="api"'


@pytest.fixture
def schema(client):
    return client.get("/api/v1/schema/", {"format": "json"}).json()


def operations(schema):
    """(method, URL with made-up ids, operation) for every operation of the schema."""
    for path, methods in schema["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method, operation in methods.items():
            yield method.upper(), url, operation


def accepts_a_token(operation) -> bool:
    return any("bearerAuth" in requirement for requirement in operation.get("security", []))


def open_to_anyone(operation) -> bool:
    security = operation.get("security")
    return security is None or {} in security


def test_every_operation_that_needs_credentials_answers_401_with_the_bearer_challenge(schema):
    checked = []
    for method, url, operation in operations(schema):
        if open_to_anyone(operation):
            continue
        response = APIClient().generic(method, url, "{}", content_type="application/json")
        assert response.status_code == 401, f"{method} {url}"
        assert response["WWW-Authenticate"] == CHALLENGE
        assert response.json() == {"detail": "Authentication credentials were not provided."}
        assert "401" in operation["responses"], f"{method} {url} does not document its 401"
        checked.append(f"{method} {url}")
    assert (
        len(checked) >= 10 and "GET /api/v1/me/enrollments/" in checked and "DELETE /api/v1/assignments/1/" in checked
    )


def test_every_operation_that_accepts_a_token_refuses_a_bad_one_with_401(schema, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 1000
    checked = []
    for method, url, operation in operations(schema):
        if not accepts_a_token(operation):
            continue
        response = APIClient().generic(
            method, url, "{}", content_type="application/json", HTTP_AUTHORIZATION="Bearer wagtail_not-a-token"
        )
        assert response.status_code == 401, f"{method} {url}"
        assert response["WWW-Authenticate"] == f'{CHALLENGE}, error="invalid_token"'
        assert response.json() == {"detail": "This token is not valid or has been revoked."}
        documented = operation["responses"]["401"]
        assert "WWW-Authenticate" in documented["headers"]
        assert list(documented["content"]) == ["application/json"]
        checked.append(f"{method} {url}")
    # The public catalog accepts a token too (and refuses a bad one); the verification lookup takes none.
    assert "GET /api/v1/courses/" in checked
    assert "GET /api/v1/verify/1/" not in checked


def test_the_public_endpoints_answer_without_credentials(schema):
    assert APIClient().get("/api/v1/courses/").status_code == 200
    assert "401" not in schema["paths"]["/api/v1/verify/{code}/"]["get"]["responses"]


def test_a_session_that_may_not_use_an_endpoint_gets_403_as_documented(schema):
    client = APIClient()
    client.force_login(LearnerFactory())
    response = client.get("/api/v1/teams/")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only supervisors and administrators can use this."}
    assert "403" in schema["paths"]["/api/v1/teams/"]["get"]["responses"]
    # A learner's own data never refuses a logged-in person: no 403 to document for reading it.
    assert "403" not in schema["paths"]["/api/v1/me/enrollments/"]["get"]["responses"]


def test_writes_with_the_session_document_the_csrf_refusal(schema):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(LearnerFactory())
    response = client.post(reverse("api-my-enrollments"), {"course": 1}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert "403" in schema["paths"]["/api/v1/me/enrollments/"]["post"]["responses"]


def test_a_valid_token_is_not_challenged():
    supervisor = SupervisorFactory()
    TeamFactory().supervisors.add(supervisor)
    _token, plaintext = api_token_create(user=supervisor, name="Clinic dashboard")
    response = APIClient().get("/api/v1/teams/", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200
    assert "WWW-Authenticate" not in response


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/no-such-thing/",
        "/api/v1/courses/extra/",
        "/api/no-such-version/courses/",
        "/api/v1/attempts/-1/",  # not an id the URL patterns accept
        "/api/v1/attempts/1/answers/",
        "/api/v1/report.csv",
        "/api/v1/no-such-thing",
        "/api/",
    ],
)
@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
def test_an_unknown_url_under_the_api_answers_json_404_whatever_the_method(home, url, method):
    # As a browser would send a write: the session's CSRF check must not turn it into an HTML 403.
    client = APIClient(enforce_csrf_checks=True)
    response = client.generic(method, url, "{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_of_the_site_is_still_the_sites_404_page(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content


def test_a_missing_slash_under_the_api_still_redirects_to_the_endpoint(client):
    response = client.get("/api/v1/courses")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/courses/"


def test_every_documented_404_is_json_with_a_detail(schema):
    not_found = [
        (method, url, operation["responses"]["404"])
        for method, url, operation in operations(schema)
        if "404" in operation["responses"]
    ]
    assert len(not_found) >= 10
    for method, url, response in not_found:
        assert list(response["content"]) == ["application/json"], f"{method} {url}"
        body = response["content"]["application/json"]["schema"]
        if "$ref" in body:
            body = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
        assert "detail" in body["properties"], f"{method} {url}"


def test_the_schema_says_unknown_api_urls_answer_json(schema):
    assert "unknown URL under /api/" in schema["info"]["description"]
