"""Lesson and course pages run the same number of queries whatever the course size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.progress import services
from tests.factories import build_course, course_lessons

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    client.get(url)  # warm caches (site root, content types) as a running site would have them
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def enrolled_course(catalog, learner, lessons_per_module):
    course = build_course(catalog, modules=3, lessons_per_module=lessons_per_module)
    services.enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    for lesson in lessons[: len(lessons) // 2]:
        services.lesson_complete(user=learner, lesson=lesson)
    return course, lessons


def test_course_page_queries_do_not_grow_with_lessons(learner_client, learner, catalog):
    small, _ = enrolled_course(catalog, learner, lessons_per_module=1)
    large, _ = enrolled_course(catalog, learner, lessons_per_module=10)
    small_count = count_queries(learner_client, small.url)
    assert count_queries(learner_client, large.url) == small_count
    # Routing (the page and its specific row: the site and view restrictions come from the cache),
    # session and user, then the learner's completions and enrollment (quiz statuses add two once a
    # module has a quiz); the course's shape, CE hours and the catalog link come from the cache, the
    # Admin link costs none.
    assert small_count <= 7


def test_lesson_page_queries_do_not_grow_with_lessons(learner_client, learner, catalog):
    _, small_lessons = enrolled_course(catalog, learner, lessons_per_module=1)
    _, large_lessons = enrolled_course(catalog, learner, lessons_per_module=10)
    small_count = count_queries(learner_client, small_lessons[1].url)
    assert count_queries(learner_client, large_lessons[15].url) == small_count
    # Routing (2 at any depth), session, user, the enrollment (read once, with its course), completions
    # and reflections; no write on a repeated visit, the outline's shape and the lesson body from the
    # cache. The ceiling set for this page is 12.
    assert small_count <= 7


def test_my_learning_queries_do_not_grow_with_courses(learner_client, learner, catalog):
    enrolled_course(catalog, learner, lessons_per_module=1)
    one = count_queries(learner_client, "/learn/")
    for _ in range(3):
        enrolled_course(catalog, learner, lessons_per_module=10)
    assert count_queries(learner_client, "/learn/") == one
    # Session, user, enrollments, completions, the due-dates panel and the site: no permission query.
    assert one <= 6


def test_pages_listing_module_quizzes_do_not_grow_with_quizzes(learner_client, learner, catalog, home):
    """The quizzes are steps of the course on every page; their statuses are read in two queries in all."""
    from courses.models import ModulePage
    from tests.factories import build_quiz

    def quiz_every_module(course):
        for module in ModulePage.objects.child_of(course):
            module.quiz = build_quiz(title=f"Quiz {module.pk}")
            module.save_revision().publish()

    course, lessons = enrolled_course(catalog, learner, lessons_per_module=1)
    module = ModulePage.objects.child_of(course).first()
    module.quiz = build_quiz()
    module.save_revision().publish()
    urls = ["/learn/", home.url, course.url, lessons[0].url, "/certificates/"]
    one = {url: count_queries(learner_client, url) for url in urls}
    quiz_every_module(course)
    for _ in range(2):
        other, _lessons = enrolled_course(catalog, learner, lessons_per_module=2)
        quiz_every_module(other)
    assert {url: count_queries(learner_client, url) for url in urls} == one
