"""Reading a learner page writes nothing: the second visit of each page runs no INSERT, UPDATE or DELETE.

A write on every page view costs each request a row lock and a commit, and under load the
learners on one table queue behind each other. The first visit may save the session.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments.attempts import services as attempts
from certificates.issuance.services import certificate_issue
from courses.progress import services as progress
from tests.factories import build_program, build_quiz, course_lessons, module_with_quiz

pytestmark = pytest.mark.django_db

WRITES = {"INSERT", "UPDATE", "DELETE"}


@pytest.fixture
def part_way(learner, course):
    """The learner has finished two lessons and is half-way through the first module's quiz; they hold a certificate."""
    quiz = build_quiz(title="Module 1 check")
    module_with_quiz(course, quiz)
    progress.enrollment_create(user=learner, course=course)
    lessons = course_lessons(course)
    for lesson in lessons[:2]:
        progress.lesson_complete(user=learner, lesson=lesson)
    prompt = next(block.id for block in lessons[0].body if block.block_type == "reflection")
    progress.reflection_save(user=learner, lesson=lessons[0], block_id=prompt, answer="Listening came first.")
    attempt = attempts.attempt_start(user=learner, quiz=quiz).attempt
    reflection = next(q["key"] for q in attempt.snapshot["questions"] if q["kind"] == "reflection")
    attempts.attempt_answer(attempt=attempt, question_key=reflection, answer="I would call her sooner.")
    answered = attempt.question_keys.index(reflection) + 1
    unanswered = next(number for number, key in enumerate(attempt.question_keys, 1) if key != reflection)
    certificate, _ = certificate_issue(user=learner, program=build_program([course], name="Earlier program"))
    return {
        "course": course,
        "quiz": quiz,
        "attempt": attempt,
        "answered": answered,
        "unanswered": unanswered,
        "certificate": certificate,
    }


def learner_pages(part_way) -> dict[str, str]:
    course, quiz, attempt = part_way["course"], part_way["quiz"], part_way["attempt"]
    return {
        "home": "/",
        "catalog": course.get_parent().url,
        "course": course.url,
        "my learning": "/learn/",
        "my reflections": "/learn/reflections/",
        "my certificates": "/certificates/",
        "CE hours": "/certificates/hours/",
        "quiz start": f"/quizzes/{quiz.pk}/",
        "quiz question": f"/quizzes/attempts/{attempt.pk}/questions/{part_way['unanswered']}/",
        "quiz question answered": f"/quizzes/attempts/{attempt.pk}/questions/{part_way['answered']}/",
        "quiz review": f"/quizzes/attempts/{attempt.pk}/review/",
        "verification": f"/verify/{part_way['certificate'].code}/",
        "profile": "/account/profile/",
    }


def lesson_pages(part_way) -> dict[str, str]:
    """The lesson page records the lesson visited only when it is news (another lesson, or minutes later)."""
    lessons = course_lessons(part_way["course"])
    return {"lesson": lessons[2].url, "completed lesson": lessons[0].url}


def writes(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in queries if query["sql"].lstrip().split(None, 1)[0].upper() in WRITES]


def test_the_second_visit_of_every_learner_page_writes_nothing(learner_client, part_way):
    for name, url in {**learner_pages(part_way), **lesson_pages(part_way)}.items():
        writes(learner_client, url)  # the first visit may save the session
        assert writes(learner_client, url) == [], name


def test_a_visitor_reading_the_public_pages_writes_nothing(client, part_way):
    for url in ("/", part_way["course"].get_parent().url, f"/verify/{part_way['certificate'].code}/"):
        writes(client, url)
        assert writes(client, url) == [], url
