"""Assignments: required courses and programs with a due date, for a team or one person.

Who may assign: administrators and trainers anything to anyone; supervisors only to the teams
they supervise and to the people on those teams (``cms.people.access``; two-factor passed, as for every
staff privilege). Assigned people are enrolled in the course, or
in every required course of the program, when the work is assigned and when they join an
assigned team later. Reminders go out 7 days before the due date and once the work is overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cms.models import Team
from cms.people.access import has_role, is_administrator, visible_people, visible_teams
from cms.people.roles import SUPERVISORS, TRAINERS
from courses.models import CoursePage
from courses.progress.completion import course_completions
from courses.progress.services import enrollment_create

from .models import Assignment, Certificate, DueReminder, Program

User = get_user_model()

SOON_DAYS = 7


# Who may assign what ---------------------------------------------------------------------


def _assigns_anything(actor) -> bool:
    return is_administrator(actor) or has_role(actor, TRAINERS)


def may_assign(actor) -> bool:
    """Administrators, trainers and supervisors assign work (with two-factor passed); what each may assign is below."""
    return is_administrator(actor) or has_role(actor, TRAINERS, SUPERVISORS)


def assignable_teams(actor) -> QuerySet[Team]:
    """The teams ``actor`` may assign work to: all for administrators and trainers, their own for supervisors."""
    if not may_assign(actor):
        return Team.objects.none()
    if _assigns_anything(actor):
        return Team.objects.all()
    return visible_teams(actor)


def assignable_people(actor) -> QuerySet:
    """The people ``actor`` may assign work to: anyone for administrators and trainers, their teams' people otherwise."""
    if not may_assign(actor):
        return User.objects.none()
    if _assigns_anything(actor):
        return User.objects.filter(is_active=True)
    return visible_people(actor)


def manageable_assignments(actor) -> QuerySet[Assignment]:
    """The assignments ``actor`` may see and delete: supervisors see their teams' and their teams' people's."""
    assignments = Assignment.objects.select_related("course", "program", "team", "user", "assigned_by")
    if not may_assign(actor):
        return assignments.none()
    if _assigns_anything(actor):
        return assignments
    teams = visible_teams(actor)
    return assignments.filter(Q(team__in=teams) | Q(user__teams__in=teams)).distinct()


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
    if due_on is None:
        errors["due_on"] = "Enter a due date."
    elif due_on < timezone.localdate():
        errors["due_on"] = "The due date cannot be in the past."
    if errors:
        raise ValidationError(errors)
    assignment = Assignment.objects.create(
        course=course, program=program, team=team, user=user, due_on=due_on, assigned_by=actor
    )
    _enroll(_assigned_people(assignment), assignment)
    return assignment


def assignment_delete(*, actor, assignment: Assignment) -> None:
    """Withdraw an assignment. Enrollments and progress stay; only the due date and its reminders go."""
    if not manageable_assignments(actor).filter(pk=assignment.pk).exists():
        raise PermissionDenied("You can remove only assignments for your teams and the people on them.")
    assignment.delete()


@receiver(m2m_changed, sender=Team.members.through, dispatch_uid="certificates.team_members_assignments")
def team_members_enroll(sender, instance, action, reverse, pk_set, **kwargs):
    """People who join a team are enrolled in the team's assigned courses and programs."""
    if action != "post_add" or not pk_set:
        return
    if reverse:  # person.teams.add(team, ...)
        people, assignments = [instance], Assignment.objects.filter(team__in=pk_set)
    else:  # team.members.add(person, ...)
        people, assignments = list(User.objects.filter(pk__in=pk_set)), instance.assignments.all()
    people = [person for person in people if person.is_active]
    for assignment in assignments.select_related("course", "program"):
        _enroll(people, assignment)


# What each learner owes --------------------------------------------------------------------


@dataclass
class DueItem:
    """One piece of assigned work for one person, with its earliest due date."""

    title: str
    url: str
    due_on: date
    done: bool
    overdue: bool
    days_left: int


def _done(user, assignment: Assignment) -> bool:
    if assignment.course_id:
        return course_completions(user=user, courses=[assignment.course]).get(assignment.course_id) is not None
    return Certificate.objects.valid().filter(user=user, program=assignment.program_id).exists()


def learner_assignments(*, user) -> QuerySet[Assignment]:
    """Every assignment that applies to ``user``: their own and their teams'."""
    return (
        Assignment.objects.filter(Q(user=user) | Q(team__members=user))
        .select_related("course", "program")
        .distinct()
        .order_by("due_on", "pk")
    )


def learner_due_items(*, user, today: date | None = None) -> list[DueItem]:
    """The courses and programs assigned to ``user``, each once with its earliest due date, soonest first."""
    today = today or timezone.localdate()
    earliest: dict[tuple[str, int], Assignment] = {}
    for assignment in learner_assignments(user=user):
        key = ("course", assignment.course_id) if assignment.course_id else ("program", assignment.program_id)
        earliest.setdefault(key, assignment)
    courses = [a.course for a in earliest.values() if a.course_id]
    completions = course_completions(user=user, courses=courses)
    certified = set(
        Certificate.objects.valid()
        .filter(user=user, program__in=[a.program_id for a in earliest.values() if a.program_id])
        .values_list("program_id", flat=True)
    )
    items = []
    for assignment in earliest.values():
        if assignment.course_id:
            title, url = assignment.course.title, assignment.course.url
            done = completions.get(assignment.course_id) is not None
        else:
            title = assignment.program.name
            url = reverse("program-achievement", args=[assignment.program_id])
            done = assignment.program_id in certified
        items.append(
            DueItem(
                title=title,
                url=url,
                due_on=assignment.due_on,
                done=done,
                overdue=not done and assignment.due_on < today,
                days_left=(assignment.due_on - today).days,
            )
        )
    return items


# Reminders ---------------------------------------------------------------------------------


def _title(assignment: Assignment) -> str:
    return assignment.course.title if assignment.course_id else assignment.program.name


def due_reminder_email(*, assignment: Assignment, person, kind: str, today: date) -> None:
    """Email ``person`` that ``assignment`` is due soon or overdue (sent by a background task)."""
    days_left = (assignment.due_on - today).days
    context = {
        "person": person,
        "title": _title(assignment),
        "due_on": assignment.due_on,
        "days_left": days_left,
        "my_learning_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("my-learning"),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    if kind == DueReminder.Kind.SOON:
        subject = f"Due in {days_left} day{'s' if days_left != 1 else ''}: {context['title']}"
        template = "certificates/email/due_soon.txt"
    else:
        subject = f"Overdue: {context['title']}"
        template = "certificates/email/due_overdue.txt"
    send_mail(subject, render_to_string(template, context), None, [person.email])


def due_reminders_send(*, today: date | None = None) -> int:
    """Email each assigned person 7 days before the due date and once the work is overdue, once each.

    Work already done is skipped. If the job missed days, a person whose work is already overdue
    gets only the overdue reminder. Returns the number of reminders sent.
    """
    from .tasks import assignment_email_due_reminder

    today = today or timezone.localdate()
    assignments = (
        Assignment.objects.filter(due_on__lte=today + timedelta(days=SOON_DAYS))
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
        kind = DueReminder.Kind.OVERDUE if assignment.due_on < today else DueReminder.Kind.SOON
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
