"""Enrollment, lesson access, completion, progress and "continue where you left off"."""

import pytest
from django.urls import reverse

from courses.models import Enrollment, LessonCompletion
from courses.progress import selectors, services
from tests.factories import LearnerFactory, TrainerFactory, add_lesson, course_lessons

pytestmark = pytest.mark.django_db


def test_enroll_from_the_course_page(learner_client, learner, course):
    response = learner_client.post(reverse("course-enroll", args=[course.pk]), follow=True)
    assert response.redirect_chain[-1][0] == course.url
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1
    assert b"You are enrolled" in response.content
    assert b'role="progressbar"' in response.content


def test_enrolling_twice_is_harmless(learner_client, learner, course):
    learner_client.post(reverse("course-enroll", args=[course.pk]))
    response = learner_client.post(reverse("course-enroll", args=[course.pk]), follow=True)
    assert Enrollment.objects.filter(user=learner, course=course).count() == 1
    assert b"already enrolled" in response.content


def test_enroll_needs_login_and_post(client, course):
    assert client.post(reverse("course-enroll", args=[course.pk])).url.startswith(reverse("login"))
    client.force_login(LearnerFactory())
    assert client.get(reverse("course-enroll", args=[course.pk])).status_code == 405


def test_anonymous_visitor_is_sent_to_log_in_from_a_lesson(client, course):
    lesson = course_lessons(course)[0]
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_learner_not_enrolled_is_sent_to_the_course_page(learner_client, course):
    lesson = course_lessons(course)[0]
    response = learner_client.get(lesson.url)
    assert response.status_code == 302 and response.url == course.url


def test_trainer_can_read_lessons_without_enrolling(client, course):
    client.force_login(TrainerFactory())
    assert client.get(course_lessons(course)[0].url).status_code == 200


