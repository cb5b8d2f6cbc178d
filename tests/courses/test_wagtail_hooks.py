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


def test_the_lesson_editor_says_whom_a_new_lesson_reaches_before_it_is_published(client, small_course_with_learners):
    from courses.catalogue.models import ModulePage
    from tests.factories import add_lesson

    course = small_course_with_learners
    module = ModulePage.objects.child_of(course).first()
    client.force_login(TrainerFactory())
    notice = (
        f"Publishing this new lesson adds it to “{course.title}”, where 3 learners are enrolled. "
        "The 2 still working through the course will need it to complete the course. "
        "The 1 who has completed the course keeps their completion and any certificate, and will see the "
        "lesson marked New, to review if they like."
    )
    assert notice in client.get(f"/admin/pages/add/courses/lessonpage/{module.pk}/").content.decode()
    draft = add_lesson(module, title="Talking about fentanyl test strips", live=False)
    assert notice in client.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    published = course_lessons(course)[0]
    assert "Publishing this new lesson" not in client.get(f"/admin/pages/{published.pk}/edit/").content.decode()


@pytest.fixture
def small_course_with_learners(catalog):
    from tests.factories import LearnerFactory, build_course, complete_course

    course = build_course(catalog, modules=1, lessons_per_module=2)
    complete_course(LearnerFactory(), course)
    services.enrollment_create(user=LearnerFactory(), course=course)
    partial = LearnerFactory()
    services.enrollment_create(user=partial, course=course)
    services.lesson_complete(user=partial, lesson=course_lessons(course)[0])
    return course


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].split()[0] in {"UPDATE", "INSERT", "DELETE"}]


def test_reading_the_same_lesson_again_writes_nothing(learner_client, learner, course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[2]
    learner_client.get(lesson.url)
    with CaptureQueriesContext(connection) as queries:
        assert learner_client.get(lesson.url).status_code == 200
    assert writes(queries) == []


def test_another_lesson_is_recorded_at_once(learner_client, learner, course):
    enrollment, _ = services.enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    learner_client.get(lessons[2].url)
    learner_client.get(lessons[3].url)
    enrollment.refresh_from_db()
    assert enrollment.last_lesson_id == lessons[3].pk


def test_the_same_lesson_is_recorded_again_after_the_refresh_time(learner_client, learner, course):
    from django.utils import timezone

    enrollment, _ = services.enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[2]
    learner_client.get(lesson.url)
    earlier = timezone.now() - services.VISIT_REFRESH - timezone.timedelta(seconds=1)
    Enrollment.objects.filter(pk=enrollment.pk).update(last_activity_at=earlier)
    learner_client.get(lesson.url)
    enrollment.refresh_from_db()
    assert enrollment.last_activity_at > earlier + services.VISIT_REFRESH
