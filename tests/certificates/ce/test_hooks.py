"""The quiz result's "Your certificate is ready" step, for the quiz that completed a program."""

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse

from assessments.attempts.next_steps import quiz_result_next_steps
from assessments.models import Attempt
from certificates.ce.services import learner_certificates_check
from certificates.issuance.models import Certificate
from tests.factories import build_program, build_quiz, complete_course, module_with_quiz

pytestmark = pytest.mark.django_db


def certificate_steps(attempt):
    request = RequestFactory().get("/")
    return [(s.message, s.label, s.url) for s in quiz_result_next_steps(request, attempt) if s.order == 10]


@pytest.fixture
def quiz_in_program(course):
    quiz = build_quiz()
    module_with_quiz(course, quiz)
    build_program([course], name="Peer Support Specialist Certificate")
    return quiz


def test_the_quiz_that_completes_a_program_says_the_certificate_is_ready(course, learner, quiz_in_program):
    complete_course(learner, course)  # the last step: passing the module quiz
    attempt = Attempt.objects.get(user=learner, quiz=quiz_in_program)
    learner_certificates_check(user=learner)
    assert Certificate.objects.filter(user=learner).count() == 1
    assert certificate_steps(attempt) == [
        (
            "You have completed Peer Support Specialist Certificate. Your certificate is ready.",
            "Open My certificates",
            reverse("my-certificates"),
        )
    ]


def test_a_certificate_issued_before_the_attempt_is_not_announced(course, learner, quiz_in_program):
    complete_course(learner, course)
    attempt = Attempt.objects.get(user=learner, quiz=quiz_in_program)
    learner_certificates_check(user=learner)
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=attempt.submitted_at + timedelta(days=1))
    attempt.refresh_from_db()
    assert certificate_steps(attempt) == []


def test_a_failed_attempt_or_a_revoked_certificate_is_not_announced(course, learner, quiz_in_program):
    complete_course(learner, course)
    attempt = Attempt.objects.get(user=learner, quiz=quiz_in_program)
    learner_certificates_check(user=learner)
    Certificate.objects.update(revoked_at=attempt.submitted_at + timedelta(hours=1))
    assert certificate_steps(attempt) == []
    Certificate.objects.update(revoked_at=None)
    attempt.passed = False
    assert certificate_steps(attempt) == []


def test_the_step_is_the_same_before_and_after_issuing_finishes(course, learner, quiz_in_program):
    """Two submits of one attempt can be answered either side of issuance: both must say the same."""
    complete_course(learner, course)  # issuance waits for the commit, which a test never reaches
    attempt = Attempt.objects.get(user=learner, quiz=quiz_in_program)
    assert not Certificate.objects.filter(user=learner).exists()
    before = certificate_steps(attempt)
    learner_certificates_check(user=learner)
    assert Certificate.objects.filter(user=learner).count() == 1
    assert certificate_steps(attempt) == before
    assert [message for message, _, _ in before] == [
        "You have completed Peer Support Specialist Certificate. Your certificate is ready."
    ]


def test_a_paused_program_announces_no_certificate(course, learner, quiz_in_program):
    from certificates.issuance.models import Program

    Program.objects.update(active=False)
    complete_course(learner, course)
    assert certificate_steps(Attempt.objects.get(user=learner, quiz=quiz_in_program)) == []
