"""Course completion: the one definition, counted by the database for many people and courses at once.

A course's steps are its visible lessons (live, public, in a live, public module) and its visible
modules' live quizzes. A course is complete when it has at least one step and every step is done:
every visible lesson marked complete and every module quiz passed. So a course whose lessons are all
withdrawn completes when its quizzes are passed, and a course with nothing published (no lessons,
no quizzes) cannot be completed: a program that requires it issues nothing until the course has
something to do (docs/decisions.md). Issuance, the status report, due dates, reminders and every
learner page (``course_complete``) read it from here.

A lesson first published after someone completed the course does not take their completion away:
completion is judged against the lessons that existed when they completed it (``lessons_owed``), and
the new lesson is theirs to review (``standing.CourseProgress.new_lesson_ids``). See docs/decisions.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Q
from django.db.models.functions import Substr

from assessments.attempts.selectors import first_passes

from ..catalogue.models import CoursePage, LessonPage, ModulePage
from .models import Enrollment, LessonCompletion


def under_paths(paths: list[str]) -> Q:
    """A filter for the pages below any of these tree paths."""
    scope = Q()
    for path in paths:
        scope |= Q(path__startswith=path)
    return scope


def course_complete(
    *, lessons: int, lessons_done: int, quizzes: int, quizzes_passed: int, lessons_owed: int | None = None
) -> bool:
    """The rule: at least one step (a lesson or a module quiz), every quiz passed, and every lesson done, or
    every lesson owed (``lessons_owed``: those first published by the time the rest was done)."""
    if lessons + quizzes == 0 or quizzes_passed < quizzes:
        return False
    return lessons_done >= lessons or (lessons_owed is not None and lessons_done >= lessons_owed)


def lessons_owed(first_published: list[datetime | None], finished_at: datetime | None) -> int | None:
    """Of lessons first published at these moments, how many someone who finished the rest at ``finished_at``
    owes: those published by then. Lessons published later are new to them, not owed. None before finishing."""
    if finished_at is None:
        return None
    return sum(1 for published in first_published if published is None or published <= finished_at)


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
    first_published: dict[int, datetime | None] = field(default_factory=dict)  # lesson id -> first published

    def lessons_owed(self, course_id: int, finished_at: datetime | None) -> int | None:
        """How many of the course's lessons someone who finished everything else at ``finished_at`` owes."""
        return lessons_owed([self.first_published.get(pk) for pk in self.lessons.get(course_id, ())], finished_at)

    def lesson_count(self, course_id: int) -> int:
        return len(self.lessons.get(course_id, ()))

    def quiz_count(self, course_id: int) -> int:
        return len(self.quizzes.get(course_id, ()))


def course_structure(courses: list[CoursePage]) -> CourseStructure:
    """The visible lessons (live, public, in a live, public module) and live module quizzes of each course (2 queries)."""
    if not courses:
        return CourseStructure({}, {})
    modules = list(
        ModulePage.objects.live().public().filter(under_paths([c.path for c in courses])).select_related("quiz")
    )
    # Only ids and paths: the lessons' bodies are not needed to know whether they are done.
    lessons = list(
        LessonPage.objects.live()
        .public()
        .filter(under_paths([m.path for m in modules]))
        .only("pk", "path", "first_published_at")
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
    return CourseStructure(dict(by_course), dict(quizzes), {lesson.pk: lesson.first_published_at for lesson in lessons})


def course_tallies(
    *, people, courses: list[CoursePage], structure: CourseStructure | None = None
) -> dict[tuple[int, int], CourseTally]:
    """Each person's tally in each course, keyed by (person id, course id): the one definition of course completion.

    A course is complete as ``course_complete`` says: every module quiz passed and every visible lesson
    marked complete, or only lessons first published after that moment left; it completed at the latest
    of those moments. A course with nothing published (no visible lessons, no live module quizzes) is
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
        finished_at = max([last, *passed]) if last else None
        complete = course_complete(
            lessons=lessons,
            lessons_done=done,
            quizzes=quizzes,
            quizzes_passed=len(passed),
            lessons_owed=structure.lessons_owed(course_id, finished_at),
        )
        tallies[(person_id, course_id)] = CourseTally(
            lessons_done=done,
            lessons=lessons,
            quizzes_passed=len(passed),
            quizzes=quizzes,
            completed_at=max(moment for moment in [last, *passed] if moment) if complete else None,
        )
    return tallies


def course_completions(*, user, courses: list[CoursePage]) -> dict[int, datetime | None]:
    """When a person completed each course, or None if not yet (see ``course_tallies`` for what complete means)."""
    if not courses or not user.is_authenticated:
        return {course.pk: None for course in courses}
    tallies = course_tallies(people=[user.pk], courses=courses)
    return {course.pk: tallies[(user.pk, course.pk)].completed_at for course in courses}


def course_reach(*, course: CoursePage) -> tuple[int, int]:
    """How many people are enrolled in the course, and how many of them have completed it: whom a new
    lesson would reach, told to the editor before it is published."""
    people = list(Enrollment.objects.filter(course=course).values_list("user_id", flat=True))
    if not people:
        return 0, 0
    tallies = course_tallies(people=people, courses=[course])
    return len(people), sum(1 for tally in tallies.values() if tally.completed_at is not None)
