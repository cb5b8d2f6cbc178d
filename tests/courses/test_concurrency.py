"""Races a real site meets: a double-clicked "Enroll" or "Mark complete" records one row.

These need PostgreSQL's real concurrent transactions; SQLite serialises writers, so they skip there.
"""

import threading

import pytest
from django.db import connection, connections

from courses import services
from courses.models import Enrollment, LessonCompletion
from tests.factories import LearnerFactory, course_lessons

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (set DATABASE_URL); SQLite serialises all writers")


def race(action, threads=8):
    """Run ``action`` in several threads released at the same moment; return their results and errors."""
    barrier = threading.Barrier(threads)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:  # noqa: BLE001 - collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    return results, errors


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
