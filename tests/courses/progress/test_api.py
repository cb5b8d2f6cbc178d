"""The /api/v1/ course and enrollment endpoints."""

import pytest
from django.urls import reverse

from courses.models import Enrollment
from courses.progress import services
from tests.factories import course_lessons

pytestmark = pytest.mark.django_db


def test_course_list_is_public(client, course):
    response = client.get(reverse("api-course-list"))
    assert response.status_code == 200
    [item] = response.json()
    assert item["id"] == course.pk
    assert item["title"] == course.title
    assert item["lesson_count"] == 9
    assert item["estimated_minutes"] == 90
    assert item["url"].endswith(course.url)


def test_course_list_hides_unpublished_courses(client, course):
    course.unpublish()
    assert client.get(reverse("api-course-list")).json() == []


def test_my_enrollments_needs_authentication(client):
    assert client.get(reverse("api-my-enrollments")).status_code == 401


def test_my_enrollments_shows_progress(learner_client, learner, course):
    services.enrollment_create(user=learner, course=course)
    services.lesson_complete(user=learner, lesson=course_lessons(course)[0])
    [item] = learner_client.get(reverse("api-my-enrollments")).json()
    assert item["course"] == course.pk
    assert (item["lessons_completed"], item["lessons_total"], item["percent_complete"]) == (1, 9, 11)
    assert item["resume_url"].endswith(course_lessons(course)[1].url)


def test_enroll_through_the_api_is_idempotent(learner_client, learner, course):
    url = reverse("api-my-enrollments")
    first = learner_client.post(url, {"course": course.pk}, content_type="application/json")
    second = learner_client.post(url, {"course": course.pk}, content_type="application/json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["course"] == course.pk
    assert Enrollment.objects.filter(user=learner).count() == 1


@pytest.mark.parametrize("payload", [{}, {"course": 999999}, {"course": "abc"}])
def test_enroll_with_bad_course_is_a_400_naming_the_field(learner_client, learner, course, payload):
    response = learner_client.post(reverse("api-my-enrollments"), payload, content_type="application/json")
    assert response.status_code == 400
    assert "course" in response.json()
    assert not Enrollment.objects.exists()


def test_enroll_in_unpublished_course_is_a_400(learner_client, course):
    course.unpublish()
    response = learner_client.post(
        reverse("api-my-enrollments"), {"course": course.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "course" in response.json()


def test_openapi_schema_is_served_and_covers_only_the_project_api(client):
    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/courses/" in paths and "/api/v1/me/enrollments/" in paths
    assert all(path.startswith("/api/v1/") for path in paths)
