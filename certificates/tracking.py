"""Certification status for supervisors: one row per person and program, and who may see whom.

Every list, detail page, export and API response about people's status goes through
``visible_people``: administrators see everyone on a team, supervisors see the members of the
teams they supervise, and everyone else sees no one. ``status_rows`` computes the rows for any
number of people in a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Attempt
from cms.models import Team
from courses.models import Enrollment, LessonCompletion, LessonPage, ModulePage

from .models import Assignment, Certificate, Program, ProgramCourse

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


def visible_teams(viewer) -> QuerySet[Team]:
    """The teams whose people ``viewer`` may see: all for administrators, their own for supervisors."""
    if not viewer.is_authenticated:
        return Team.objects.none()
    if viewer.is_superuser:
        return Team.objects.all()
    return Team.objects.filter(supervisors=viewer)


def visible_people(viewer, *, team: Team | None = None) -> QuerySet:
    """The people ``viewer`` may see status for, optionally on one of their teams. The one visibility rule."""
    teams = visible_teams(viewer)
    if team is not None:
        teams = teams.filter(pk=team.pk)
    return User.objects.filter(teams__in=teams, is_active=True).distinct()


def person_for_viewer(viewer, person_id: int):
    """One person whose status ``viewer`` may see; 404 for anyone else, so nobody learns who exists."""
    person = visible_people(viewer).filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    return person


def team_for_viewer(viewer, team_id: int) -> Team:
    team = visible_teams(viewer).filter(pk=team_id).first()
    if team is None:
        raise Http404("No such team.")
    return team


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
            return f"Certified until {self.expires_on:%b} {self.expires_on.day}, {self.expires_on.year}"
        if self.status == "expiring":
            return f"Expiring in {self.days_left} day{'s' if self.days_left != 1 else ''}"
        return self.status_label


@dataclass
class _Requirements:
    """What a program asks for, as ids: its courses' lessons and live module quizzes."""

    lessons: int
    courses: list[str]  # course paths
    quizzes: set[int]


def _program_requirements(programs: list[Program]) -> tuple[dict[int, _Requirements], dict[str, int], int]:
    """Per program: lesson count, course paths and live quiz ids; lessons per course path; the course path length."""
    courses = {row.course.path: row.course for p in programs for row in p.required_courses.all()}
    if not courses:
        return {p.pk: _Requirements(0, [], set()) for p in programs}, {}, 0
    scope = Q()
    for path in courses:
        scope |= Q(path__startswith=path)
    modules = list(ModulePage.objects.live().public().filter(scope).select_related("quiz").only("path", "quiz__live"))
    module_scope = Q()
    for module in modules:
        module_scope |= Q(path__startswith=module.path)
    lessons = (
        list(LessonPage.objects.live().public().filter(module_scope).values_list("path", flat=True)) if modules else []
    )
    path_length = len(next(iter(courses)))
    lessons_per_course = defaultdict(int)
    for path in lessons:
        lessons_per_course[path[:path_length]] += 1
    requirements = {}
    for program in programs:
        paths = [row.course.path for row in program.required_courses.all()]
        quizzes = {m.quiz_id for m in modules if m.quiz_id and m.quiz.live and m.path[:path_length] in paths}
        requirements[program.pk] = _Requirements(sum(lessons_per_course[p] for p in paths), paths, quizzes)
    return requirements, lessons_per_course, path_length


def _due_dates(people_ids, programs: list[Program]) -> dict[tuple[int, int], list[tuple[date, int | None]]]:
    """Each person's due dates per program: from assignments of the program, or of one of its courses.

    Values are (due date, course id or None) pairs, the course being set for a course assignment,
    so the caller can leave out courses already finished.
    """
    course_programs: dict[int, set[int]] = defaultdict(set)
    for program in programs:
        for row in program.required_courses.all():
            course_programs[row.course_id].add(program.pk)
    due: dict[tuple[int, int], list[tuple[date, int | None]]] = defaultdict(list)
    assignments = Assignment.objects.filter(Q(program__in=programs) | Q(course_id__in=list(course_programs))).filter(
        Q(user_id__in=people_ids) | Q(team__members__in=people_ids)
    )
    for user_id, member_id, program_id, course_id, due_on in assignments.values_list(
        "user_id", "team__members", "program_id", "course_id", "due_on"
    ).distinct():
        person = user_id or member_id
        for target in [program_id] if program_id else course_programs[course_id]:
            due[(person, target)].append((due_on, course_id))
    return due


