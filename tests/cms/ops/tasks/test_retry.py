"""Background tasks that fail are logged, recorded for the admin and retried with growing delays.

With the immediate backend (development, tests) a retry is only recorded as due, never run in a
loop; ``retry_failed_tasks`` runs it. With the database backend the retry is queued with
``run_after`` and the worker runs it.
"""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from cms.models import TaskFailure
from cms.ops.tasks.retry import error_summary, retry_delay, task_failure_retry
from tests.cms import task_doubles
from tests.cms.task_doubles import greet

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_double(settings):
    settings.TASK_RETRY_MAX_ATTEMPTS = 5
    settings.TASK_RETRY_BASE_DELAY = 60
    settings.TASK_RETRY_MAX_DELAY = 3600
    task_doubles.RUNS.clear()
    task_doubles.FAILURES_LEFT["count"] = 0


def fail_times(n: int) -> None:
    task_doubles.FAILURES_LEFT["count"] = n


def make_due(failure: TaskFailure) -> None:
    """As if the wait before the next retry had passed."""
    TaskFailure.objects.filter(pk=failure.pk).update(next_retry_at=timezone.now() - timedelta(seconds=1))


def test_delays_double_from_the_base_up_to_the_cap(settings):
    assert [retry_delay(n).total_seconds() for n in range(1, 8)] == [60, 120, 240, 480, 960, 1920, 3600]
    settings.TASK_RETRY_BASE_DELAY = 10
    assert retry_delay(1) == timedelta(seconds=10)


def test_a_failure_is_logged_recorded_and_due_later_never_run_again_at_once(caplog):
    fail_times(10)
    before = timezone.now()
    with caplog.at_level(logging.WARNING, logger="pss.tasks"):
        result = greet.enqueue("Ada")
    assert result.status == "FAILED"  # the backend's own result says so too
    assert task_doubles.RUNS == ["Ada"]  # the immediate backend did not loop
    failure = TaskFailure.objects.get()
    assert failure.task_path == "tests.cms.task_doubles.greet"
    assert failure.subject == "A greeting for Ada"
    assert failure.args == {"args": ["Ada"], "kwargs": {}}
    assert (failure.state, failure.attempts, failure.queued_result_id) == ("retrying", 1, "")
    assert failure.last_error == "SMTPException: 451 Temporary failure, try again later"
    assert before + timedelta(seconds=60) <= failure.next_retry_at <= timezone.now() + timedelta(seconds=60)
    [record] = [r for r in caplog.records if r.name == "pss.tasks"]
    assert record.levelno == logging.WARNING and record.exc_info
    assert "greet('Ada',) (A greeting for Ada) failed (attempt 1 of 5)" in record.getMessage()


def test_the_command_retries_with_growing_delays_then_gives_up_with_an_error(caplog):
    fail_times(10)
    greet.enqueue("Ada")
    failure = TaskFailure.objects.get()
    waits = [failure.next_retry_at - failure.last_failed_at]

    out = StringIO()
    call_command("retry_failed_tasks", stdout=out)  # not due yet: nothing runs
    assert task_doubles.RUNS == ["Ada"] and "0 retried" in out.getvalue()

    for _ in range(3):
        make_due(failure)
        call_command("retry_failed_tasks", stdout=StringIO())
        failure.refresh_from_db()
        waits.append(failure.next_retry_at - failure.last_failed_at)
    assert failure.attempts == 4 and failure.state == "retrying"
    assert [w.total_seconds() for w in waits] == [60, 120, 240, 480]

    make_due(failure)
    with caplog.at_level(logging.WARNING, logger="pss.tasks"):
        call_command("retry_failed_tasks", stdout=StringIO())
    failure.refresh_from_db()
    assert (failure.state, failure.attempts, failure.next_retry_at) == ("failed", 5, None)
    final = [r for r in caplog.records if r.name == "pss.tasks"][-1]
    assert final.levelno == logging.ERROR and "failed 5 times; giving up" in final.getMessage()
    assert len(task_doubles.RUNS) == 5

    call_command("retry_failed_tasks", stdout=StringIO())  # a task that gave up waits for an administrator
    assert len(task_doubles.RUNS) == 5
    out = StringIO()
    call_command("retry_failed_tasks", "--include-failed", stdout=out)
    assert len(task_doubles.RUNS) == 6 and "1 failed" in out.getvalue()


