"""Background tasks that retry with exponential back-off, and the record of their failures.

Any app's task opts in by stacking ``@with_retries()`` under django-tasks' ``@task()``::

    @task()
    @with_retries(describe=lambda certificate_id: f"Certificate {certificate_id}")
    def certificate_render_pdf(certificate_id: int) -> None: ...

When the task raises, the failure is logged (logger ``pss.tasks``) and recorded in a
``TaskFailure`` row, one per task and arguments, which the admin's **Background tasks**
report lists. Attempt ``n`` is retried ``TASK_RETRY_BASE_DELAY * 2 ** (n - 1)`` seconds later
(at most ``TASK_RETRY_MAX_DELAY``), until ``TASK_RETRY_MAX_ATTEMPTS`` attempts have failed;
then the failure is logged at ERROR and stays "failed" until an administrator retries it.

A backend that can defer work (the database backend) gets the retry queued with
``run_after``. One that cannot (the immediate backend of development and tests) would run
it at once, over and over, so the retry is only recorded as due; ``manage.py
retry_failed_tasks`` (run from cron) or the report's "Retry now" runs it.

A retry carries the failure's id (keyword ``retry_of``). A retry whose failure was resolved
meanwhile, for example by "Retry now", does nothing, so the work is not done twice.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.utils import normalize_json

from cms.ops.tasks.models import TaskFailure

logger = logging.getLogger("pss.tasks")

RETRY_OF = "retry_of"


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number ``attempt`` (1, 2, …) before the next one."""
    base = settings.TASK_RETRY_BASE_DELAY
    return timedelta(seconds=min(base * 2 ** (attempt - 1), settings.TASK_RETRY_MAX_DELAY))