def status_rows(*, people: list, programs: list[Program] | None = None, today: date | None = None) -> list[StatusRow]:
    """Status of each person in each active program, in a fixed number of queries whatever the numbers.

    ``people`` must come from ``visible_people``: a list, or the queryset itself, which is then
    used as a subquery instead of a list of ids (much cheaper for thousands of people).
    Programs default to every issuing program.
    """
    people_filter = people.values("pk") if isinstance(people, QuerySet) else None
    people = list(people.order_by("pk")) if people_filter is not None else people
    today = today or timezone.localdate()
    if programs is None:
        programs = list(
            Program.objects.filter(active=True).prefetch_related(
                Prefetch("required_courses", queryset=ProgramCourse.objects.select_related("course"))
            )
        )
    ids = [p.pk for p in people]
    if not ids or not programs:
        return []
    if people_filter is None:
        people_filter = ids
    requirements, lessons_per_course, path_length = _program_requirements(programs)
    all_paths = {path for r in requirements.values() for path in r.courses}
    all_quizzes = {q for r in requirements.values() for q in r.quizzes}

    done = defaultdict(int)  # (user, course path) -> lessons completed
    if all_paths:
        course_scope = Q()
        for path in all_paths:
            course_scope |= Q(lesson__path__startswith=path)
        rows = (
            LessonCompletion.objects.filter(user_id__in=people_filter, lesson__live=True)
            .filter(course_scope)
            .annotate(course_path=Substr("lesson__path", 1, path_length))
            .values("user_id", "course_path")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            done[(row["user_id"], row["course_path"])] = row["n"]

    passed: dict[int, set[int]] = defaultdict(set)
    best: dict[int, dict[int, float]] = defaultdict(dict)
    if all_quizzes:
        for row in (
            Attempt.objects.filter(user_id__in=people_filter, quiz_id__in=all_quizzes, submitted_at__isnull=False)
            .values("user_id", "quiz_id")
            .annotate(best=Max("score"), passes=Count("pk", filter=Q(passed=True)))
        ):
            best[row["user_id"]][row["quiz_id"]] = float(row["best"] or 0)
            if row["passes"]:
                passed[row["user_id"]].add(row["quiz_id"])

    certificates = {
        (c.user_id, c.program_id): c
        for c in Certificate.objects.current().filter(user_id__in=people_filter, program__in=programs)
    }
    due = _due_dates(people_filter, programs)
    activity = dict(
        Enrollment.objects.filter(user_id__in=people_filter)
        .values("user_id")
        .annotate(last=Max("last_activity_at"))
        .values_list("user_id", "last")
    )
    team_names = defaultdict(list)
    for user_id, name in Team.objects.filter(members__in=people_filter).values_list("members", "name").order_by("name"):
        team_names[user_id].append(name)

    course_paths = {row.course_id: row.course.path for p in programs for row in p.required_courses.all()}
    result = []
    for person in people:
        for program in programs:
            need = requirements[program.pk]
            certificate = certificates.get((person.pk, program.pk))
            lessons_done = sum(done[(person.pk, path)] for path in need.courses)
            quizzes_done = len(need.quizzes & passed[person.pk])
            total = need.lessons + len(need.quizzes)
            percent = round(100 * (lessons_done + quizzes_done) / total) if total else 0
            scores = [best[person.pk][q] for q in need.quizzes if q in best[person.pk]]
            if certificate is not None:
                code = certificate.status(today).code  # a current certificate: valid, expiring, expired or revoked
                status = "certified" if code == "valid" else code
            elif total and lessons_done + quizzes_done >= total:
                status = "passed"
            elif lessons_done or quizzes_done or scores:
                status = "in_progress"
            else:
                status = "not_started"
            finished = status in {"passed", "certified", "expiring"}
            # A course assignment stops counting once that course's lessons are all done.
            open_dates = [
                due_on
                for due_on, course_id in due.get((person.pk, program.pk), [])
                if course_id is None
                or done[(person.pk, course_paths[course_id])] < lessons_per_course[course_paths[course_id]]
            ]
            due_on = min(open_dates) if open_dates else None
            result.append(
                StatusRow(
                    person=person,
                    program=program,
                    status=status,
                    percent=100 if finished else percent,
                    certificate=certificate,
                    due_on=due_on,
                    overdue=bool(due_on and due_on < today and not finished),
                    last_activity=activity.get(person.pk),
                    best_score=max(scores) if scores else None,
                    teams=team_names[person.pk],
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