def test_enrolled_learner_reads_a_lesson_with_previous_and_next(learner_client, learner, course):
    services.enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    response = learner_client.get(lessons[3].url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Lesson 4 of 9" in content
    assert f'href="{lessons[2].url}" rel="prev"' in content
    assert f'href="{lessons[4].url}" rel="next"' in content
    assert "Teaching text for lesson 4." in content


def test_next_crosses_into_the_next_module(learner, course):
    services.enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    view = selectors.lesson_view(lesson=lessons[2], user=learner)
    assert view.next == lessons[3]
    assert view.module.title == "Module 1"
    assert selectors.lesson_view(lesson=lessons[-1], user=learner).next is None
    assert selectors.lesson_view(lesson=lessons[0], user=learner).previous is None


def test_mark_complete_moves_progress(learner_client, learner, course):
    services.enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[0]
    response = learner_client.post(reverse("lesson-complete", args=[lesson.pk]), follow=True)
    assert b'aria-valuenow="11"' in response.content
    assert b"You have completed this lesson" in response.content
    outline = selectors.course_outline(course=course, user=learner)
    assert (outline.completed, outline.total, outline.percent) == (1, 9, 11)


def test_marking_complete_twice_keeps_one_completion(learner, course):
    services.enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[0]
    first, created = services.lesson_complete(user=learner, lesson=lesson)
    again, created_again = services.lesson_complete(user=learner, lesson=lesson)
    assert created and not created_again and first.pk == again.pk
    assert LessonCompletion.objects.filter(user=learner).count() == 1


def test_mark_as_not_complete(learner_client, learner, course):
    services.enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[0]
    services.lesson_complete(user=learner, lesson=lesson)
    learner_client.post(reverse("lesson-uncomplete", args=[lesson.pk]))
    assert not LessonCompletion.objects.filter(user=learner).exists()


def test_completing_without_enrollment_is_refused(learner_client, learner, course):
    lesson = course_lessons(course)[0]
    response = learner_client.post(reverse("lesson-complete", args=[lesson.pk]), follow=True)
    assert not LessonCompletion.objects.exists()
    assert b"Enroll in this course before marking lessons complete" in response.content


def test_full_course_reaches_100_percent(learner, course):
    services.enrollment_create(user=learner, course=course)
    for lesson in course_lessons(course):
        services.lesson_complete(user=learner, lesson=lesson)
    outline = selectors.course_outline(course=course, user=learner)
    assert outline.percent == 100 and outline.is_complete


def test_continue_goes_to_the_last_opened_unfinished_lesson(learner_client, learner, course):
    services.enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    learner_client.get(lessons[4].url)
    response = learner_client.get(reverse("course-continue", args=[course.pk]))
    assert response.url == lessons[4].url


def test_continue_skips_ahead_when_the_last_lesson_is_finished(learner_client, learner, course):
    services.enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    services.lesson_complete(user=learner, lesson=lessons[0])
    services.lesson_complete(user=learner, lesson=lessons[1])
    assert learner_client.get(reverse("course-continue", args=[course.pk])).url == lessons[2].url


def test_home_page_offers_continue_where_you_left_off(learner_client, learner, course, home):
    services.enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    learner_client.get(lessons[2].url)
    content = learner_client.get(home.url).content.decode()
    assert "Continue where you left off" in content
    assert f'href="{lessons[2].url}"' in content


def test_my_learning_lists_enrolled_courses_with_progress(learner_client, learner, course, catalog):
    from tests.factories import build_course

    other = build_course(catalog, title="Not enrolled course")
    services.enrollment_create(user=learner, course=course)
    services.lesson_complete(user=learner, lesson=course_lessons(course)[0])
    content = learner_client.get(reverse("my-learning")).content.decode()
    assert course.title in content and "1 of 9 lessons complete" in content
    assert other.title not in content


def test_my_learning_requires_login(client):
    assert client.get(reverse("my-learning")).url.startswith(reverse("login"))


class TestDraftsAndPrivatePages:
    def test_draft_lesson_is_hidden_and_not_counted(self, learner_client, learner, course):
        services.enrollment_create(user=learner, course=course)
        module = course.get_children().first().specific
        draft = add_lesson(module, title="Unpublished lesson", live=False)
        outline = selectors.course_outline(course=course, user=learner)
        assert outline.total == 9
        assert b"Unpublished lesson" not in learner_client.get(course.url).content
        assert learner_client.get(draft.url or f"{module.url}{draft.slug}/").status_code == 404

    def test_unpublished_course_is_hidden_from_catalog_and_not_open_for_enrollment(
        self, learner_client, course, catalog
    ):
        course.unpublish()
        assert course.title.encode() not in learner_client.get(catalog.url).content
        assert learner_client.post(reverse("course-enroll", args=[course.pk])).status_code == 404

    def test_private_lesson_is_hidden_from_the_outline(self, learner, course):
        from wagtail.models import PageViewRestriction

        services.enrollment_create(user=learner, course=course)
        lesson = course_lessons(course)[0]
        PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.LOGIN)
        outline = selectors.course_outline(course=course, user=learner)
        assert lesson not in [entry.lesson for entry in outline.lessons]
        assert outline.total == 8

    def test_draft_module_hides_its_lessons_everywhere(self, learner, course, catalog):
        services.enrollment_create(user=learner, course=course)
        module = course.get_children().first()
        module.specific.unpublish()
        outline = selectors.course_outline(course=course, user=learner)
        assert len(outline.modules) == 2 and outline.total == 6
        [mine] = selectors.learner_courses(user=learner)
        [listed] = selectors.catalog_courses(catalog=catalog, user=learner)
        assert mine.total == listed.total == 6


def test_trainer_previews_a_module_page(client, course):
    client.force_login(TrainerFactory())
    module = course.get_children().first()
    response = client.get(f"/admin/pages/{module.pk}/view_draft/")
    assert response.status_code == 200
    assert b"Lesson 1" in response.content and b"Lesson 3" in response.content


def test_module_page_redirects_to_its_place_on_the_course_page(client, course):
    module = course.get_children().first()
    response = client.get(module.url)
    assert response.status_code == 302
    assert response.url == f"{course.url}#module-{module.pk}"