def args_key(args: Iterable, kwargs: dict) -> str:
    """A short, stable key for a task's arguments: SHA-256 of their canonical JSON."""
    canonical = json.dumps(
        {"args": normalize_json(list(args)), "kwargs": normalize_json(kwargs)}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


_CREDENTIALS_IN_URL = re.compile(r"://[^/\s:@]+:[^/\s@]+@")


def error_summary(error: BaseException) -> str:
    """The exception's class and the first line of its message, for admins: no traceback, no URL passwords."""
    lines = str(error).strip().splitlines()
    message = _CREDENTIALS_IN_URL.sub("://***@", lines[0] if lines else "")
    summary = f"{type(error).__name__}: {message}" if message else type(error).__name__
    return summary[:500]


def _describe(task: Task, args: Iterable, kwargs: dict) -> str:
    describe = getattr(task.func, "describe", None)
    if describe is None:
        return ""
    try:
        return str(describe(*args, **kwargs))[:255]
    except Exception:  # a failing description must never hide the failure itself
        logger.exception("Could not describe %s%r", task.name, tuple(args))
        return ""


def with_retries(*, describe: Callable[..., str] | None = None):
    """Make a task function retry with back-off when it raises; stack it under ``@task()``.

    ``describe(*args, **kwargs)`` says what the work was for ("Certificate PSS-2025-000001"),
    for the admin report; it runs only when the task fails.
    """

    def decorator(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            retry_of = kwargs.pop(RETRY_OF, None)
            if retry_of is not None and not TaskFailure.objects.unresolved().filter(pk=retry_of).exists():
                logger.info("Skipped a retry of %s%r: it succeeded meanwhile.", func.__name__, args)
                return None
            try:
                result = func(*args, **kwargs)
            except Exception as error:
                task = import_string(f"{func.__module__}.{func.__qualname__}")
                try:
                    task_failure_record(task=task, args=args, kwargs=kwargs, error=error, retry_of=retry_of)
                except DatabaseError:
                    logger.exception("Could not record the failure of %s%r", func.__name__, args)
                raise
            if retry_of is not None:
                TaskFailure.objects.unresolved().filter(pk=retry_of).update(
                    state=TaskFailure.State.RESOLVED,
                    resolved_at=timezone.now(),
                    next_retry_at=None,
                    queued_result_id="",
                )
                logger.info("%s%r succeeded on retry.", func.__name__, args)
            return result

        run.describe = describe
        return run

    return decorator


def _unresolved_for_update(task_path: str, key: str, retry_of: int | None) -> TaskFailure | None:
    failures = TaskFailure.objects.unresolved().select_for_update()
    if retry_of is not None:
        failure = failures.filter(pk=retry_of).first()
        if failure is not None:
            return failure
    return failures.filter(task_path=task_path, args_key=key).first()


def task_failure_record(
    *, task: Task, args: Iterable, kwargs: dict | None = None, error: BaseException, retry_of: int | None = None
) -> TaskFailure:
    """Record a failed attempt of ``task`` with these arguments, and schedule the next one if any is left.

    Also for work done outside the task that failed in the same way (a PDF rendered while
    the learner waited), so the task retries it.
    """
    args, kwargs = list(args), dict(kwargs or {})
    key = args_key(args, kwargs)
    now = timezone.now()
    with transaction.atomic():
        failure = _unresolved_for_update(task.module_path, key, retry_of)
        if failure is None:
            try:
                with transaction.atomic():
                    failure = TaskFailure.objects.create(
                        task_path=task.module_path,
                        args=normalize_json({"args": args, "kwargs": kwargs}),
                        args_key=key,
                        subject=_describe(task, args, kwargs),
                    )
            except IntegrityError:  # recorded meanwhile by another worker
                failure = _unresolved_for_update(task.module_path, key, None)
        failure.attempts += 1
        failure.last_error = error_summary(error)
        failure.last_failed_at = now
        failure.queued_result_id = ""
        context = f"{task.name}{tuple(args)!r} ({failure.subject or 'no description'})"
        if failure.attempts < settings.TASK_RETRY_MAX_ATTEMPTS:
            failure.state = TaskFailure.State.RETRYING
            failure.next_retry_at = now + retry_delay(failure.attempts)
            if task.get_backend().supports_defer:
                queued = task.using(run_after=failure.next_retry_at).enqueue(*args, **kwargs, **{RETRY_OF: failure.pk})
                failure.queued_result_id = str(queued.id)
            logger.warning(
                "Background task %s failed (attempt %d of %d); retrying at %s.",
                context,
                failure.attempts,
                settings.TASK_RETRY_MAX_ATTEMPTS,
                failure.next_retry_at.isoformat(),
                exc_info=error,
            )
        else:
            failure.state = TaskFailure.State.FAILED
            failure.next_retry_at = None
            logger.error(
                "Background task %s failed %d times; giving up until an administrator retries it.",
                context,
                failure.attempts,
                exc_info=error,
            )
        failure.save()
    return failure


def _task(failure: TaskFailure) -> Task:
    task = import_string(failure.task_path)
    if not isinstance(task, Task):
        raise TypeError(f"{failure.task_path} is not a background task.")
    return task


def _bring_forward(task: Task, failure: TaskFailure, now: datetime) -> bool:
    """Move the queued retry to now, if the database backend still holds it unstarted."""
    if not failure.queued_result_id:
        return False
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    queued = DBTaskResult.objects.filter(id=failure.queued_result_id, status=TaskResultStatus.READY)
    if not queued.update(run_after=now):
        return False
    TaskFailure.objects.filter(pk=failure.pk).update(next_retry_at=now)
    return True


def task_failure_retry(*, failure: TaskFailure) -> TaskFailure:
    """Run the failed work again now (or queue it to run now); returns the failure as it stands afterwards.

    With a backend that runs tasks at once, the result is known on return: resolved, or
    failed again with one more attempt. With a queue, the retry waits for a worker.
    """
    if failure.resolved_at is not None:
        return failure
    task = _task(failure)
    now = timezone.now()
    if not _bring_forward(task, failure, now):
        queued = task.enqueue(*failure.args["args"], **failure.args["kwargs"], **{RETRY_OF: failure.pk})
        if queued.is_finished:
            failure.refresh_from_db()
            return failure
        TaskFailure.objects.filter(pk=failure.pk, resolved_at=None).update(
            state=TaskFailure.State.RETRYING, next_retry_at=now, queued_result_id=str(queued.id)
        )
    failure.refresh_from_db()
    return failure


def task_failures_due(*, now: datetime | None = None, include_failed: bool = False):
    """Failures whose retry is due and that no task queue holds: what ``retry_failed_tasks`` runs."""
    now = now or timezone.now()
    due = TaskFailure.objects.filter(state=TaskFailure.State.RETRYING, queued_result_id="", next_retry_at__lte=now)
    if include_failed:
        due = due | TaskFailure.objects.filter(state=TaskFailure.State.FAILED)
    return due.order_by("next_retry_at", "pk")


@transaction.atomic
def task_failures_prune(*, resolved_before: datetime) -> int:
    """Delete failures resolved before ``resolved_before``: they name the people emails were for. Returns how many."""
    deleted, _ = TaskFailure.objects.filter(resolved_at__lt=resolved_before).delete()
    return deleted


def unresolved_failures(task: Task, *, calls: Iterable[tuple]) -> dict[tuple, TaskFailure]:
    """The unresolved failures of ``task`` among these positional-argument tuples, by arguments, in one query."""
    keys = {args_key(args, {}): tuple(args) for args in calls}
    if not keys:
        return {}
    failures = TaskFailure.objects.unresolved().filter(task_path=task.module_path, args_key__in=keys)
    return {keys[failure.args_key]: failure for failure in failures}


def task_failure_counts(*, since: datetime) -> dict[str, int]:
    """How many failures are retrying, have failed, and were resolved since ``since``: the report's summary."""
    state = TaskFailure.State
    return TaskFailure.objects.aggregate(
        retrying=Count("pk", filter=Q(state=state.RETRYING)),
        failed=Count("pk", filter=Q(state=state.FAILED)),
        resolved=Count("pk", filter=Q(state=state.RESOLVED, resolved_at__gte=since)),
    )
