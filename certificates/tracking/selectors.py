"""Reads for assignments: who may assign what to whom, who may change or withdraw which, and what each learner owes.

Administrators and trainers assign anything to anyone; supervisors only to the teams they
supervise and to the people on those teams (``cms.access``; two-factor passed, as for every staff
privilege). Changing a due date or withdrawing is for administrators, the supervisors of the team
(or of a team the person is on) and the person who made the assignment. Only open assignments
count anywhere; due dates and "overdue" come from ``due``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cms.models import AuditLogEntry, Team
from cms.people.access import has_role, is_administrator, visible_people, visible_teams
from cms.people.roles import SUPERVISORS, TRAINERS
from courses.progress.completion import course_completions, course_tallies

from ..issuance.models import Certificate
from .due import due_date, is_overdue
from .models import Assignment

User = get_user_model()


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


def manageable_assignments(actor, *, include_withdrawn: bool = False) -> QuerySet[Assignment]:
    """The assignments ``actor`` may see, change and withdraw: all for administrators; for supervisors
    their teams' and their teams' people's; for anyone who assigns, the ones they made. Open ones only,
    unless ``include_withdrawn`` (for their history)."""
    assignments = Assignment.objects.select_related("course", "program", "team", "user", "assigned_by")
    if not include_withdrawn:
        assignments = assignments.open()
    if not may_assign(actor):
        return assignments.none()
    if is_administrator(actor):
        return assignments
    teams = visible_teams(actor)
    return assignments.filter(Q(team__in=teams) | Q(user__teams__in=teams) | Q(assigned_by=actor)).distinct()


def assignment_history(actor, *, limit: int = 20) -> QuerySet[AuditLogEntry]:
    """The latest audit entries (assigned, due date changed, withdrawn) of the assignments ``actor`` manages."""
    ids = [str(pk) for pk in manageable_assignments(actor, include_withdrawn=True).values_list("pk", flat=True)]
    return (
        AuditLogEntry.objects.filter(content_type__app_label="certificates", content_type__model="assignment")
        .filter(object_id__in=ids)
        .select_related("user")
        .order_by("-timestamp", "-pk")[:limit]
    )


def people_already_done(*, course=None, program=None, team=None, user=None) -> list:
    """Who of those the work would be assigned to (a team's active members, or one person) has already
    done it: completed the course, or holds a valid certificate of the program. Two queries."""
    people = list(team.members.filter(is_active=True).order_by("full_name", "email")) if team else [user]
    ids = [person.pk for person in people if person is not None]
    if not ids or (course is None and program is None):
        return []
    if course is not None:
        tallies = course_tallies(people=ids, courses=[course])
        done = {pk for pk in ids if tallies[(pk, course.pk)].completed_at is not None}
    else:
        done = set(
            Certificate.objects.valid().filter(user_id__in=ids, program=program).values_list("user_id", flat=True)
        )
    return [person for person in people if person is not None and person.pk in done]


@dataclass
class DueItem:
    """One piece of assigned work for one person, with its due date (``due.due_date``)."""

    title: str
    url: str
    due_on: date
    done: bool
    overdue: bool
    days_left: int


def learner_assignments(*, user) -> QuerySet[Assignment]:
    """Every assignment that applies to ``user``: their own and their teams'."""
    return (
        Assignment.objects.open()
        .filter(Q(user=user) | Q(team__members=user))
        .select_related("course", "program")
        .distinct()
        .order_by("due_on", "pk")
    )


def learner_due_items(*, user, today: date | None = None) -> list[DueItem]:
    """The courses and programs assigned to ``user``, each once with its due date (``due.due_date``), soonest first."""
    today = today or timezone.localdate()
    by_work: dict[tuple[str, int], list[Assignment]] = {}
    for assignment in learner_assignments(user=user):
        key = ("course", assignment.course_id) if assignment.course_id else ("program", assignment.program_id)
        by_work.setdefault(key, []).append(assignment)
    earliest: dict[tuple[str, int], Assignment] = {}
    for key, assignments in by_work.items():
        due_on = due_date(a.due_on for a in assignments)
        earliest[key] = next(a for a in assignments if a.due_on == due_on)
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
                overdue=is_overdue(assignment.due_on, done=done, today=today),
                days_left=(assignment.due_on - today).days,
            )
        )
    return items


def team_certificates(*, team: Team) -> list[Certificate]:
    """The current, unrevoked certificates of a team's members, for supervisors' bulk download."""
    return list(
        Certificate.objects.current()
        .filter(user__teams=team, revoked_at=None)
        .select_related("user", "program")
        .order_by("user__full_name", "program_name")
    )
