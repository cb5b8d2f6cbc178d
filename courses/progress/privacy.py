"""A person's learning records in their data export, and their deletion (see ``cms/privacy/personal_data.py``).

Exported: enrolments, completed lessons and private reflections. Deleted: all three. Progress
feeds no statistics, and reflections are private writing, so nothing here is kept.
"""

from __future__ import annotations

from cms.privacy.personal_data import Erasure, PersonalDataSection

from .models import Enrollment, LessonCompletion, Reflection

SECTION = "learning"


def export_learning(user) -> dict:
    enrollments = Enrollment.objects.filter(user=user).select_related("course", "last_lesson").order_by("enrolled_at")
    completions = LessonCompletion.objects.filter(user=user).select_related("lesson").order_by("completed_at")
    reflections = Reflection.objects.filter(user=user).select_related("lesson").order_by("created_at")
    return {
        "enrollments": [
            {
                "course": e.course.title,
                "enrolled_at": e.enrolled_at,
                "last_activity_at": e.last_activity_at,
                "last_lesson_opened": e.last_lesson.title if e.last_lesson else None,
            }
            for e in enrollments
        ],
        "completed_lessons": [{"lesson": c.lesson.title, "completed_at": c.completed_at} for c in completions],
        "reflections": [
            {
                "lesson": r.lesson.title,
                "prompt": r.prompt,
                "answer": r.answer,
                "written_at": r.created_at,
                "updated_at": r.updated_at,
            }
            for r in reflections
        ],
    }


def erase_learning(user, erasure: Erasure) -> None:
    erasure.count("reflections", Reflection.objects.filter(user=user).delete()[0])
    erasure.count("completed_lessons", LessonCompletion.objects.filter(user=user).delete()[0])
    erasure.count("enrollments", Enrollment.objects.filter(user=user).delete()[0])


def section() -> PersonalDataSection:
    return PersonalDataSection(SECTION, export=export_learning, erase=erase_learning, order=20)
