"""After a quiz is submitted, the certificate check runs only when the attempt completed a course, and then at once."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.attempts import services as attempt_services
from assessments.scoring.rules import best_response, version_from_snapshot
from certificates.ce.models import CECredit
from certificates.ce.selectors import attempt_completed_course
from certificates.issuance.models import Certificate
from courses.models import CourseHours
from courses.progress.services import enrollment_create, lesson_complete
from tests.factories import (
    build_course,
    build_program,
    build_quiz,
    ce_category,
    course_lessons,
    module_with_quiz,
    pass_quiz,
)

pytestmark = pytest.mark.django_db

# The submit itself (session, user, the attempt read and locked, its answers, the update) and, for a
# passed attempt of a course's quiz, whether the course is now complete (``attempt_completed_course``).
PASSED_NOT_COMPLETING = 15
# The same, then the full check and issuing: the certificate, its number, its event and audit entry, its
# PDF and email (run at once by the test task backend; queued in production).
PASSED_COMPLETING = 51


@pytest.fixture
def world(catalog, learner):
    course = build_course(catalog, modules=1, lessons_per_module=2, title="Boundaries in peer support")
    quiz = build_quiz(pass_mark=75, feedback_timing="after_submission")
    module_with_quiz(course, quiz)
    program = build_program([course])
    enrollment_create(user=learner, course=course)
    return course, quiz, program


def answered(user, quiz):
    """An attempt with the best answer to every question, ready to submit."""
    attempt = attempt_services.attempt_start(user=user, quiz=quiz).attempt
    for question in version_from_snapshot(attempt.snapshot, attempt.question_keys).questions:
        if question.kind == "reflection":
            answers = ["I would ask what she needs first."]
        elif question.kind == "branching":
            answers = best_response(question)  # a scenario is walked one step at a time
        else:
            answers = [best_response(question)]
        for answer in answers:
            attempt_services.attempt_answer(attempt=attempt, question_key=question.key, answer=answer)
    return attempt


def submit(client, attempt, capture):
    with CaptureQueriesContext(connection) as queries, capture(execute=True):
        response = client.post(reverse("attempt-submit", args=[attempt.pk]))
    assert response.status_code == 302
    return len(queries)


def test_a_pass_that_leaves_lessons_to_read_issues_nothing_in_few_queries(
    world, learner, learner_client, django_capture_on_commit_callbacks
):
    _course, quiz, _program = world
    queries = submit(learner_client, answered(learner, quiz), django_capture_on_commit_callbacks)
    assert queries <= PASSED_NOT_COMPLETING
    assert not Certificate.objects.exists()


def test_the_pass_that_completes_the_program_issues_the_certificate_at_once(
    world, learner, learner_client, django_capture_on_commit_callbacks, mailoutbox
):
    course, quiz, program = world
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    queries = submit(learner_client, answered(learner, quiz), django_capture_on_commit_callbacks)
    assert queries <= PASSED_COMPLETING
    assert Certificate.objects.filter(user=learner, program=program).count() == 1
    assert len(mailoutbox) == 1


def test_a_pass_that_completes_a_course_without_a_program_records_its_hours_at_once(
    catalog, learner, learner_client, django_capture_on_commit_callbacks
):
    course = build_course(catalog, modules=1, lessons_per_module=1, title="Advocacy basics")
    CourseHours.objects.create(course=course, category=ce_category("Advocacy"), hours=Decimal(3))
    quiz = build_quiz(pass_mark=75)
    module_with_quiz(course, quiz)
    enrollment_create(user=learner, course=course)
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    submit(learner_client, answered(learner, quiz), django_capture_on_commit_callbacks)
    assert list(CECredit.objects.filter(user=learner).values_list("course", "hours")) == [(course.pk, Decimal(3))]


def test_a_pass_completes_no_course_outside_one_before_its_lessons_or_after_an_earlier_pass(world, learner):
    course, quiz, _program = world
    standalone = build_quiz(title="Practice on its own")
    assert not attempt_completed_course(pass_quiz(learner, standalone))
    assert not attempt_completed_course(pass_quiz(learner, quiz))  # lessons still to read
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    again = pass_quiz(learner, quiz)
    # The earlier pass already counted: the course completed with the last lesson, not with this attempt.
    assert not attempt_completed_course(again)


def test_a_first_pass_after_every_lesson_completes_the_course_and_a_retake_does_not(world, learner):
    course, quiz, _program = world
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    first = pass_quiz(learner, quiz)
    assert attempt_completed_course(first)
    assert not attempt_completed_course(pass_quiz(learner, quiz))


def test_a_retake_after_passing_runs_no_certificate_check(
    world, learner, learner_client, django_capture_on_commit_callbacks
):
    course, quiz, _program = world
    for lesson in course_lessons(course):
        lesson_complete(user=learner, lesson=lesson)
    submit(learner_client, answered(learner, quiz), django_capture_on_commit_callbacks)
    assert Certificate.objects.count() == 1
    retake = submit(learner_client, answered(learner, quiz), django_capture_on_commit_callbacks)
    assert retake <= 9  # the submit and one query that finds no course newly completed
    assert Certificate.objects.count() == 1