def test_a_successful_retry_resolves_the_failure_and_a_stale_retry_does_nothing():
    fail_times(1)
    greet.enqueue("Ada")
    failure = TaskFailure.objects.get()
    failure = task_failure_retry(failure=failure)
    assert failure.state == "resolved" and failure.resolved_at and failure.next_retry_at is None
    assert task_doubles.RUNS == ["Ada", "Ada"]

    greet.enqueue("Ada", retry_of=failure.pk)  # a retry queued before the success
    assert task_doubles.RUNS == ["Ada", "Ada"]

    fail_times(1)
    greet.enqueue("Ada")  # the same work failing later is a new failure
    assert TaskFailure.objects.unresolved().get().pk != failure.pk


def test_one_unresolved_failure_per_task_and_arguments():
    fail_times(3)
    greet.enqueue("Ada")
    greet.enqueue("Ada")
    greet.enqueue("Grace")
    assert sorted(TaskFailure.objects.values_list("subject", "attempts")) == [
        ("A greeting for Ada", 2),
        ("A greeting for Grace", 1),
    ]


def test_error_summaries_show_one_line_and_hide_passwords_in_urls():
    error = ConnectionError("could not reach postgres://app:s3cret@db:5432/pss\nTraceback detail")
    assert error_summary(error) == "ConnectionError: could not reach postgres://***@db:5432/pss"
    assert error_summary(ValueError()) == "ValueError"
    assert len(error_summary(ValueError("x" * 2000))) == 500


def run_worker():
    """What ``db_worker`` does for each task that is ready (its loop would close the test's connection)."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    for result in list(DBTaskResult.objects.ready()):
        result.claim(worker.worker_id)
        worker.run_task(result)


def test_with_the_database_backend_the_retry_is_queued_with_run_after(settings):
    settings.TASKS = DB_TASKS
    fail_times(10)
    greet.enqueue("Ada")
    run_worker()
    failure = TaskFailure.objects.get()
    assert failure.attempts == 1 and failure.queued_result_id
    queued = DBTaskResult.objects.get(id=failure.queued_result_id)
    assert queued.status == "READY"
    assert queued.run_after == failure.next_retry_at
    assert queued.args_kwargs == {"args": ["Ada"], "kwargs": {"retry_of": failure.pk}}

    run_worker()  # not due yet
    assert task_doubles.RUNS == ["Ada"]

    DBTaskResult.objects.filter(pk=queued.pk).update(run_after=timezone.now())
    run_worker()
    failure.refresh_from_db()
    assert failure.attempts == 2 and (failure.next_retry_at - failure.last_failed_at).total_seconds() == 120
    assert DBTaskResult.objects.get(pk=queued.pk).status == "FAILED"
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    fail_times(0)
    failure = task_failure_retry(failure=failure)  # "Retry now" brings the queued retry forward
    assert failure.state == "retrying" and failure.next_retry_at <= timezone.now()
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker()
    failure.refresh_from_db()
    assert failure.state == "resolved"
    assert task_doubles.RUNS == ["Ada", "Ada", "Ada"]
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_the_command_deletes_failures_resolved_long_ago():
    fail_times(2)
    greet.enqueue("Ada")
    greet.enqueue("Grace")
    for failure in TaskFailure.objects.all():
        task_failure_retry(failure=failure)
    TaskFailure.objects.filter(subject__endswith="Ada").update(resolved_at=timezone.now() - timedelta(days=31))
    out = StringIO()
    call_command("retry_failed_tasks", stdout=out)
    assert list(TaskFailure.objects.values_list("subject", flat=True)) == ["A greeting for Grace"]
    assert "1 failures resolved before" in out.getvalue()
