from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..catalogue.models import CourseCatalogPage, CoursePage, LessonPage
from . import selectors, services
from .hooks import my_learning_panels


def _live_lesson(lesson_id: int) -> LessonPage:
    return get_object_or_404(LessonPage.objects.live().public(), pk=lesson_id)


def _way_on(lesson: LessonPage) -> str:
    """Back to the lesson's footer (its progress and the Next link), where the learner pressed the button."""
    return f"{lesson.url}#next"


def _to_course(lesson: LessonPage):
    return redirect(selectors.lesson_course(lesson).url)


@login_required
@require_POST
def enroll(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    _enrollment, created = services.enrollment_create(user=request.user, course=course)
    if created:
        messages.success(request, _("You are enrolled in %(course)s.") % {"course": course.title})
    else:
        messages.info(request, _("You were already enrolled in %(course)s.") % {"course": course.title})
    return redirect(course.url)


@login_required
@require_GET
def continue_course(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    outline = selectors.course_outline(course=course, user=request.user)
    if outline.enrollment is None or outline.resume_url is None:
        return redirect(course.url)
    return redirect(outline.resume_url)


@login_required
@require_POST
def complete_lesson(request, lesson_id: int):
    lesson = _live_lesson(lesson_id)
    try:
        services.lesson_complete(user=request.user, lesson=lesson)
    except services.NotEnrolled:
        messages.error(request, _("Enroll in this course before marking lessons complete."))
        return _to_course(lesson)
    messages.success(request, _("Lesson marked complete."))
    return redirect(_way_on(lesson))


@login_required
@require_POST
def uncomplete_lesson(request, lesson_id: int):
    lesson = _live_lesson(lesson_id)
    try:
        services.lesson_uncomplete(user=request.user, lesson=lesson)
    except services.NotEnrolled:
        return _to_course(lesson)
    messages.info(request, _("Lesson marked as not complete."))
    return redirect(_way_on(lesson))


@login_required
@require_POST
def save_reflection(request, lesson_id: int, block_id):
    lesson = _live_lesson(lesson_id)
    anchor = f"{lesson.url}#reflection-{block_id}"
    try:
        services.reflection_save(
            user=request.user, lesson=lesson, block_id=block_id, answer=request.POST.get("answer", "")
        )
    except services.NotEnrolled:
        messages.error(request, _("Enroll in this course before writing reflections."))
        return _to_course(lesson)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(anchor)
    messages.success(request, _("Your reflection is saved. Only you can see it."))
    return redirect(anchor)


@login_required
@require_GET
def my_learning(request):
    context = {
        "courses": selectors.learner_courses(user=request.user),
        "catalog": CourseCatalogPage.objects.live().first(),
        "panels": my_learning_panels(request),
    }
    return render(request, "courses/my_learning.html", context)


@login_required
@require_GET
def my_reflections(request):
    return render(
        request, "courses/my_reflections.html", {"reflections": selectors.learner_reflections(user=request.user)}
    )
