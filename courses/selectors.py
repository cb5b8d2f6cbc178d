"""Reads for the learner journey. Each selector runs a fixed number of queries, whatever the course size.

Only live, public pages count: a draft lesson or one behind a view restriction is invisible
to learners and does not count towards progress.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Q
from django.db.models.functions import Substr

from assessments.selectors import QuizStatus, first_passes, quiz_statuses
from cms.people.access import staff_verified

from .models import CourseCatalogPage, CoursePage, Enrollment, LessonCompletion, LessonPage, ModulePage, Reflection


@dataclass
class LessonEntry:
    lesson: LessonPage
    completed: bool = False


@dataclass
class ModuleEntry:
    module: ModulePage
    lessons: list[LessonEntry] = field(default_factory=list)
    quiz: QuizStatus | None = None

    @property
    def minutes(self) -> int:
        return sum(entry.lesson.estimated_minutes for entry in self.lessons)

    @property
    def completed_count(self) -> int:
        return sum(entry.completed for entry in self.lessons)


@dataclass
class CourseProgress:
    """Where one person stands in one course."""

    course: CoursePage
    enrollment: Enrollment | None
    lessons: list[LessonEntry]

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def completed(self) -> int:
        return sum(entry.completed for entry in self.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.total) if self.total else 0

    @property
    def minutes(self) -> int:
        return sum(entry.lesson.estimated_minutes for entry in self.lessons)

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.completed == self.total

    @property
    def resume_lesson(self) -> LessonPage | None:
        """The lesson to continue with: the last one opened if unfinished, else the next unfinished one."""
        if not self.lessons:
            return None
        last_id = self.enrollment.last_lesson_id if self.enrollment else None
        start = next((i for i, entry in enumerate(self.lessons) if entry.lesson.pk == last_id), 0)
        ordered = self.lessons[start:] + self.lessons[:start]
        unfinished = next((entry.lesson for entry in ordered if not entry.completed), None)
        return unfinished or self.lessons[0].lesson


@dataclass
class CourseOutline(CourseProgress):
    modules: list[ModuleEntry] = field(default_factory=list)


@dataclass
class LessonView:
    """Everything a lesson page shows around the lesson itself."""

    lesson: LessonPage
    progress: CourseProgress
    completed: bool
    previous: LessonPage | None
    next: LessonPage | None
    module: ModulePage | None
    position: int
    reflections: dict[str, Reflection]

    @property
    def course(self) -> CoursePage:
        return self.progress.course

    @property
    def enrollment(self) -> Enrollment | None:
        return self.progress.enrollment


def _under(paths: list[str]) -> Q:
    scope = Q()
    for path in paths:
        scope |= Q(path__startswith=path)
    return scope


def _visible_modules(course_paths: list[str]) -> list[ModulePage]:
    return list(ModulePage.objects.live().public().filter(_under(course_paths)).order_by("path"))


def _visible_lessons(modules: list[ModulePage]) -> list[LessonPage]:
    """Live, public lessons in live, public modules: a draft module hides its lessons."""
    if not modules:
        return []
    return list(LessonPage.objects.live().public().filter(_under([m.path for m in modules])).order_by("path"))


def _completed_ids(user, lessons) -> set[int]:
    if not user.is_authenticated or not lessons:
        return set()
    return set(
        LessonCompletion.objects.filter(user=user, lesson__in=[lesson.pk for lesson in lessons]).values_list(
            "lesson_id", flat=True
        )
    )


def _enrollment(user, course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


def course_progress_many(
    *, user, courses: list[CoursePage], enrollments: dict[int, Enrollment]
) -> list[CourseProgress]:
    """Progress of one person in several courses, in three queries in all."""
    if not courses:
        return []
    lessons = _visible_lessons(_visible_modules([course.path for course in courses]))
    done = _completed_ids(user, lessons)
    results = []
    for course in courses:
        entries = [LessonEntry(lesson, lesson.pk in done) for lesson in lessons if lesson.path.startswith(course.path)]
        results.append(CourseProgress(course=course, enrollment=enrollments.get(course.pk), lessons=entries))
    return results


def catalog_courses(*, catalog: CourseCatalogPage, user) -> list[CourseProgress]:
    """The live courses in a catalog, each with this person's progress if they are enrolled."""
    courses = list(CoursePage.objects.live().public().child_of(catalog).order_by("path"))
    enrollments = {}
    if user.is_authenticated:
        enrollments = {e.course_id: e for e in Enrollment.objects.filter(user=user, course__in=courses)}
    return course_progress_many(user=user, courses=courses, enrollments=enrollments)


