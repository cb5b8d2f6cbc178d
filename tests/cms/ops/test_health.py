"""/healthz for load balancers (cms/ops/health.py)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queue_task(*, waited: timedelta = timedelta(0), status: str = "READY") -> DBTaskResult:
    task = DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        task_path="certificates.tasks.render_certificate_pdf",
        backend_name="default",
        queue_name="default",
        run_after=timezone.now() - timedelta(seconds=1),
        exception_class_path="",
        traceback="",
    )
    DBTaskResult.objects.filter(pk=task.pk).update(enqueued_at=timezone.now() - waited)
    return task


def test_healthy_answers_200_with_each_check(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "tasks": "not applicable"},
    }
    assert "no-store" in response["Cache-Control"]


def test_is_cheap_and_touches_no_session(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert not response.cookies


def test_answers_whatever_host_the_load_balancer_probes_with(client, settings):
    settings.ALLOWED_HOSTS = ["training.example.org"]
    assert client.get("/healthz", HTTP_HOST="10.0.3.7:8000").status_code == 200
    # Every other URL still checks the host.
    assert client.get("/account/login/", HTTP_HOST="10.0.3.7:8000").status_code == 400


def test_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/account/login/").status_code == 301


def test_database_down_answers_503(client):
    with mock.patch("cms.ops.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["checks"]["database"] == "error"
    assert response.json()["checks"]["cache"] == "ok"


def test_cache_down_answers_503(client):
    with mock.patch("cms.ops.health.cache.set", side_effect=ConnectionError("redis is down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "error", "tasks": "not applicable"}


def test_reports_the_task_backlog_and_its_oldest_task(client, settings, django_assert_num_queries):
    settings.TASKS = DB_TASKS
    queue_task(waited=timedelta(seconds=90))
    queue_task(waited=timedelta(seconds=5))
    queue_task(waited=timedelta(hours=3), status="SUCCESSFUL")  # done: not backlog

    with django_assert_num_queries(2):  # SELECT 1, and one aggregate over the queue
        response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["tasks"]["backlog"] == 2
    assert 90 <= body["checks"]["tasks"]["oldest_seconds"] < 120


def test_a_long_backlog_is_degraded_but_keeps_the_server_in_rotation(client, settings):
    settings.TASKS = DB_TASKS
    settings.HEALTHZ_TASK_BACKLOG_WARNING = 2
    for _ in range(3):
        queue_task()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


def test_an_old_task_is_degraded(client, settings):
    settings.TASKS = DB_TASKS
    settings.HEALTHZ_TASK_AGE_WARNING_SECONDS = 60
    queue_task(waited=timedelta(minutes=5))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


def test_empty_queue_reports_zero(client, settings):
    settings.TASKS = DB_TASKS
    response = client.get("/healthz")
    assert response.json()["checks"]["tasks"] == {"backlog": 0, "oldest_seconds": 0}


def test_the_url_is_named(client):
    from django.urls import reverse

    assert reverse("healthz") == "/healthz"
