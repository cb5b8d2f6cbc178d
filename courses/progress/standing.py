"""Where one person stands in a course: the lessons, module quizzes and lesson pages as the learner's pages
read them. Built by ``selectors``; "complete" is ``completion.course_complete``, the rule issuance and
the reports use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from assessments.attempts.selectors import QuizStatus

from ..catalogue.hours import instruction_minutes
from ..catalogue.models import CoursePage, LessonPage, ModulePage
from .completion import course_complete, lessons_owed
from .models import Enrollment, Reflection


@dataclass
class LessonEntry:
    lesson: LessonPage
    completed: bool = False
    completed_at: datetime | None = None


QUIZ_STATE_LABELS = {"passed": _("passed"), "not_passed": _("not passed yet"), "not_started": _("not started")}


@dataclass
class QuizStep:
    """A module's quiz as a step of its course: where this person stands with it."""

    module: ModulePage
    status: QuizStatus
    course_url: str = ""

    @property
    def quiz(self):
        return self.status.quiz

    @property
    def passed(self) -> bool:
        return self.status.passed

    @property
    def state(self) -> str:
        """ "passed", "not_passed" (tried, or an attempt open) or "not_started"."""
        if self.status.passed:
            return "passed"
        return "not_passed" if self.status.attempts else "not_started"

    @property
    def state_label(self) -> str:
        return QUIZ_STATE_LABELS[self.state]

    @property
    def url(self) -> str:
        """The quiz's start page, which leads back to the course."""
        url = reverse("quiz-detail", args=[self.quiz.pk])
        return f"{url}?{urlencode({'next': self.course_url})}" if self.course_url else url


@dataclass
class ModuleEntry:
    module: ModulePage
    lessons: list[LessonEntry] = field(default_factory=list)
    quiz_step: QuizStep | None = None

    @property
    def quiz(self) -> QuizStatus | None:
        return self.quiz_step.status if self.quiz_step else None

    @property
    def minutes(self) -> int:
        """The module's lessons and one attempt at its quiz."""
        quizzes = [self.quiz_step.quiz] if self.quiz_step else []
        return instruction_minutes([entry.lesson.estimated_minutes for entry in self.lessons], quizzes)

    @property
    def completed_count(self) -> int:
        return sum(entry.completed for entry in self.lessons)


@dataclass
class CourseProgress:
    """Where one person stands in one course: its lessons and its modules' quizzes, the steps of the course.

    Complete means what ``completion.course_complete`` says, the rule issuance and the reports use.
    """

    course: CoursePage
    enrollment: Enrollment | None
    lessons: list[LessonEntry]
    quizzes: list[QuizStep] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def completed(self) -> int:
        return sum(entry.completed for entry in self.lessons)

    @property
    def lessons_left(self) -> int:
        return self.total - self.completed

    @property
    def quizzes_passed(self) -> int:
        return sum(step.passed for step in self.quizzes)

    @property
    def quizzes_left(self) -> list[QuizStep]:
        return [step for step in self.quizzes if not step.passed]

    @property
    def steps(self) -> int:
        return self.total + len(self.quizzes)

    @property
    def steps_done(self) -> int:
        return self.completed + self.quizzes_passed

    @property
    def percent(self) -> int:
        return round(100 * self.steps_done / self.steps) if self.steps else 0

    @property
    def minutes(self) -> int:
        """The course's instruction time: its lessons and one attempt at each module quiz."""
        lesson_minutes = [entry.lesson.estimated_minutes for entry in self.lessons]
        return instruction_minutes(lesson_minutes, [step.quiz for step in self.quizzes])

    @property
    def finished_at(self) -> datetime | None:
        """When the last lesson was marked complete or a quiz first passed, as ``course_tallies`` counts it."""
        moments = [entry.completed_at for entry in self.lessons if entry.completed and entry.completed_at]
        if not moments:
            return None
        for step in self.quizzes:
            passes = [a.submitted_at for a in step.status.attempts if a.passed and a.submitted_at]
            if passes:
                moments.append(min(passes))
        return max(moments)

    @cached_property
    def new_lesson_ids(self) -> set[int]:
        """Lessons first published after this person completed the course: new to them, for review."""
        finished_at = self.finished_at
        if finished_at is None or not self.is_complete:
            return set()
        return {
            entry.lesson.pk
            for entry in self.lessons
            if entry.lesson.first_published_at and entry.lesson.first_published_at > finished_at
        }

    @property
    def is_complete(self) -> bool:
        return course_complete(
            lessons=self.total,
            lessons_done=self.completed,
            quizzes=len(self.quizzes),
            quizzes_passed=self.quizzes_passed,
            lessons_owed=lessons_owed([entry.lesson.first_published_at for entry in self.lessons], self.finished_at),
        )

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

    @property
    def next_quiz(self) -> QuizStep | None:
        """Once every lesson is read, the first module quiz not passed yet."""
        if self.lessons_left:
            return None
        return next(iter(self.quizzes_left), None)

    @property
    def resume_url(self) -> str | None:
        """Where "Continue" leads: the next unfinished lesson, else the first quiz not passed, else the first lesson."""
        if self.next_quiz:
            return self.next_quiz.url
        return self.resume_lesson.url if self.resume_lesson else None

    @property
    def resume_title(self) -> str:
        if self.next_quiz:
            return _("Quiz: %(title)s") % {"title": self.next_quiz.quiz.title}
        return self.resume_lesson.title if self.resume_lesson else ""


@dataclass
class CourseOutline(CourseProgress):
    modules: list[ModuleEntry] = field(default_factory=list)
    hours: list[tuple[str, Decimal]] = field(default_factory=list)  # CE hours: (category, hours)


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
    next_quiz: QuizStep | None = None  # the module's quiz, after its last lesson, until it is passed

    @property
    def course(self) -> CoursePage:
        return self.progress.course

    @property
    def enrollment(self) -> Enrollment | None:
        return self.progress.enrollment
