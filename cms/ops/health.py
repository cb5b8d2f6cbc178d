"""`/healthz` for load balancers: is this app server able to serve?

Answers 200 when the database and the cache both work, 503 when either does not. The task queue
backlog is reported but never fails the check (a long queue is no reason to take an app server out
of rotation); past `HEALTHZ_TASK_BACKLOG_WARNING` ready tasks, or when the oldest has waited longer
than `HEALTHZ_TASK_AGE_WARNING_SECONDS`, the status says "degraded".

`HealthCheckMiddleware` answers `/healthz` before the host check, sessions, authentication and
CSRF: load balancers often probe with the server's IP address as the host, and a probe must be
cheap (two queries and one cache round trip). The same view is also in the URLconf, so it is
named and reversible.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

logger = logging.getLogger("pss.health")

HEALTHZ_PATH = "/healthz"
DB_TASKS_BACKEND = "django_tasks_db.DatabaseBackend"


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not ok"; the reason is logged
        logger.warning("Health check: the database is not answering", exc_info=True)
        return "error"
    return "ok"


def _check_cache() -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # noqa: BLE001 - any failure means "not ok"; the reason is logged
        logger.warning("Health check: the cache is not answering", exc_info=True)
        return "error"
    return "ok" if ok else "error"


def _check_tasks() -> dict | str:
    """Ready tasks waiting for a worker, and how long the oldest has waited; only for the database queue."""
    if settings.TASKS.get("default", {}).get("BACKEND") != DB_TASKS_BACKEND:
        return "not applicable"
    from django.db.models import Count, Min
    from django_tasks_db.models import DBTaskResult

    try:
        summary = DBTaskResult.objects.ready().aggregate(backlog=Count("id"), oldest=Min("enqueued_at"))
    except Exception:  # noqa: BLE001 - reported, never fatal: the database check says whether the database works
        logger.warning("Health check: the task queue could not be read", exc_info=True)
        return "error"
    oldest = summary["oldest"]
    oldest_seconds = round((timezone.now() - oldest).total_seconds()) if oldest else 0
    return {"backlog": summary["backlog"], "oldest_seconds": oldest_seconds}


def _tasks_degraded(tasks: dict | str) -> bool:
    if tasks == "error":
        return True
    if not isinstance(tasks, dict):
        return False
    return (
        tasks["backlog"] > settings.HEALTHZ_TASK_BACKLOG_WARNING
        or tasks["oldest_seconds"] > settings.HEALTHZ_TASK_AGE_WARNING_SECONDS
    )


@never_cache
def healthz(request):
    database = _check_database()
    cache_status = _check_cache()
    tasks = _check_tasks() if database == "ok" else "unknown"
    if database != "ok" or cache_status != "ok":
        status, code = "error", 503
    elif _tasks_degraded(tasks):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse(
        {"status": status, "checks": {"database": database, "cache": cache_status, "tasks": tasks}}, status=code
    )


class HealthCheckMiddleware:
    """Answers `/healthz` directly, before anything that checks the host or touches the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") == HEALTHZ_PATH and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)
