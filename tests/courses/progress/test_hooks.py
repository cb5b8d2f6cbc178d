"""The quiz result's next step from courses: the next module, or back to the course or the module."""

import pytest
from django.test import RequestFactory

from assessments.attempts.next_steps import quiz_result_next_steps
from assessments.models import Attempt
from courses.models import ModulePage
from courses.progress.services import enrollment_create
from tests.factories import build_quiz, pass_quiz

pytestmark = pytest.mark.django_db


def modules(course):
    return list(ModulePage.objects.child_of(course).order_by("path").specific())


def with_quiz(module, quiz):
    module.quiz = quiz
    module.save_revision().publish()


def steps(attempt):
    return [(s.message, s.label, s.url) for s in quiz_result_next_steps(RequestFactory().get("/"), attempt)]


def test_passing_a_modules_quiz_leads_to_the_first_lesson_of_the_next_module(course, learner):
    quiz = build_quiz()
    first, second, _third = modules(course)
    with_quiz(first, quiz)
    enrollment_create(user=learner, course=course)
    lesson = second.get_children().live().order_by("path").first()
    assert steps(pass_quiz(learner, quiz)) == [("Next module: Module 2.", f"Start with {lesson.title}", lesson.url)]


def test_a_draft_next_module_is_skipped(course, learner):
    quiz = build_quiz()
    first, second, third = modules(course)
    with_quiz(first, quiz)
    second.unpublish()
    lesson = third.get_children().live().order_by("path").first()
    assert steps(pass_quiz(learner, quiz))[0][:2] == ("Next module: Module 3.", f"Start with {lesson.title}")


def test_passing_the_last_modules_quiz_leads_back_to_the_course(course, learner):
    quiz = build_quiz()
    with_quiz(modules(course)[-1], quiz)
    assert steps(pass_quiz(learner, quiz)) == [
        ("That was the last module of Test course.", "Back to the course", course.url)
    ]


def test_a_failed_quiz_leads_back_to_its_module(course, learner):
    quiz = build_quiz()
    first = modules(course)[0]
    with_quiz(first, quiz)
    attempt = pass_quiz(learner, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(passed=False, score=10)
    attempt.refresh_from_db()
    [(message, label, url)] = steps(attempt)
    assert label == "Back to the module" and url == f"{course.url}#module-{first.pk}"
    assert "Go back over the lessons of Module 1" in message


def test_a_quiz_in_no_module_offers_nothing(learner):
    assert steps(pass_quiz(learner, build_quiz())) == []
