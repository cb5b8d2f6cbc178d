"""Tasks waiting in the queue, or failed, when the apps were grouped into packages still run after the upgrade."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.module_loading import import_string

MIGRATION = importlib.import_module("cms.migrations.0007_task_paths_by_package")
QUEUE = ("django_tasks_database", "0021_conditional_partial_index_ordering")
BEFORE = [("cms", "0006_name_characters")]
AFTER = [("cms", "0007_task_paths_by_package")]


@pytest.mark.parametrize("new_path", sorted(MIGRATION.MOVED.values()))
def test_every_moved_task_is_found_at_its_new_path(new_path):
    assert callable(import_string(new_path).func)


@pytest.mark.django_db(transaction=True)
def test_queued_and_failed_tasks_under_old_paths_point_at_the_new_ones():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state([*BEFORE, QUEUE]).apps
    queued = apps.get_model("django_tasks_database", "DBTaskResult")
    failed = apps.get_model("cms", "TaskFailure")
    old = "certificates.tasks.certificate_render_pdf"
    row = queued.objects.create(
        task_path=old,
        args_kwargs={"args": [1], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=timezone.now(),
    )
    failure = failed.objects.create(task_path="cms.account_emails.signup_email_send", args_key="k")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    assert queued.objects.get(pk=row.pk).task_path == "certificates.issuance.tasks.certificate_render_pdf"
    assert failed.objects.get(pk=failure.pk).task_path == "cms.people.account_emails.signup_email_send"
