"""Writes for the learner journey. Views, the API and commands all call these."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page

from cms.people.roles import TRAINERS

from .models import CourseCatalogPage, CoursePage, Enrollment, LessonCompletion, LessonPage, Reflection
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
    enrollment = Enrollment.objects.filter(user=user, course__in=CoursePage.objects.ancestor_of(lesson)).first()
    if enrollment is None:
        raise NotEnrolled(f"{user} is not enrolled in the course of lesson {lesson.pk}.")
    return enrollment


def lesson_visit(*, enrollment: Enrollment, lesson: LessonPage) -> None:
    """Remember the lesson a person last opened, for "continue where you left off"."""
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(last_lesson=lesson, last_activity_at=now)
    enrollment.last_lesson = lesson
    enrollment.last_activity_at = now


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> tuple[LessonCompletion, bool]:
    """Mark a lesson complete for an enrolled person. Marking it twice keeps the first date."""
    enrollment = _enrollment_for_lesson(user=user, lesson=lesson)
    completion, created = LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    lesson_visit(enrollment=enrollment, lesson=lesson)
    if created:
        lesson_completed.send(sender=LessonCompletion, user=user, lesson=lesson)
    return completion, created


@transaction.atomic
def lesson_uncomplete(*, user, lesson: LessonPage) -> None:
    """Undo "mark complete", e.g. when a learner wants to come back to a lesson."""
    _enrollment_for_lesson(user=user, lesson=lesson)
    LessonCompletion.objects.filter(user=user, lesson=lesson).delete()


def _reflection_prompt(lesson: LessonPage, block_id: str) -> str:
    for child in lesson.body:
        if child.block_type == "reflection" and child.id == block_id:
            return child.value["prompt"]
    raise ValidationError({"block_id": "This lesson has no such reflection prompt."})


@transaction.atomic
def reflection_save(*, user, lesson: LessonPage, block_id: str, answer: str) -> Reflection:
    """Save a person's private answer to a reflection prompt, replacing their earlier answer."""
    try:
        block_uuid = uuid.UUID(str(block_id))
    except ValueError as error:
        raise ValidationError({"block_id": "This lesson has no such reflection prompt."}) from error
    prompt = _reflection_prompt(lesson, str(block_uuid))
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


TRAINER_PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")


@transaction.atomic
def catalog_ensure(*, home: Page, title: str = "Courses") -> CourseCatalogPage:
    """Create the course catalog under the home page if missing, and let Trainers edit beneath it.

    Idempotent: safe to call on every deploy.
    """
    catalog = CourseCatalogPage.objects.child_of(home).first()
    if catalog is None:
        catalog = home.add_child(
            instance=CourseCatalogPage(
                title=title,
                slug="courses",
                intro="<p>Short, practical courses for peer support specialists. Read them on your phone, "
                "between shifts, at your own pace.</p>",
            )
        )
        catalog.save_revision().publish()
    trainers = Group.objects.get(name=TRAINERS)
    for permission_type in TRAINER_PAGE_PERMISSIONS:
        if not GroupPagePermission.objects.filter(
            group=trainers, page=catalog, permission__codename=f"{permission_type}_page"
        ).exists():
            GroupPagePermission.objects.create(group=trainers, page=catalog, permission_type=permission_type)
    return catalog
