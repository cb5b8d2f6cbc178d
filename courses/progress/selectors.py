"""Reads for the learner journey. Each selector runs a fixed number of queries, whatever the course size.

Only live, public pages count: a draft lesson or one behind a view restriction is invisible
to learners and does not count towards progress.
"""

from __future__ import annotations

from datetime import datetime

from assessments.attempts.selectors import quiz_statuses
from cms.people.access import staff_verified

from ..catalogue.models import CourseCatalogPage, CoursePage, LessonPage, ModulePage
from ..catalogue.outline import course_shapes
from .models import Enrollment, LessonCompletion, Reflection
from .standing import CourseOutline, CourseProgress, LessonEntry, LessonView, ModuleEntry, QuizStep

# "Not read yet": selectors that take an enrollment read it themselves unless given one (or None).
UNREAD = object()


def _visible(courses: list[CoursePage]) -> tuple[list[ModulePage], list[LessonPage]]:
    """Live, public modules and their live, public lessons (a draft module hides its lessons), from the cache."""
    shapes = course_shapes(courses)
    modules = [module for course in courses for module in shapes[course.pk].modules]
    lessons = [lesson for course in courses for lesson in shapes[course.pk].lessons]
    return modules, lessons


def _completed(user, lessons) -> dict[int, datetime]:
    """When this person marked each of these lessons complete, by lesson id (one query)."""
    if not user.is_authenticated or not lessons:
        return {}
    return dict(
        LessonCompletion.objects.filter(user=user, lesson__in=[lesson.pk for lesson in lessons]).values_list(
            "lesson_id", "completed_at"
        )
    )


def _enrollment(user, course) -> Enrollment | None:
    if not user.is_authenticated:
        return None
    return Enrollment.objects.filter(user=user, course=course).first()


def _quiz_steps(user, modules: list[ModulePage], courses: list[CoursePage]) -> dict[int, QuizStep]:
    """Each module's live quiz with this person's status, by module id (two queries)."""
    statuses = quiz_statuses(user=user, quiz_ids=[m.quiz_id for m in modules if m.quiz_id])
    steps = {}
    for module in modules:
        if module.quiz_id in statuses:
            course = next((c for c in courses if module.path.startswith(c.path)), None)
            steps[module.pk] = QuizStep(module, statuses[module.quiz_id], course.url if course else "")
    return steps


def _course_quizzes(course: CoursePage, modules: list[ModulePage], steps: dict[int, QuizStep]) -> list[QuizStep]:
    """A course's quiz steps in module order, each quiz once (as ``completion.course_structure`` counts them)."""
    seen, result = set(), []
    for module in modules:
        step = steps.get(module.pk)
        if step and module.path.startswith(course.path) and step.quiz.pk not in seen:
            seen.add(step.quiz.pk)
            result.append(step)
    return result


def course_progress_many(
    *, user, courses: list[CoursePage], enrollments: dict[int, Enrollment]
) -> list[CourseProgress]:
    """Progress of one person in several courses (lessons and module quizzes), in five queries in all."""
    if not courses:
        return []
    modules, lessons = _visible(courses)
    done = _completed(user, lessons)
    steps = _quiz_steps(user, modules, courses)
    results = []
    for course in courses:
        entries = [
            LessonEntry(lesson, lesson.pk in done, done.get(lesson.pk))
            for lesson in lessons
            if lesson.path.startswith(course.path)
        ]
        results.append(
            CourseProgress(
                course=course,
                enrollment=enrollments.get(course.pk),
                lessons=entries,
                quizzes=_course_quizzes(course, modules, steps),
            )
        )
    return results


def course_progress(*, user, courses: list[CoursePage]) -> dict[int, CourseProgress]:
    """One person's progress in these courses, by course id, enrolled or not (for pages that list what is left)."""
    enrollments = {}
    if user.is_authenticated and courses:
        enrollments = {e.course_id: e for e in Enrollment.objects.filter(user=user, course__in=courses)}
    return {p.course.pk: p for p in course_progress_many(user=user, courses=courses, enrollments=enrollments)}


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


