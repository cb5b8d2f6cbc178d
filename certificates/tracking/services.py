"""Writes for assignments: required courses and programs with a due date, for a team or one person.

Who may assign: administrators and trainers anything to anyone; supervisors only to the teams
they supervise and to the people on those teams (``cms.access``; two-factor passed, as for every
staff privilege; the rules are in ``selectors``). Assigned people are enrolled in the course, or
in every required course of the program, when the work is assigned (``assignment_create``) and when
they join an assigned team later (``team_members_enroll``, called wherever people join a team).
Reminders go out 7 days before the due date and once the work is overdue. A due date can be changed
and an assignment withdrawn (``assignment_due_date_change``, ``assignment_withdraw``) by those
``selectors.manageable_assignments`` names; every change is in the audit log (``audit``).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.models import Team
from courses.models import CoursePage
from courses.progress.completion import course_completions
from courses.progress.services import enrollment_create

from ..issuance.models import Certificate, Program
from .audit import (
    ASSIGNMENT_CREATE,
    ASSIGNMENT_DUE_CHANGE,
    ASSIGNMENT_WITHDRAW,
    assignment_audit,
    due_date_values,
)
from .due import SOON_DAYS, is_overdue
from .models import Assignment, DueReminder
from .selectors import assignable_people, assignable_teams, manageable_assignments, may_assign
from .tasks import assignment_email_due_reminder

User = get_user_model()


def _assigned_people(assignment: Assignment) -> list:
    if assignment.user_id:
        return [assignment.user] if assignment.user.is_active else []
    return list(assignment.team.members.filter(is_active=True))


def _courses(assignment: Assignment) -> list[CoursePage]:
    if assignment.course_id:
        return [assignment.course]
    return [link.course for link in assignment.program.required_courses.select_related("course")]


def _enroll(people, assignment: Assignment) -> None:
    for course in _courses(assignment):
        if not course.live:
            continue  # a withdrawn course cannot take enrollments; the person is enrolled if it returns
        for person in people:
            enrollment_create(user=person, course=course)


# Services ----------------------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    actor,
    due_on: date,
    course: CoursePage | None = None,
    program: Program | None = None,
    team: Team | None = None,
    user=None,
) -> Assignment:
    """Assign a course or a program, due on a date, to a team or one person, and enroll everyone assigned.

    Raises PermissionDenied for people who assign nothing, and ValidationError naming the field
    for anything else that is wrong.
    """
    if not may_assign(actor):
        raise PermissionDenied("Only administrators, trainers and supervisors can assign work.")
    errors = {}
    if (course is None) == (program is None):
        errors["course"] = "Choose a course or a program, not both."
    elif course is not None and not course.live:
        errors["course"] = "This course is not published, so no one can be enrolled in it."
    elif program is not None and not program.active:
        errors["program"] = "This program is not active."
    if (team is None) == (user is None):
        errors["team"] = "Choose a team or a person, not both."
    elif team is not None and not assignable_teams(actor).filter(pk=team.pk).exists():
        errors["team"] = "You can assign work only to teams you supervise."
    elif user is not None and not assignable_people(actor).filter(pk=user.pk).exists():
        errors["user"] = "You can assign work only to people on teams you supervise."
    if error := _due_on_error(due_on):
        errors["due_on"] = error
    if errors:
        raise ValidationError(errors)
    assignment = Assignment.objects.create(
        course=course, program=program, team=team, user=user, due_on=due_on, assigned_by=actor
    )
    _enroll(_assigned_people(assignment), assignment)
    assignment_audit(assignment, ASSIGNMENT_CREATE, actor=actor, after=due_date_values(due_on))
    return assignment


def _due_on_error(due_on: date | None) -> str:
    if due_on is None:
        return "Enter a due date."
    if due_on < timezone.localdate():
        return "The due date cannot be in the past."
    return ""


def _check_manages(actor, assignment: Assignment) -> None:
    if not manageable_assignments(actor).filter(pk=assignment.pk).exists():
        raise PermissionDenied("You can change only assignments for your teams and the people on them.")


@transaction.atomic
def assignment_due_date_change(*, actor, assignment: Assignment, due_on: date) -> Assignment:
    """Move an assignment's due date, and log old → new. Reminders start again from the new date.

    Raises PermissionDenied for an assignment ``actor`` may not change (or one withdrawn), and
    ValidationError on ``due_on`` for a missing or past date.
    """
    _check_manages(actor, assignment)
    if error := _due_on_error(due_on):
        raise ValidationError({"due_on": error})
    old = assignment.due_on
    if old == due_on:
        return assignment
    assignment.due_on = due_on
    assignment.save(update_fields=["due_on"])
    # Reminders sent for the old date no longer apply: the new date gets its own "due soon" and "overdue".
    assignment.reminders.all().delete()
    assignment_audit(
        assignment, ASSIGNMENT_DUE_CHANGE, actor=actor, before=due_date_values(old), after=due_date_values(due_on)
    )
    return assignment


@transaction.atomic
def assignment_withdraw(*, actor, assignment: Assignment) -> None:
    """Withdraw an assignment: its due date, "overdue" and reminders go; enrollments and progress stay."""
    _check_manages(actor, assignment)
    assignment.withdrawn_at = timezone.now()
    assignment.save(update_fields=["withdrawn_at"])
    assignment_audit(
        assignment,
        ASSIGNMENT_WITHDRAW,
        actor=actor,
        before={**due_date_values(assignment.due_on), "status": "open"},
        after={**due_date_values(assignment.due_on), "status": "withdrawn"},
    )


def team_members_enroll(*, team: Team, people=None) -> None:
    """Enroll a team's people in the team's assigned courses and programs: call it whenever people join a team.

    ``people`` are the ones who joined (all the team's members by default); inactive people are left out.
    Enrolling someone already enrolled changes nothing.
    """
    people = list(team.members.all()) if people is None else list(people)
    people = [person for person in people if person.is_active]
    if not people:
        return
    for assignment in team.assignments.open().select_related("course", "program"):
        _enroll(people, assignment)


def _done(user, assignment: Assignment) -> bool:
    if assignment.course_id:
        return course_completions(user=user, courses=[assignment.course]).get(assignment.course_id) is not None
    return Certificate.objects.valid().filter(user=user, program=assignment.program_id).exists()


def due_reminders_send(*, today: date | None = None) -> int:
    """Email each assigned person 7 days before the due date and once the work is overdue, once each.

    Work already done, and withdrawn assignments, are skipped. If the job missed days, a person whose work is already overdue
    gets only the overdue reminder. Returns the number of reminders sent.
    """
    today = today or timezone.localdate()
    assignments = (
        Assignment.objects.open()
        .filter(due_on__lte=today + timedelta(days=SOON_DAYS))
        .select_related("course", "program", "team", "user")
        .prefetch_related("reminders")
    )
    # The same work assigned twice (to the team and to the person) is reminded of once.
    reminded = set(
        DueReminder.objects.filter(assignment__in=assignments).values_list(
            "user_id", "assignment__course_id", "assignment__program_id", "kind"
        )
    )
    sent = 0
    for assignment in assignments:
        # Work already done is skipped below, so the reminder is for work not done.
        overdue = is_overdue(assignment.due_on, done=False, today=today)
        kind = DueReminder.Kind.OVERDUE if overdue else DueReminder.Kind.SOON
        for person in _assigned_people(assignment):
            work = (person.pk, assignment.course_id, assignment.program_id)
            if (*work, kind) in reminded or (*work, DueReminder.Kind.OVERDUE) in reminded:
                continue
            if _done(person, assignment):
                continue
            try:
                with transaction.atomic():
                    DueReminder.objects.create(assignment=assignment, user=person, kind=kind)
            except IntegrityError:
                continue  # another run sent it
            assignment_email_due_reminder.enqueue(assignment.pk, person.pk, kind, today.isoformat())
            reminded.add((*work, kind))
            sent += 1
    return sent
