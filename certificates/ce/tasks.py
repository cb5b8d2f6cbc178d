"""Background work for the ledger and issuing: catching up a program's certificates once it is saved active."""

from __future__ import annotations

from django_tasks import task

from cms.ops.tasks.retry import with_retries

from .services import program_certificates_check


@task()
@with_retries(describe=lambda program_id: f"Program #{program_id}: issue the certificates already earned")
def program_certificates_catch_up(program_id: int) -> None:
    program_certificates_check(program_id=program_id)