def learner_courses(*, user) -> list[CourseProgress]:
    """The courses a person is enrolled in, most recently active first."""
    enrollments = list(
        Enrollment.objects.filter(user=user, course__live=True)
        .select_related("course")
        .order_by("-last_activity_at", "-enrolled_at")
    )
    courses = [e.course for e in enrollments]
    return course_progress_many(user=user, courses=courses, enrollments={e.course_id: e for e in enrollments})


def latest_course(*, user) -> CourseProgress | None:
    """For "continue where you left off": the most recently active unfinished course, else the latest finished one."""
    if not user.is_authenticated:
        return None
    courses = learner_courses(user=user)
    return next((progress for progress in courses if not progress.is_complete), courses[0] if courses else None)


def course_outline(*, course: CoursePage, user) -> CourseOutline:
    """A course's modules and lessons in order, with this person's enrollment and completions."""
    modules = _visible_modules([course.path])
    lessons = _visible_lessons(modules)
    done = _completed_ids(user, lessons)
    entries = [LessonEntry(lesson, lesson.pk in done) for lesson in lessons]
    quizzes = quiz_statuses(user=user, quiz_ids=[m.quiz_id for m in modules if m.quiz_id])
    module_entries = [
        ModuleEntry(
            module=module,
            lessons=[entry for entry in entries if entry.lesson.path.startswith(module.path)],
            quiz=quizzes.get(module.quiz_id),
        )
        for module in modules
    ]
    return CourseOutline(course=course, enrollment=_enrollment(user, course), lessons=entries, modules=module_entries)


def lesson_course(lesson: LessonPage) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(lesson).first()


def lesson_access(*, lesson: LessonPage, user) -> str:
    """Whether a person may open a lesson: "ok", "login" (anonymous) or "enroll" (not enrolled).

    People who can edit the lesson in the admin (trainers, administrators) may always read it, once
    they have passed two-factor authentication, as for every staff privilege.
    """
    if not user.is_authenticated:
        return "login"
    if Enrollment.objects.filter(user=user, course__in=CoursePage.objects.ancestor_of(lesson)).exists():
        return "ok"
    if staff_verified(user) and lesson.permissions_for_user(user).can_edit():
        return "ok"
    return "enroll"


def lesson_view(*, lesson: LessonPage, user) -> LessonView:
    """The lesson's place in its course (previous, next, position) and this person's state in it."""
    course = lesson_course(lesson)
    outline = course_outline(course=course, user=user)
    entries = outline.lessons
    index = next((i for i, entry in enumerate(entries) if entry.lesson.pk == lesson.pk), None)
    module = next((m.module for m in outline.modules if lesson.path.startswith(m.module.path)), None)
    reflections = {}
    if user.is_authenticated:
        reflections = {str(r.block_id): r for r in Reflection.objects.filter(user=user, lesson=lesson)}
    return LessonView(
        lesson=lesson,
        progress=outline,
        completed=bool(index is not None and entries[index].completed),
        previous=entries[index - 1].lesson if index else None,
        next=entries[index + 1].lesson if index is not None and index + 1 < len(entries) else None,
        module=module,
        position=(index or 0) + 1,
        reflections=reflections,
    )


def learner_reflections(*, user):
    """A person's own reflections, newest first. Never anyone else's."""
    return Reflection.objects.filter(user=user, lesson__live=True).select_related("lesson").order_by("-updated_at")


@dataclass(frozen=True)
class CourseTally:
    """How far one person is through one course: lessons done and module quizzes passed, and when it completed."""

    lessons_done: int
    lessons: int
    quizzes_passed: int
    quizzes: int
    completed_at: datetime | None  # None until every lesson is done and every quiz passed

    @property
    def steps_done(self) -> int:
        return self.lessons_done + self.quizzes_passed

    @property
    def steps(self) -> int:
        return self.lessons + self.quizzes


@dataclass(frozen=True)
class CourseStructure:
    """What completing each course takes: its visible lessons and its modules' live quizzes, by course id."""

    lessons: dict[int, list[int]]
    quizzes: dict[int, set[int]]

    def lesson_count(self, course_id: int) -> int:
        return len(self.lessons.get(course_id, ()))

    def quiz_count(self, course_id: int) -> int:
        return len(self.quizzes.get(course_id, ()))


