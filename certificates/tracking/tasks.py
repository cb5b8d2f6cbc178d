"""Background work for assignments: due-date reminder emails (django-tasks).

The task takes ids, not objects, so it can wait in the database queue; a failure is retried with
back-off and shown to administrators (``cms.task_retry``).
"""

from __future__ import annotations

from datetime import date

from django_tasks import task

from cms.models import User
from cms.ops.tasks.retry import with_retries

from .emails import due_reminder_email
from .models import Assignment


def _about_due_reminder(assignment_id: int, user_id: int, kind: str, today: str) -> str:
    person = User.objects.filter(pk=user_id).first()
    return f"Assignment #{assignment_id}: {kind} reminder email, to {person.email if person else 'a deleted account'}"


@task()
@with_retries(describe=_about_due_reminder)
def assignment_email_due_reminder(assignment_id: int, user_id: int, kind: str, today: str) -> None:
    """Email one assigned person that their work is due soon or overdue (``today`` in ISO format)."""
    assignment = Assignment.objects.select_related("course", "program").filter(pk=assignment_id).first()
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if assignment is None or person is None:
        return
    due_reminder_email(assignment=assignment, person=person, kind=kind, today=date.fromisoformat(today))
