"""Taking a quiz: start, answer, resume, submit once, limits and cool-down, frozen versions."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.attempts import rules, services
from assessments.models import Attempt, Response
from assessments.scoring.rules import best_response, version_from_snapshot
from tests.factories import LearnerFactory, build_quiz, sample_questions

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return build_quiz(pass_mark=75)


def answer_all(attempt, *, best=True):
    version = version_from_snapshot(attempt.snapshot, attempt.question_keys)
    for question in version.questions:
        if question.kind == "branching" and best:
            for choice in best_response(question):
                services.attempt_answer(attempt=attempt, question_key=question.key, answer=choice)
        elif question.kind == "reflection":
            services.attempt_answer(attempt=attempt, question_key=question.key, answer="I would ask first.")
        elif best:
            services.attempt_answer(attempt=attempt, question_key=question.key, answer=best_response(question))
        elif question.kind == "single":
            worst = min(question.options, key=lambda o: o.credit).key
            services.attempt_answer(attempt=attempt, question_key=question.key, answer=worst)


def test_start_freezes_the_published_version(quiz):
    learner = LearnerFactory()
    started = services.attempt_start(user=learner, quiz=quiz)
    assert started.created and started.attempt.number == 1
    assert started.attempt.revision_id == quiz.live_revision_id
    assert len(started.attempt.question_keys) == 5


def test_starting_again_resumes_the_open_attempt(quiz):
    learner = LearnerFactory()
    first = services.attempt_start(user=learner, quiz=quiz).attempt
    again = services.attempt_start(user=learner, quiz=quiz)
    assert not again.created and again.attempt.pk == first.pk


def test_a_perfect_attempt_passes_and_a_poor_one_fails(quiz):
    learner = LearnerFactory()
    attempt = services.attempt_start(user=learner, quiz=quiz).attempt
    answer_all(attempt, best=False)
    failed = services.attempt_submit(attempt=attempt)
    assert failed.passed is False and failed.score < 75
    retry = services.attempt_start(user=learner, quiz=quiz).attempt
    assert retry.number == 2
    answer_all(retry)
    passed = services.attempt_submit(attempt=retry)
    assert passed.passed is True and passed.score == 100
    assert set(passed.result["competencies"]) == {"engages-relationships", "values-communication", "links-to-resources"}


def test_submitting_twice_records_one_result(quiz):
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt
    answer_all(attempt)
    first = services.attempt_submit(attempt=attempt)
    second = services.attempt_submit(attempt=attempt)
    assert first.submitted_at == second.submitted_at and first.score == second.score
    assert Attempt.objects.filter(submitted_at__isnull=False).count() == 1


def test_answers_cannot_change_after_submission(quiz):
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt
    services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    with pytest.raises(services.AttemptRefused, match="submitted"):
        services.attempt_answer(attempt=attempt, question_key=attempt.question_keys[0], answer="x")


def test_the_latest_answer_wins_until_feedback_is_shown():
    quiz = build_quiz(feedback_timing="after_submission")
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt
    single = next(q for q in attempt.snapshot["questions"] if q["kind"] == "single")
    first, second = single["options"][0]["key"], single["options"][1]["key"]
    services.attempt_answer(attempt=attempt, question_key=single["key"], answer=first)
    services.attempt_answer(attempt=attempt, question_key=single["key"], answer=second)
    assert Response.objects.get(attempt=attempt, question_key=single["key"]).answer == second


@pytest.mark.parametrize(
    ("kind", "answer"),
    [("single", "not-an-option"), ("multiple", []), ("order", ["x"]), ("reflection", "   ")],
)
def test_answers_that_do_not_fit_are_refused(quiz, kind, answer):
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt
    question = next(q for q in attempt.snapshot["questions"] if q["kind"] == kind)
    with pytest.raises(services.InvalidAnswer):
        services.attempt_answer(attempt=attempt, question_key=question["key"], answer=answer)
    assert not Response.objects.exists()


def test_branching_steps_follow_the_graph(quiz):
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt
    question = next(q for q in attempt.snapshot["questions"] if q["kind"] == "branching")
    first_step = rules.branching_trace(question, []).current
    assert first_step == "first"
    call = next(s for s in question["steps"] if s["name"] == "first")["choices"][0]["key"]
    services.attempt_answer(attempt=attempt, question_key=question["key"], answer=call)
    assert rules.branching_trace(question, [call]).current == "second"
    with pytest.raises(services.InvalidAnswer):
        services.attempt_answer(attempt=attempt, question_key=question["key"], answer=call)
    second = next(s for s in question["steps"] if s["name"] == "second")
    services.attempt_answer(attempt=attempt, question_key=question["key"], answer=second["choices"][0]["key"])
    assert rules.branching_trace(question, Response.objects.get(question_key=question["key"]).answer).ended


def test_a_branching_path_cannot_be_set_whole(quiz):
    """A scenario is walked one step at a time: a whole path (even the best one) is not an answer."""
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt
    version = version_from_snapshot(attempt.snapshot, attempt.question_keys)
    branching = next(q for q in version.questions if q.kind == "branching")
    with pytest.raises(services.InvalidAnswer):
        services.attempt_answer(attempt=attempt, question_key=branching.key, answer=list(best_response(branching)))
    assert not Response.objects.exists()


def test_practice_answers_lock_once_their_feedback_is_shown(quiz):
    """In a quiz that shows feedback at once, the service refuses to change an answer whose feedback was shown."""
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt
    single = next(q for q in attempt.snapshot["questions"] if q["kind"] == "single")
    worst, best = (
        sorted(single["options"], key=lambda o: o["credit"])[0],
        max(single["options"], key=lambda o: o["credit"]),
    )
    services.attempt_answer(attempt=attempt, question_key=single["key"], answer=worst["key"])
    with pytest.raises(services.AnswerLocked):
        services.attempt_answer(attempt=attempt, question_key=single["key"], answer=best["key"])
    assert Response.objects.get(question_key=single["key"]).answer == worst["key"]


def test_practice_reflections_stay_open_until_submission(quiz):
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt
    reflection = next(q for q in attempt.snapshot["questions"] if q["kind"] == "reflection")
    services.attempt_answer(attempt=attempt, question_key=reflection["key"], answer="First thought.")
    services.attempt_answer(attempt=attempt, question_key=reflection["key"], answer="Second thought.")
    assert Response.objects.get(question_key=reflection["key"]).answer == "Second thought."


def test_attempt_limit_is_refused_with_a_message(quiz):
    quiz.max_attempts = 1
    quiz.save_revision().publish()
    learner = LearnerFactory()
    services.attempt_submit(attempt=services.attempt_start(user=learner, quiz=quiz).attempt)
    with pytest.raises(services.AttemptRefused, match="used your one attempt"):
        services.attempt_start(user=learner, quiz=quiz)


def test_cool_down_says_when_to_try_again(quiz):
    quiz.cooldown_minutes = 60
    quiz.save_revision().publish()
    learner = LearnerFactory()
    services.attempt_submit(attempt=services.attempt_start(user=learner, quiz=quiz).attempt)
    with pytest.raises(services.AttemptRefused, match="You can try again from") as refused:
        services.attempt_start(user=learner, quiz=quiz)
    assert refused.value.retry_at > timezone.now() + timedelta(minutes=59)
    Attempt.objects.update(submitted_at=timezone.now() - timedelta(minutes=61))
    assert services.attempt_start(user=learner, quiz=quiz).created


def test_editing_the_quiz_later_never_changes_a_past_result(quiz):
    learner = LearnerFactory()
    attempt = services.attempt_start(user=learner, quiz=quiz).attempt
    answer_all(attempt)
    done = services.attempt_submit(attempt=attempt)
    quiz.pass_mark = 100
    quiz.questions = sample_questions()[:2]
    quiz.save_revision().publish()
    done.refresh_from_db()
    assert done.score == 100 and done.passed
    assert len(done.snapshot["questions"]) == 5


def test_time_limit_closes_answers_after_the_deadline(quiz):
    quiz.time_limit_minutes = 10
    quiz.save_revision().publish()
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt
    assert attempt.deadline is not None
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    attempt.refresh_from_db()
    with pytest.raises(services.AttemptRefused, match="Time is up"):
        services.attempt_answer(attempt=attempt, question_key=attempt.question_keys[0], answer="x")
    assert services.attempt_submit(attempt=attempt).is_submitted


def test_draw_and_shuffle_are_recorded_per_attempt(quiz):
    quiz.draw_count = 3
    quiz.shuffle_questions = True
    quiz.save_revision().publish()
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz, rng=random.Random(4)).attempt
    assert len(attempt.question_keys) == 3
    version = version_from_snapshot(attempt.snapshot, attempt.question_keys)
    assert len(version.questions) == 3


def test_unpublished_quiz_cannot_be_started():
    quiz = build_quiz(publish_it=False)
    with pytest.raises(services.AttemptRefused, match="not open"):
        services.attempt_start(user=LearnerFactory(), quiz=quiz)
