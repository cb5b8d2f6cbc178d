"""Lessons whose review date has come are listed for trainers and administrators, and counted on a trainer's home."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms.dates import site_date
from cms.people.access import second_factor_proved
from courses.catalogue import review
from courses.wagtail_hooks import lessons_due_menu_item
from tests.factories import AdminFactory, LearnerFactory, SupervisorFactory, TrainerFactory, course_lessons

pytestmark = pytest.mark.django_db

URL = "/admin/reports/lessons-due-for-review/"


def set_review(lesson, days_from_today):
    lesson.review_by = (
        timezone.localdate() + datetime.timedelta(days=days_from_today) if days_from_today is not None else None
    )
    lesson.save_revision().publish()
    return lesson


@pytest.fixture
def lessons(course):
    """Lesson 1 overdue, lesson 2 due today, lesson 3 due next month, the rest without a review date."""
    lessons = course_lessons(course)
    set_review(lessons[0], -40)
    set_review(lessons[1], 0)
    set_review(lessons[2], 30)
    return lessons


def report_rows(client):
    response = client.get(URL)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in soup.select('[data-testid="lessons-due"] tbody tr')
    ]


def test_only_lessons_whose_review_date_has_come_are_due(lessons):
    due = review.lessons_due_for_review()
    assert [row.lesson.pk for row in due] == [lessons[0].pk, lessons[1].pk]  # the longest overdue first
    assert review.lessons_due_count() == 2
    assert review.lessons_due_count(today=timezone.localdate() + datetime.timedelta(days=30)) == 3


def test_the_report_lists_lesson_course_review_date_and_last_published(client, lessons, course):
    client.force_login(TrainerFactory())
    rows = report_rows(client)
    lesson = type(lessons[0]).objects.get(pk=lessons[0].pk)
    assert rows[0] == [lesson.title, course.title, site_date(lesson.review_by), site_date(lesson.last_published_at)]
    assert [row[0] for row in rows] == ["Lesson 1", "Lesson 2"]
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[lesson.pk])}"' in client.get(URL).content.decode()


def test_a_draft_lesson_due_for_review_shows_it_was_never_published(client, course):
    from tests.factories import add_lesson

    module = course_lessons(course)[0].get_parent()
    draft = add_lesson(module, title="Draft lesson", live=False)
    draft.review_by = timezone.localdate()
    draft.last_published_at = None
    draft.save()
    client.force_login(AdminFactory())
    assert report_rows(client) == [["Draft lesson", course.title, site_date(draft.review_by), "Never"]]


def test_the_report_says_when_nothing_is_due(client, course):
    client.force_login(TrainerFactory())
    assert "No lesson is due for review." in client.get(URL).content.decode()


@pytest.mark.parametrize("factory", [LearnerFactory, SupervisorFactory])
def test_learners_and_supervisors_are_refused(client, lessons, factory):
    client.force_login(factory())
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert b"Lesson 1" not in response.content


def test_the_menu_item_shows_to_trainers_and_administrators_only(lessons):
    item = lessons_due_menu_item()
    request = RequestFactory().get("/admin/")
    for factory, shown in [
        (TrainerFactory, True),
        (AdminFactory, True),
        (SupervisorFactory, False),
        (LearnerFactory, False),
    ]:
        request.user = second_factor_proved(factory())  # as after signing in with the second factor
        assert item.is_shown(request) is shown, factory


def test_report_queries_do_not_grow_with_lessons(client, lessons):
    client.force_login(TrainerFactory())

    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(URL)
        return len(queries)

    client.get(URL)
    few = count()
    for lesson in lessons[3:]:
        set_review(lesson, -1)
    assert len(report_rows(client)) == 8
    assert count() == few


def test_a_trainers_home_counts_the_lessons_due_and_links_to_the_report(client, lessons):
    client.force_login(TrainerFactory())
    soup = BeautifulSoup(client.get("/admin/").content, "html.parser")
    panel = soup.select_one('[data-testid="lessons-due-for-review"]')
    assert panel.a["href"] == URL
    assert panel.a.get_text() == "2 lessons due for review"


def test_a_trainers_home_says_when_nothing_is_due(client, course):
    client.force_login(TrainerFactory())
    soup = BeautifulSoup(client.get("/admin/").content, "html.parser")
    assert "No lesson is due for review." in soup.select_one('[data-testid="lessons-due-for-review"]').get_text()


def test_supervisors_home_has_no_review_panel(client, lessons):
    client.force_login(SupervisorFactory())
    assert b"lessons-due-for-review" not in client.get("/admin/").content


def test_the_lesson_editor_shows_review_by_and_references(client, lessons):
    client.force_login(TrainerFactory())
    content = client.get(reverse("wagtailadmin_pages:edit", args=[lessons[0].pk])).content.decode()
    assert (
        "Review by" in content and "When clinical or legal guidance in this lesson should be checked again." in content
    )
    assert 'name="review_by"' in content and "References" in content


def test_learners_never_see_a_review_date(learner_client, learner, lessons, course):
    from courses.progress import services

    services.enrollment_create(user=learner, course=course)
    content = learner_client.get(lessons[0].url).content.decode()
    assert site_date(type(lessons[0]).objects.get(pk=lessons[0].pk).review_by) not in content
    assert "Review by" not in content and "review" not in content.lower().split("<main", 1)[-1].split("</main>")[0]
