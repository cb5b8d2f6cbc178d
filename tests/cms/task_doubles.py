"""A background task for the retry tests: it fails as many times as a test asks, then succeeds."""

from smtplib import SMTPException

from django_tasks import task

from cms.ops.tasks.retry import with_retries

RUNS: list[str] = []
FAILURES_LEFT = {"count": 0}


@task()
@with_retries(describe=lambda name: f"A greeting for {name}")
def greet(name: str) -> str:
    RUNS.append(name)
    if FAILURES_LEFT["count"] > 0:
        FAILURES_LEFT["count"] -= 1
        raise SMTPException("451 Temporary failure, try again later\nsecond line with details")
    return f"Hello, {name}"
