"""Reads for the learner journey. Each selector runs a fixed number of queries, whatever the course size.

Only live, public pages count: a draft lesson or one behind a view restriction is invisible
to learners and does not count towards progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from assessments.attempts.selectors import QuizStatus, quiz_statuses
from cms.people.access import staff_verified

from ..catalogue.models import CourseCatalogPage, CoursePage, LessonPage, ModulePage
from .models import Enrollment, LessonCompletion, Reflection


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


def under_paths(paths: list[str]) -> Q:
    """A filter for the pages below any of these tree paths."""
    scope = Q()
    for path in paths:
        scope |= Q(path__startswith=path)
    return scope


def _visible_modules(course_paths: list[str]) -> list[ModulePage]:
    return list(ModulePage.objects.live().public().filter(under_paths(course_paths)).order_by("path"))


def _visible_lessons(modules: list[ModulePage]) -> list[LessonPage]:
    """Live, public lessons in live, public modules: a draft module hides its lessons."""
    if not modules:
        return []
    return list(LessonPage.objects.live().public().filter(under_paths([m.path for m in modules])).order_by("path"))


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


def lesson_enrollment(*, user, lesson: LessonPage) -> Enrollment | None:
    """The person's enrollment in the course the lesson belongs to, if they are enrolled."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course__in=CoursePage.objects.ancestor_of(lesson)).first()


def lesson_access(*, lesson: LessonPage, user) -> str:
    """Whether a person may open a lesson: "ok", "login" (anonymous) or "enroll" (not enrolled).

    People who can edit the lesson in the admin (trainers, administrators) may always read it, once
    they have passed two-factor authentication, as for every staff privilege.
    """
    if not user.is_authenticated:
        return "login"
    if lesson_enrollment(user=user, lesson=lesson) is not None:
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


def lesson_reflection_prompt(*, lesson: LessonPage, block_id: str) -> str | None:
    """The text of the lesson's reflection prompt with this block id, or None if it has none."""
    for child in lesson.body:
        if child.block_type == "reflection" and child.id == block_id:
            return child.value["prompt"]
    return None


def learner_reflections(*, user):
    """A person's own reflections, newest first. Never anyone else's."""
    return Reflection.objects.filter(user=user, lesson__live=True).select_related("lesson").order_by("-updated_at")
