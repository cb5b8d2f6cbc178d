"""A database outage answers 503 with Retry-After, not 500 (cms/ops/resilience.py)."""

import logging

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from cms.ops.resilience import server_error

pytestmark = [pytest.mark.urls("tests.cms.failing_urls")]


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url", ["/test-failures/database/", "/test-failures/interface/", "/test-failures/template/"])
def test_database_errors_answer_503_with_a_page_that_needs_no_database(client, url):
    # No django_db mark: any query while answering would fail the request.
    response = client.get(url)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "We're having trouble right now" in page
    assert "try again in a minute" in page
    assert "127.0.0.1" not in page  # nothing of the error itself


def test_the_api_answers_503_in_json(client):
    response = client.get("/api/test-failures/database/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {"detail": "The service is briefly unavailable. Please try again in a minute."}


def test_the_outage_is_logged_with_the_request_id(client, caplog):
    caplog.set_level(logging.WARNING)
    response = client.get("/test-failures/database/")

    [record] = [r for r in caplog.records if r.name == "pss.database"]
    assert record.levelno == logging.WARNING
    assert "Connection refused" in record.getMessage()
    assert record.error == "OperationalError"
    request_line = [r for r in caplog.records if r.name == "django.request"]
    assert request_line and request_line[0].status_code == 503
    assert response["X-Request-ID"]


def test_other_errors_still_answer_500(client):
    response = client.get("/test-failures/bug/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()
    assert "Retry-After" not in response


def test_handler500_answers_503_for_a_database_error_outside_a_view():
    request = RequestFactory().get("/learn/")
    try:
        raise OperationalError("the database system is starting up")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_handler500_keeps_the_500_page_for_anything_else():
    request = RequestFactory().get("/learn/")
    try:
        raise KeyError("x")
    except KeyError:
        response = server_error(request)
    assert response.status_code == 500


def test_connections_are_health_checked_so_a_restarted_database_is_reconnected(settings):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_the_site_works_again_once_the_database_answers(client):
    assert client.get("/test-failures/database/").status_code == 503
    assert client.get("/account/login/").status_code == 200
