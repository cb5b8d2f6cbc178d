"""Request ids and structured request logs (cms/ops/observability.py)."""

import json
import logging

import pytest

from cms.ops.observability import JsonFormatter, RequestIdFilter, current_request_id, request_id_from

pytestmark = pytest.mark.django_db


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "pss.request"]


def as_json(record) -> dict:
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def test_each_request_logs_one_json_line_with_its_fields(client, logs, learner):
    client.force_login(learner)
    logs.clear()

    response = client.get("/account/profile/", REMOTE_ADDR="203.0.113.9")

    [record] = request_lines(logs)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["logger"] == "pss.request"
    assert entry["method"] == "GET"
    assert entry["path"] == "/account/profile/"
    assert entry["status"] == response.status_code == 200
    assert isinstance(entry["duration_ms"], float)
    assert entry["user_id"] == learner.pk
    assert learner.email not in line
    assert entry["remote_ip"] == "203.0.113.9"
    assert entry["request_id"] == response["X-Request-ID"]


def test_the_request_id_reaches_the_header_and_every_log_line_of_the_request(client, logs):
    # A 404 for an unknown API path: Django logs "Not Found" itself, after the view.
    response = client.get("/api/v1/no-such-thing/", HTTP_X_REQUEST_ID="lb-4f2a-77")

    assert response.status_code == 404
    assert response["X-Request-ID"] == "lb-4f2a-77"
    mine = [as_json(r) for r in logs.records if r.name in {"pss.request", "django.request"}]
    assert {entry["logger"] for entry in mine} == {"pss.request", "django.request"}
    assert {entry["request_id"] for entry in mine} == {"lb-4f2a-77"}
    # Outside a request, records say so.
    assert current_request_id() == "-"


@pytest.mark.parametrize(
    "incoming",
    ["", "has spaces", "x" * 65, "<script>", "id\nINJECTED log line", "ünïcode"],
)
def test_an_unsafe_incoming_request_id_is_replaced(client, logs, incoming):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=incoming)

    assigned = response["X-Request-ID"]
    assert assigned != incoming
    assert len(assigned) == 32 and int(assigned, 16) >= 0
    [record] = request_lines(logs)
    assert as_json(record)["request_id"] == assigned


def test_two_requests_get_different_ids(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert first != second


def test_request_id_from_keeps_safe_ids_only():
    assert request_id_from("Root=1-67891233-abcdef012345678912345678") != "Root=1-67891233-abcdef012345678912345678"
    assert request_id_from("abc.DEF_123-x") == "abc.DEF_123-x"


def test_secrets_in_the_path_and_query_never_reach_the_log(client, logs):
    client.get("/account/password/reset/MQ/set-password-abc123secret/")
    client.get("/healthz?token=s3cr3t-value&page=2")

    paths = [as_json(r)["path"] for r in request_lines(logs)]
    assert paths[0] == "/account/password/reset/[redacted]/[redacted]/"
    assert paths[1] == "/healthz?token=[redacted]&page=2"
    assert "s3cr3t" not in " ".join(paths) and "abc123secret" not in " ".join(paths)


def test_the_json_formatter_writes_extras_and_tracebacks_but_not_request_objects():
    record = logging.LogRecord("pss.test", logging.ERROR, __file__, 1, "failed %s", ("here",), None)
    record.request = object()
    record.attempt = 3
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()

    entry = as_json(record)

    assert entry["message"] == "failed here"
    assert entry["level"] == "ERROR"
    assert entry["attempt"] == 3
    assert "request" not in entry
    assert "ValueError: boom" in entry["exc"]
    assert entry["time"].endswith("+00:00")


def test_text_logs_carry_the_request_id_too(settings):
    assert "%(request_id)s" in settings.LOGGING["formatters"]["text"]["format"]
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["request_id"]