def course_structure(courses: list[CoursePage]) -> CourseStructure:
    """The visible lessons (live, public, in a live, public module) and live module quizzes of each course (2 queries)."""
    if not courses:
        return CourseStructure({}, {})
    modules = list(ModulePage.objects.live().public().filter(_under([c.path for c in courses])).select_related("quiz"))
    # Only ids and paths: the lessons' bodies are not needed to know whether they are done.
    lessons = list(
        LessonPage.objects.live().public().filter(_under([m.path for m in modules])).only("pk", "path")
        if modules
        else []
    )

    def course_of(path: str) -> int:
        return next(c.pk for c in courses if path.startswith(c.path))

    by_course: dict[int, list[int]] = defaultdict(list)
    for lesson in lessons:
        by_course[course_of(lesson.path)].append(lesson.pk)
    quizzes: dict[int, set[int]] = defaultdict(set)
    for module in modules:
        if module.quiz_id and module.quiz.live:
            quizzes[course_of(module.path)].add(module.quiz_id)
    return CourseStructure(dict(by_course), dict(quizzes))


def course_tallies(
    *, people, courses: list[CoursePage], structure: CourseStructure | None = None
) -> dict[tuple[int, int], CourseTally]:
    """Each person's tally in each course, keyed by (person id, course id): the one definition of course completion.

    A course is complete when every visible lesson is marked complete and every module's live quiz
    has been passed; it completed at the latest of those moments. A course with no visible lessons is
    never complete. ``people`` is a list of ids (every pair is in the result) or a queryset of ids,
    used as a subquery (pairs with nothing done are then left out). Four queries whatever the numbers
    (two with ``structure`` given): completions and passes are counted by the database.
    """
    if not courses:
        return {}
    structure = structure or course_structure(courses)
    lessons_done: dict[tuple[int, int], tuple[int, datetime]] = {}
    all_lessons = [pk for ids in structure.lessons.values() for pk in ids]
    # All courses sit at one depth in the tree (children of the catalog), so a path prefix names the course.
    for depth in {len(c.path) for c in courses} if all_lessons else ():
        prefixes = {c.path: c.pk for c in courses if len(c.path) == depth}
        rows = (
            LessonCompletion.objects.filter(user_id__in=people, lesson_id__in=all_lessons)
            .annotate(course_path=Substr("lesson__path", 1, depth))
            .filter(course_path__in=list(prefixes))
            .values("user_id", "course_path")
            .annotate(n=Count("pk"), last=Max("completed_at"))
        )
        for row in rows:
            lessons_done[(row["user_id"], prefixes[row["course_path"]])] = (row["n"], row["last"])
    quiz_courses: dict[int, list[int]] = defaultdict(list)
    for course_id, quiz_ids in structure.quizzes.items():
        for quiz_id in quiz_ids:
            quiz_courses[quiz_id].append(course_id)
    passes: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    if quiz_courses:
        for (person_id, quiz_id), first in first_passes(people=people, quiz_ids=list(quiz_courses)).items():
            for course_id in quiz_courses[quiz_id]:
                passes[(person_id, course_id)].append(first)

    pairs = set(lessons_done) | set(passes)
    if isinstance(people, list | tuple | set):
        pairs |= {(person_id, course.pk) for person_id in people for course in courses}
    tallies = {}
    for person_id, course_id in pairs:
        done, last = lessons_done.get((person_id, course_id), (0, None))
        passed = passes.get((person_id, course_id), [])
        lessons, quizzes = structure.lesson_count(course_id), structure.quiz_count(course_id)
        complete = lessons > 0 and done == lessons and len(passed) == quizzes
        tallies[(person_id, course_id)] = CourseTally(
            lessons_done=done,
            lessons=lessons,
            quizzes_passed=len(passed),
            quizzes=quizzes,
            completed_at=max([last, *passed]) if complete else None,
        )
    return tallies


def course_completions(*, user, courses: list[CoursePage]) -> dict[int, datetime | None]:
    """When a person completed each course, or None if not yet (see ``course_tallies`` for what complete means)."""
    if not courses or not user.is_authenticated:
        return {course.pk: None for course in courses}
    tallies = course_tallies(people=[user.pk], courses=courses)
    return {course.pk: tallies[(user.pk, course.pk)].completed_at for course in courses}
