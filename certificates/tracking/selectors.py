"""Reads for assignments: who may assign what to whom, and what each learner owes.

Administrators and trainers assign anything to anyone; supervisors only to the teams they
supervise and to the people on those teams (``cms.access``; two-factor passed, as for every staff
privilege).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cms.models import Team
from cms.people.access import has_role, is_administrator, visible_people, visible_teams
from cms.people.roles import SUPERVISORS, TRAINERS
from courses.progress.completion import course_completions

from ..issuance.models import Certificate
from .models import Assignment

User = get_user_model()

SOON_DAYS = 7


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


@dataclass
class DueItem:
    """One piece of assigned work for one person, with its earliest due date."""

    title: str
    url: str
    due_on: date
    done: bool
    overdue: bool
    days_left: int


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


def team_certificates(*, team: Team) -> list[Certificate]:
    """The current, unrevoked certificates of a team's members, for supervisors' bulk download."""
    return list(
        Certificate.objects.current()
        .filter(user__teams=team, revoked_at=None)
        .select_related("user", "program")
        .order_by("user__full_name", "program_name")
    )
