"""Writes for the learner journey. Views, the API and commands all call these."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..catalogue.models import CoursePage, LessonPage
from .models import Enrollment, LessonCompletion, Reflection
from .selectors import lesson_enrollment, lesson_reflection_prompt
from .signals import lesson_completed


class NotEnrolled(Exception):
    """The person tried to record progress in a course they are not enrolled in."""


def enrollment_create(*, user, course: CoursePage) -> tuple[Enrollment, bool]:
    """Enroll a person in a live course. Enrolling again returns the existing enrollment.

    Returns the enrollment and whether it was created now. Safe when two requests race:
    the unique constraint keeps one row.
    """
    if not course.live:
        raise ValidationError({"course": "This course is not open for enrollment."})
    return Enrollment.objects.get_or_create(user=user, course=course)


def _enrollment_for_lesson(*, user, lesson: LessonPage) -> Enrollment:
    enrollment = lesson_enrollment(user=user, lesson=lesson)
    if enrollment is None:
        raise NotEnrolled(f"{user} is not enrolled in the course of lesson {lesson.pk}.")
    return enrollment


# Opening the same lesson again within this time writes nothing (docs/decisions.md: "Last visited").
VISIT_REFRESH = timedelta(minutes=5)


def lesson_visit(*, user, lesson: LessonPage, enrollment: Enrollment | None = None) -> None:
    """Remember the lesson a person last opened, for "continue where you left off" and "last active".

    Only an enrolled person's visit is remembered; for anyone else (an editor reading the lesson) nothing
    changes. Pass the ``enrollment`` when the request has read it. A visit is written only when it is
    news: another lesson, or the same one after ``VISIT_REFRESH``, so reading a lesson costs no write.
    """
    if enrollment is None:
        enrollment = lesson_enrollment(user=user, lesson=lesson)
        if enrollment is None:
            return
    now = timezone.now()
    last = enrollment.last_activity_at
    if enrollment.last_lesson_id == lesson.pk and last is not None and now - last < VISIT_REFRESH:
        return
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=now)
    enrollment.last_lesson_id, enrollment.last_activity_at = lesson.pk, now


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> tuple[LessonCompletion, bool]:
    """Mark a lesson complete for an enrolled person. Marking it twice keeps the first date."""
    enrollment = _enrollment_for_lesson(user=user, lesson=lesson)
    completion, created = LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    lesson_visit(user=user, lesson=lesson, enrollment=enrollment)
    if created:
        lesson_completed.send(sender=LessonCompletion, user=user, lesson=lesson)
    return completion, created


@transaction.atomic
def lesson_uncomplete(*, user, lesson: LessonPage) -> None:
    """Undo "mark complete", e.g. when a learner wants to come back to a lesson."""
    _enrollment_for_lesson(user=user, lesson=lesson)
    LessonCompletion.objects.filter(user=user, lesson=lesson).delete()


@transaction.atomic
def reflection_save(*, user, lesson: LessonPage, block_id: str, answer: str) -> Reflection:
    """Save a person's private answer to a reflection prompt, replacing their earlier answer."""
    try:
        block_uuid = uuid.UUID(str(block_id))
    except ValueError as error:
        raise ValidationError({"block_id": "This lesson has no such reflection prompt."}) from error
    prompt = lesson_reflection_prompt(lesson=lesson, block_id=str(block_uuid))
    if prompt is None:
        raise ValidationError({"block_id": "This lesson has no such reflection prompt."})
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": "Write your reflection before saving it."})
    if len(answer) > 10_000:
        raise ValidationError({"answer": "Keep your reflection under 10,000 characters."})
    _enrollment_for_lesson(user=user, lesson=lesson)
    reflection, _ = Reflection.objects.update_or_create(
        user=user, lesson=lesson, block_id=block_uuid, defaults={"prompt": prompt, "answer": answer}
    )
    return reflection
