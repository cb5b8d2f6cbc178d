"""Audit entries for assignments: assigned, due date changed, withdrawn.

Each entry names who acted and the change in words ("due date: March 1, 2027 → April 1, 2027").
Administrators read them in Reports > Site history; the assignments page shows the entries of the
assignments the viewer manages (``selectors.assignment_history``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cms.audit.log import audit, register_change_action
from cms.dates import site_date
from cms.models import AuditLogEntry

from .models import Assignment

ASSIGNMENT_CREATE = "pss.assignment.create"
ASSIGNMENT_DUE_CHANGE = "pss.assignment.due_change"
ASSIGNMENT_WITHDRAW = "pss.assignment.withdraw"


def assignment_title(assignment: Assignment) -> str:
    """What is assigned to whom, e.g. "Boundaries (course) for the team Night shift"."""
    work = f"{assignment.course.title} (course)" if assignment.course_id else f"{assignment.program.name} (program)"
    whom = f"the team {assignment.team.name}" if assignment.team_id else str(assignment.user)
    return f"{work} for {whom}"


def assignment_audit(assignment: Assignment, action: str, *, actor, before=None, after=None):
    return audit(assignment, action, user=actor, before=before, after=after, title=assignment_title(assignment))


def due_date_values(due_on) -> dict:
    return {"due_date": site_date(due_on)}


def register_audit_actions(actions) -> None:
    actions.register_model(Assignment, AuditLogEntry)
    register_change_action(actions, ASSIGNMENT_CREATE, _("Work assigned"), _("Work assigned"))
    register_change_action(actions, ASSIGNMENT_DUE_CHANGE, _("Assignment due date changed"), _("Due date changed"))
    register_change_action(actions, ASSIGNMENT_WITHDRAW, _("Assignment withdrawn"), _("Assignment withdrawn"))
