"""The course's shape is cached for everyone, and every change an editor publishes shows at once."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from courses.models import ModulePage
from courses.progress import services
from tests.factories import add_lesson, build_course, course_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(learner_client, learner, catalog):
    course = build_course(catalog, modules=2, lessons_per_module=2)
    services.enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    # Every page has been read once, so the cache holds the course's shape before the editor acts.
    pages = [course.url, lessons[0].url, "/learn/"]
    for url in pages:
        assert learner_client.get(url).status_code == 200
    return course, lessons, pages


def pages_read(client, urls) -> list[str]:
    return [client.get(url).content.decode() for url in urls]


def test_a_renamed_lesson_shows_at_once(learner_client, enrolled):
    _course, lessons, pages = enrolled
    lessons[1].title = "Listening without fixing"
    lessons[1].save_revision().publish()
    course_page, lesson_page, _my_learning = pages_read(learner_client, pages)
    assert "Listening without fixing" in course_page
    assert "Listening without fixing" in lesson_page  # the Next link


def test_a_new_lesson_shows_at_once(learner_client, enrolled):
    course, _lessons, pages = enrolled
    add_lesson(ModulePage.objects.child_of(course).last(), title="A lesson added later")
    course_page, lesson_page, my_learning = pages_read(learner_client, pages)
    assert "A lesson added later" in course_page
    assert "Lesson 1 of 5" in lesson_page
    assert "5 lessons" in my_learning


def test_an_unpublished_lesson_disappears_at_once(learner_client, enrolled):
    _course, lessons, pages = enrolled
    lessons[1].unpublish()
    course_page, lesson_page, my_learning = pages_read(learner_client, pages)
    assert lessons[1].title not in course_page
    assert "Lesson 1 of 3" in lesson_page
    assert "3 lessons" in my_learning


def test_a_moved_lesson_shows_in_its_new_place_at_once(learner_client, enrolled):
    course, lessons, pages = enrolled
    # The last lesson moves to the front of the first module.
    lessons[3].move(ModulePage.objects.child_of(course).first(), pos="first-child")
    course_page, lesson_page, _my_learning = pages_read(learner_client, pages)
    assert course_page.index(lessons[3].title) < course_page.index(lessons[0].title)
    assert "Lesson 2 of 4" in lesson_page


def test_a_view_restriction_hides_the_lesson_at_once(learner_client, enrolled):
    _course, lessons, pages = enrolled
    restriction = PageViewRestriction.objects.create(page=lessons[1], restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.get(name="Trainers"))
    course_page, lesson_page, _my_learning = pages_read(learner_client, pages)
    assert lessons[1].title not in course_page
    assert "Lesson 1 of 3" in lesson_page


def test_a_deleted_lesson_disappears_at_once(learner_client, enrolled):
    _course, lessons, pages = enrolled
    lessons[1].delete()
    course_page, _lesson_page, my_learning = pages_read(learner_client, pages)
    assert lessons[1].title not in course_page
    assert "3 lessons" in my_learning


def test_course_hours_change_with_the_published_course(learner_client, enrolled):
    from courses.models import CourseHours
    from tests.factories import ce_category

    course, _lessons, pages = enrolled
    course.ce_hours.add(CourseHours(category=ce_category("Ethics"), hours="1.5"))
    course.save_revision().publish()
    assert "Ethics 1.5" in learner_client.get(course.url).content.decode()


def test_the_catalog_link_follows_the_catalog(learner_client, enrolled, catalog):
    catalog.slug = "training"
    catalog.save_revision().publish()
    assert 'href="/training/"' in learner_client.get("/learn/").content.decode()
