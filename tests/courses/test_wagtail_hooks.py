"""The lesson's gate: who may open a lesson, and the visit it records for "continue where you left off"."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from courses.models import Enrollment
from courses.progress import services
from tests.factories import TrainerFactory, course_lessons

pytestmark = pytest.mark.django_db


def test_opening_a_lesson_records_the_visit(learner_client, learner, course):
    enrollment, _ = services.enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[5]
    assert learner_client.get(lesson.url).status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id == lesson.pk and enrollment.last_activity_at is not None


def test_a_lesson_refused_by_its_view_restriction_records_no_visit(learner_client, learner, course):
    enrollment, _ = services.enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[5]
    restriction = PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.set([Group.objects.create(name="Another team")])
    assert learner_client.get(lesson.url).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id is None and enrollment.last_activity_at is None


def test_previewing_a_lesson_records_no_visit(client, course):
    trainer = TrainerFactory()
    enrollment, _ = services.enrollment_create(user=trainer, course=course)
    client.force_login(trainer)
    lesson = course_lessons(course)[2]
    response = client.get(f"/admin/pages/{lesson.pk}/view_draft/")
    assert response.status_code == 200 and lesson.title.encode() in response.content
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id is None


def test_an_editor_reading_a_lesson_without_enrolling_leaves_no_enrollment(client, course):
    trainer = TrainerFactory()
    client.force_login(trainer)
    assert client.get(course_lessons(course)[0].url).status_code == 200
    assert not Enrollment.objects.filter(user=trainer).exists()
