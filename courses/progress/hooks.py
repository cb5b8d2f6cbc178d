"""Extension points for My learning, used by apps above courses through Wagtail hooks.

A function registered with ``register_my_learning_panel`` takes the request and returns HTML
(or ``None``); My learning shows the panels above the course list, in registration order.
This module also answers the hook assessments defines for its result page (the next module).
"""

from __future__ import annotations

from wagtail import hooks

from assessments.attempts.next_steps import NextStep

from ..catalogue.models import CoursePage, LessonPage, ModulePage
from .completion import under_paths
from .models import Enrollment

MY_LEARNING_PANEL_HOOK = "register_my_learning_panel"


def my_learning_panels(request) -> list[str]:
    """Render the panels other apps add to My learning for this request."""
    return [html for fn in hooks.get_hooks(MY_LEARNING_PANEL_HOOK) if (html := fn(request))]


def quiz_result_next_step(request, attempt) -> NextStep | None:
    """For ``register_quiz_result_next_step``: where the learner goes after a module's quiz.

    Passed: the first lesson of the next module, or back to the course after its last module.
    Not passed: back to the module's lessons. The module is the one holding this quiz in a course
    the learner is enrolled in (else the first one holding it); a quiz in no module offers nothing.
    """
    modules = list(ModulePage.objects.live().public().filter(quiz_id=attempt.quiz_id).order_by("path"))
    if not modules:
        return None
    enrolled = set(Enrollment.objects.filter(user_id=attempt.user_id).values_list("course__path", flat=True))
    module = next((m for m in modules if m.path[: -ModulePage.steplen] in enrolled), modules[0])
    course = CoursePage.objects.live().filter(path=module.path[: -ModulePage.steplen]).first()
    if course is None:
        return None
    course_url = course.get_url(request)
    if not attempt.passed:
        return NextStep(
            f"Go back over the lessons of {module.title} before you try again.",
            "Back to the module",
            f"{course_url}#module-{module.pk}",
            order=50,
        )
    # A draft module hides its lessons, as on the course page.
    later_modules = list(ModulePage.objects.live().public().child_of(course).filter(path__gt=module.path))
    lesson = None
    if later_modules:
        lesson = (
            LessonPage.objects.live().public().filter(under_paths([m.path for m in later_modules])).order_by("path")
        ).first()
    if lesson is None:
        return NextStep(f"That was the last module of {course.title}.", "Back to the course", course_url, order=50)
    next_module = next(m for m in later_modules if lesson.path.startswith(m.path))
    return NextStep(
        f"Next module: {next_module.title}.", f"Start with {lesson.title}", lesson.get_url(request), order=50
    )
