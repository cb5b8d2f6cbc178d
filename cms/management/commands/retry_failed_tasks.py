"""Run the background tasks whose retry is due but that no task queue holds.

With the database backend, retries wait in the queue and ``db_worker`` runs them: this command
finds nothing to do. With a backend that cannot defer work (the immediate backend), failures
are only recorded as due; run this every few minutes from cron, e.g.
``*/5 * * * * manage.py retry_failed_tasks``. ``--include-failed`` also tries once more the
tasks that gave up after their last attempt.

It also deletes failures resolved more than ``--keep-days`` (30) days ago: they name the people
emails were for, and are kept only as long as they help explain recent trouble.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from cms.ops.tasks.retry import task_failure_retry, task_failures_due, task_failures_prune


class Command(BaseCommand):
    help = "Retry failed background tasks whose retry is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--include-failed", action="store_true", help="Also retry tasks that gave up after their last attempt."
        )
        parser.add_argument(
            "--keep-days", type=int, default=30, help="Delete failures resolved more than this many days ago."
        )

    def handle(self, *args, include_failed: bool = False, keep_days: int = 30, **options):
        outcomes = {"resolved": 0, "retrying": 0, "failed": 0}
        for failure in task_failures_due(include_failed=include_failed):
            failure = task_failure_retry(failure=failure)
            outcomes[failure.state] += 1
            self.stdout.write(f"{failure.task_name} ({failure.subject or failure.args_key[:12]}): {failure.state}")
        self.stdout.write(
            f"{sum(outcomes.values())} retried: {outcomes['resolved']} succeeded, "
            f"{outcomes['retrying']} will be retried, {outcomes['failed']} failed."
        )
        cutoff = timezone.now() - timedelta(days=keep_days)
        deleted = task_failures_prune(resolved_before=cutoff)
        if deleted:
            self.stdout.write(f"{deleted} failures resolved before {cutoff:%Y-%m-%d} deleted.")
