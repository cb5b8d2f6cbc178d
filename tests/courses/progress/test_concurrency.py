"""Races a real site meets: a double-clicked "Enroll" or "Mark complete" records one row.

These need PostgreSQL's real concurrent transactions; SQLite serialises writers, so they skip there.
"""

import pytest

from courses.models import Enrollment, LessonCompletion
from courses.progress import services
from tests.concurrency import needs_postgres, race  # noqa: F401 - needs_postgres is an autouse fixture
from tests.factories import LearnerFactory, course_lessons

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_simultaneous_enrollments_create_one(course):
    learner = LearnerFactory()
    results, errors = race(lambda: services.enrollment_create(user=learner, course=course))
    assert errors == []
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1
    assert sum(created for _, created in results) == 1


def test_simultaneous_completions_create_one(course):
    learner = LearnerFactory()
    services.enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[0]
    results, errors = race(lambda: services.lesson_complete(user=learner, lesson=lesson))
    assert errors == []
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).count() == 1
    assert sum(created for _, created in results) == 1
