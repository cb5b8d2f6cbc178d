"""Certification status for supervisors: one row per person and program.

Who may see whom is ``cms.people.access``'s to decide: callers pass people from ``visible_people`` and the
viewer, whose visible teams alone appear in a row (team names, due dates of team assignments).
``status_rows`` computes the rows for any number of people in a fixed number of queries, from the
same definitions as issuance: course completion (``courses.selectors.course_tallies``) and
"requirements met" (``certificates.issuance.requirements``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.attempts.selectors import best_scores
from cms.dates import site_date
from cms.people.access import visible_team_names, visible_teams
from courses.models import Enrollment
from courses.progress.completion import CourseTally, course_structure, course_tallies

from ..issuance.models import Certificate, Program, ProgramCourse
from ..issuance.requirements import required_courses, requirements_from
from .due import due_date, is_overdue
from .models import Assignment

User = get_user_model()

STATUSES = {
    "not_started": _("Not started"),
    "in_progress": _("In progress"),
    "passed": _("Passed, awaiting certificate"),
    "certified": _("Certified"),
    "expiring": _("Expiring soon"),
    "expired": _("Expired"),
    "revoked": _("Revoked"),
}


@dataclass
class StatusRow:
    person: User
    program: Program
    status: str
    percent: int = 0
    certificate: Certificate | None = None
    due_on: date | None = None
    overdue: bool = False
    last_activity: datetime | None = None
    best_score: float | None = None
    teams: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUSES[self.status])

    @property
    def expires_on(self) -> date | None:
        return self.certificate.expires_on if self.certificate else None

    @property
    def days_left(self) -> int | None:
        return self.certificate.current_status.days_left if self.certificate else None

    @property
    def description(self) -> str:
        """The status in words, as the report shows it."""
        if self.status == "in_progress":
            return f"{self.status_label} ({self.percent}%)"
        if self.status == "certified" and self.expires_on:
            return f"Certified until {site_date(self.expires_on)}"
        if self.status == "expiring":
            return f"Expiring in {self.days_left} day{'s' if self.days_left != 1 else ''}"
        return self.status_label


def _due_dates(viewer, people_ids, programs: list[Program]) -> dict[tuple[int, int], list[tuple[date, int | None]]]:
    """Each person's due dates per program: from assignments of the program, or of one of its courses.

    Only open assignments count, with their current due dates. Assignments to one person count for
    anyone who may see that person; assignments to a team only for those who may see the team. Values are (due date, course id or None) pairs, the
    course being set for a course assignment, so the caller can leave out courses already finished.
    """
    course_programs: dict[int, set[int]] = {}
    for program in programs:
        for row in program.required_courses.all():
            course_programs.setdefault(row.course_id, set()).add(program.pk)
    due: dict[tuple[int, int], list[tuple[date, int | None]]] = {}
    assignments = (
        Assignment.objects.open()
        .filter(Q(program__in=programs) | Q(course_id__in=list(course_programs)))
        .filter(Q(user_id__in=people_ids) | Q(team__in=visible_teams(viewer), team__members__in=people_ids))
    )
    for user_id, member_id, program_id, course_id, due_on in assignments.values_list(
        "user_id", "team__members", "program_id", "course_id", "due_on"
    ).distinct():
        person = user_id or member_id
        for target in [program_id] if program_id else course_programs[course_id]:
            due.setdefault((person, target), []).append((due_on, course_id))
    return due


def active_programs(program: Program | None = None) -> list[Program]:
    """Every issuing program (or just ``program``) with its required courses, as status rows need them."""
    programs = Program.objects.filter(active=True).prefetch_related(
        Prefetch("required_courses", queryset=ProgramCourse.objects.select_related("course"))
    )
    if program is not None:
        programs = programs.filter(pk=program.pk)
    return list(programs)


def status_rows(*, viewer, people, programs: list[Program] | None = None, today: date | None = None) -> list[StatusRow]:
    """Status of each person in each active program, as ``viewer`` may see it, in a fixed number of queries.

    ``people`` must come from ``visible_people(viewer)``: a list, or the queryset itself, which is
    then used as a subquery instead of a list of ids (much cheaper for thousands of people).
    Programs default to every issuing program.
    """
    people_filter = people.values("pk") if isinstance(people, QuerySet) else None
    people = list(people.order_by("pk")) if people_filter is not None else people
    today = today or timezone.localdate()
    programs = active_programs() if programs is None else programs
    ids = [p.pk for p in people]
    if not ids or not programs:
        return []
    if people_filter is None:
        people_filter = ids
    courses = required_courses(programs)
    structure = course_structure(courses)
    tallies = course_tallies(people=people_filter, courses=courses, structure=structure)
    quizzes = {quiz for quiz_ids in structure.quizzes.values() for quiz in quiz_ids}
    best = best_scores(people=people_filter, quiz_ids=list(quizzes)) if quizzes else {}
    certificates = {
        (c.user_id, c.program_id): c
        for c in Certificate.objects.current().filter(user_id__in=people_filter, program__in=programs)
    }
    due = _due_dates(viewer, people_filter, programs)
    activity = dict(
        Enrollment.objects.filter(user_id__in=people_filter)
        .values("user_id")
        .annotate(last=Max("last_activity_at"))
        .values_list("user_id", "last")
    )
    team_names = visible_team_names(viewer, people_filter)

    nothing = CourseTally(0, 0, 0, 0, None)
    result = []
    for person in people:
        for program in programs:
            program_courses = [row.course_id for row in program.required_courses.all()]
            course_tally = {course_id: tallies.get((person.pk, course_id), nothing) for course_id in program_courses}
            requirements = requirements_from(program, {c: t.completed_at for c, t in course_tally.items()})
            certificate = certificates.get((person.pk, program.pk))
            done = sum(t.steps_done for t in course_tally.values())
            total = sum(structure.lesson_count(c) + structure.quiz_count(c) for c in program_courses)
            scores = [
                best[(person.pk, quiz)]
                for course_id in program_courses
                for quiz in structure.quizzes.get(course_id, ())
                if (person.pk, quiz) in best
            ]
            if certificate is not None:
                code = certificate.status(today).code  # a current certificate: valid, expiring, expired or revoked
                status = "certified" if code == "valid" else code
            elif requirements.met:
                status = "passed"
            elif done or scores:
                status = "in_progress"
            else:
                status = "not_started"
            finished = status in {"passed", "certified", "expiring"}
            # A course assignment stops counting once that course is complete.
            open_dates = [
                due_on
                for due_on, course_id in due.get((person.pk, program.pk), [])
                if course_id is None or not course_tally.get(course_id, nothing).completed_at
            ]
            due_on = due_date(open_dates)
            result.append(
                StatusRow(
                    person=person,
                    program=program,
                    status=status,
                    # 100% only once the requirements are met (a course without lessons never completes).
                    percent=100 if finished else min(99, round(100 * done / total) if total else 0),
                    certificate=certificate,
                    due_on=due_on,
                    overdue=is_overdue(due_on, done=finished, today=today),
                    last_activity=activity.get(person.pk),
                    best_score=max(scores) if scores else None,
                    teams=team_names.get(person.pk, []),
                )
            )
    return result


def filter_rows(
    rows: list[StatusRow],
    *,
    status: str = "",
    expiring_within: int | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> list[StatusRow]:
    """The report's filters: status, "expiring within N days" (30/60/90) and overdue."""
    today = today or timezone.localdate()
    if status:
        rows = [r for r in rows if r.status == status]
    if expiring_within:
        rows = [
            r
            for r in rows
            if r.status in {"certified", "expiring"}
            and r.expires_on
            and 0 <= (r.expires_on - today).days <= expiring_within
        ]
    if overdue:
        rows = [r for r in rows if r.overdue]
    return rows


SORT_KEYS = {
    "name": lambda r: r.person.full_name.casefold(),
    "program": lambda r: r.program.name.casefold(),
    "status": lambda r: list(STATUSES).index(r.status),
    "percent": lambda r: r.percent,
    "expires": lambda r: r.expires_on or date.max,
    "due": lambda r: r.due_on or date.max,
    "activity": lambda r: r.last_activity or datetime.min.replace(tzinfo=timezone.get_current_timezone()),
    "score": lambda r: r.best_score if r.best_score is not None else -1,
}


def sort_rows(rows: list[StatusRow], order: str = "name") -> list[StatusRow]:
    """Sort by a column name; a leading "-" reverses it. Unknown columns sort by name."""
    key = SORT_KEYS.get(order.lstrip("-"), SORT_KEYS["name"])
    return sorted(
        rows, key=lambda r: (key(r), r.person.full_name.casefold(), r.program.name), reverse=order.startswith("-")
    )
