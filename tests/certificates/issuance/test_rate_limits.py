"""Verification lookups are limited per client address: the public pages and the API share one allowance."""

import time

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

HERE, ELSEWHERE = "203.0.113.5", "198.51.100.7"


@pytest.fixture(autouse=True)
def _three_a_minute(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify": "3/minute"}


def _later(monkeypatch, seconds):
    now = time.time() + seconds
    monkeypatch.setattr(time, "time", lambda: now)


def test_verification_pages_answer_429_over_the_limit(client, home, monkeypatch):
    statuses = [client.get(f"/verify/CODE-{n}/", REMOTE_ADDR=HERE).status_code for n in range(3)]
    assert statuses == [404, 404, 404]
    refused = client.get("/verify/CODE-4/", REMOTE_ADDR=HERE)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    content = refused.content.decode()
    assert "Please wait a moment" in content and "Please wait 1 minute and try again." in content
    assert 'class="site-header"' in content
    # Another address has its own allowance; the next minute brings a new one.
    assert client.get("/verify/CODE-5/", REMOTE_ADDR=ELSEWHERE).status_code == 404
    _later(monkeypatch, 61)
    assert client.get("/verify/CODE-6/", REMOTE_ADDR=HERE).status_code == 404


def test_the_search_form_counts_too(client, home):
    code = "Xk3unknownCode0001"
    assert client.get("/verify/", REMOTE_ADDR=HERE).status_code == 200
    assert client.get("/verify/", {"code": code}, REMOTE_ADDR=HERE).url == f"/verify/{code}/"
    assert client.get(f"/verify/{code}/", REMOTE_ADDR=HERE).status_code == 404
    assert client.get("/verify/", {"code": code}, REMOTE_ADDR=HERE).status_code == 429


def test_the_api_answers_429_with_json_and_retry_after(monkeypatch):
    api = APIClient(REMOTE_ADDR=HERE)
    assert [api.get(f"/api/v1/verify/CODE-{n}/").status_code for n in range(3)] == [404, 404, 404]
    refused = api.get("/api/v1/verify/CODE-4/")
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert "detail" in refused.json()
    assert 1 <= int(refused["Retry-After"]) <= 60
    _later(monkeypatch, 61)
    assert api.get("/api/v1/verify/CODE-5/").status_code == 404


def test_pages_and_api_share_one_allowance(client, home):
    api = APIClient(REMOTE_ADDR=HERE)
    client.get("/verify/CODE-1/", REMOTE_ADDR=HERE)
    api.get("/api/v1/verify/CODE-2/")
    client.get("/verify/CODE-3/", REMOTE_ADDR=HERE)
    assert api.get("/api/v1/verify/CODE-4/").status_code == 429
    assert client.get("/verify/CODE-4/", REMOTE_ADDR=HERE).status_code == 429


def test_the_limit_can_be_switched_off(client, home, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify": "off"}
    assert {client.get(f"/verify/CODE-{n}/", REMOTE_ADDR=HERE).status_code for n in range(10)} == {404}


def test_the_schema_documents_429_with_retry_after(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    verify = schema["paths"]["/api/v1/verify/{code}/"]["get"]["responses"]["429"]
    assert "Retry-After" in verify["headers"]
    # Every operation that accepts a bearer token can answer 429 (tokens that are not valid lock an address out).
    assert "429" in schema["paths"]["/api/v1/teams/"]["get"]["responses"]