def course_outline(*, course: CoursePage, user, enrollment=UNREAD) -> CourseOutline:
    """A course's modules, each with its lessons and its quiz in order, with this person's enrollment and progress.

    The course's shape comes from the cache; this person's state takes three or four queries. Pass the
    ``enrollment`` (or None) when the request has already read it.
    """
    shape = course_shapes([course])[course.pk]
    modules, lessons = shape.modules, shape.lessons
    done = _completed(user, lessons)
    entries = [LessonEntry(lesson, lesson.pk in done, done.get(lesson.pk)) for lesson in lessons]
    steps = _quiz_steps(user, modules, [course])
    module_entries = [
        ModuleEntry(
            module=module,
            lessons=[entry for entry in entries if entry.lesson.path.startswith(module.path)],
            quiz_step=steps.get(module.pk),
        )
        for module in modules
    ]
    return CourseOutline(
        course=course,
        enrollment=_enrollment(user, course) if enrollment is UNREAD else enrollment,
        hours=shape.hours,
        lessons=entries,
        quizzes=_course_quizzes(course, modules, steps),
        modules=module_entries,
    )


def lesson_course(lesson: LessonPage) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(lesson).first()


def lesson_enrollment(*, user, lesson: LessonPage) -> Enrollment | None:
    """The person's enrollment in the course the lesson belongs to, with the course, if they are enrolled (one query)."""
    if not user.is_authenticated:
        return None
    return (
        Enrollment.objects.filter(user=user, course__in=CoursePage.objects.ancestor_of(lesson))
        .select_related("course")
        .first()
    )


def lesson_access(*, lesson: LessonPage, user, enrollment=UNREAD) -> str:
    """Whether a person may open a lesson: "ok", "login" (anonymous) or "enroll" (not enrolled).

    People who can edit the lesson in the admin (trainers, administrators) may always read it, once
    they have passed two-factor authentication, as for every staff privilege. Pass the ``enrollment``
    (or None) when the request has already read it.
    """
    if not user.is_authenticated:
        return "login"
    if enrollment is UNREAD:
        enrollment = lesson_enrollment(user=user, lesson=lesson)
    if enrollment is not None:
        return "ok"
    if staff_verified(user) and lesson.permissions_for_user(user).can_edit():
        return "ok"
    return "enroll"


def lesson_view(*, lesson: LessonPage, user, enrollment=UNREAD) -> LessonView:
    """The lesson's place in its course (previous, next, position) and this person's state in it.

    Pass the ``enrollment`` (or None) when the request has already read it (``lesson_enrollment``).
    """
    if enrollment is UNREAD:
        enrollment = lesson_enrollment(user=user, lesson=lesson)
    course = enrollment.course if enrollment is not None else lesson_course(lesson)
    outline = course_outline(course=course, user=user, enrollment=enrollment)
    entries = outline.lessons
    index = next((i for i, entry in enumerate(entries) if entry.lesson.pk == lesson.pk), None)
    module_entry = next((m for m in outline.modules if lesson.path.startswith(m.module.path)), None)
    # After the module's last lesson comes its quiz, until it is passed.
    last_in_module = bool(module_entry and module_entry.lessons and module_entry.lessons[-1].lesson.pk == lesson.pk)
    step = module_entry.quiz_step if last_in_module else None
    quiz = step if step and not step.passed else None
    reflections = {}
    if user.is_authenticated:
        reflections = {str(r.block_id): r for r in Reflection.objects.filter(user=user, lesson=lesson)}
    return LessonView(
        lesson=lesson,
        progress=outline,
        completed=bool(index is not None and entries[index].completed),
        previous=entries[index - 1].lesson if index else None,
        next=entries[index + 1].lesson if index is not None and index + 1 < len(entries) else None,
        module=module_entry.module if module_entry else None,
        position=(index or 0) + 1,
        reflections=reflections,
        next_quiz=quiz,
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
