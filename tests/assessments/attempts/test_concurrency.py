"""Races on attempts: ten submissions record one result; starts during a cool-down or beside an open attempt
answer 200, 201 or 409 only and open at most one attempt; answers never land after a submission."""

import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.attempts import services
from assessments.models import Attempt, Response
from tests.concurrency import needs_postgres, race  # noqa: F401 - needs_postgres is an autouse fixture
from tests.factories import LearnerFactory, build_quiz

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_ten_simultaneous_submissions_record_one_result():
    attempt = services.attempt_start(user=LearnerFactory(), quiz=build_quiz()).attempt
    results, errors = race(lambda: services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk)), threads=10)
    assert errors == []
    assert len({(r.submitted_at, r.score) for r in results}) == 1
    assert Attempt.objects.filter(submitted_at__isnull=False).count() == 1


def test_simultaneous_starts_open_one_attempt():
    learner, quiz = LearnerFactory(), build_quiz()
    results, errors = race(lambda: services.attempt_start(user=learner, quiz=quiz))
    assert errors == []
    assert Attempt.objects.filter(user=learner).count() == 1
    assert sum(r.created for r in results) == 1


def test_two_tabs_answering_the_same_question_keep_the_later_answer():
    attempt = services.attempt_start(user=LearnerFactory(), quiz=build_quiz(feedback_timing="after_submission")).attempt
    single = next(q for q in attempt.snapshot["questions"] if q["kind"] == "single")
    keys = [o["key"] for o in single["options"]]
    results, errors = race(
        lambda: services.attempt_answer(attempt=attempt, question_key=single["key"], answer=keys[0]), threads=4
    )
    assert errors == []
    services.attempt_answer(attempt=attempt, question_key=single["key"], answer=keys[1])
    assert list(Response.objects.filter(question_key=single["key"]).values_list("answer", flat=True)) == [keys[1]]


def test_simultaneous_practice_answers_keep_the_first_and_refuse_the_rest():
    """With feedback shown at once, the first answer locks the question even against answers sent at the same moment."""
    attempt = services.attempt_start(user=LearnerFactory(), quiz=build_quiz()).attempt
    single = next(q for q in attempt.snapshot["questions"] if q["kind"] == "single")
    keys = iter([o["key"] for o in single["options"]] * 4)
    lock = threading.Lock()

    def answer():
        with lock:
            key = next(keys)
        return services.attempt_answer(attempt=attempt, question_key=single["key"], answer=key)

    results, errors = race(answer, threads=4)
    assert len(results) == 1
    assert len(errors) == 3 and all(isinstance(error, services.AnswerLocked) for error in errors)
    assert Response.objects.get(question_key=single["key"]).answer == results[0].answer


def _clients_for(user, count):
    """``count`` API clients signed in as ``user``, each with its own session, ready to go at once."""
    clients = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _race_starts(user, quiz, threads=20):
    clients = iter(_clients_for(user, threads))
    lock = threading.Lock()

    def start():
        with lock:
            client = next(clients)
        return client.post(reverse("api-attempt-start", args=[quiz.pk]))

    responses, errors = race(start, threads=threads)
    assert errors == []
    return responses


def _submitted(user, quiz, *, minutes_ago: int):
    attempt = services.attempt_start(user=user, quiz=quiz).attempt
    services.attempt_submit(attempt=attempt)
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now() - timedelta(minutes=minutes_ago))


def test_twenty_starts_during_a_cool_down_are_all_refused_alike():
    learner, quiz = LearnerFactory(), build_quiz(cooldown_minutes=60)
    _submitted(learner, quiz, minutes_ago=1)
    responses = _race_starts(learner, quiz)
    assert {r.status_code for r in responses} == {409}
    assert all("You can try again from" in r.json()["detail"] for r in responses)
    assert not Attempt.objects.filter(user=learner, submitted_at__isnull=True).exists()


def test_twenty_starts_after_a_cool_down_open_one_attempt_and_never_fail():
    """The start that used to read another's new attempt as the last submitted one (a 500) or count it (a 409)."""
    learner, quiz = LearnerFactory(), build_quiz(cooldown_minutes=60, max_attempts=2)
    _submitted(learner, quiz, minutes_ago=61)
    responses = _race_starts(learner, quiz)
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Attempt.objects.filter(user=learner, submitted_at__isnull=True).count() == 1


def test_twenty_starts_with_an_attempt_open_all_resume_it():
    learner, quiz = LearnerFactory(), build_quiz(cooldown_minutes=60, max_attempts=2)
    _submitted(learner, quiz, minutes_ago=61)
    open_attempt = services.attempt_start(user=learner, quiz=quiz).attempt
    responses = _race_starts(learner, quiz)
    assert {r.status_code for r in responses} == {200}
    assert {r.json()["id"] for r in responses} == {open_attempt.pk}
    assert Attempt.objects.filter(user=learner).count() == 2


def test_simultaneous_answers_and_submission_never_change_a_submitted_attempt():
    """Answers racing a submission are either in the score or refused: none lands after the result."""
    attempt = services.attempt_start(user=LearnerFactory(), quiz=build_quiz(feedback_timing="after_submission")).attempt
    single = next(q for q in attempt.snapshot["questions"] if q["kind"] == "single")
    actions = [lambda: services.attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk))] + [
        (lambda key=o["key"]: services.attempt_answer(attempt=attempt, question_key=single["key"], answer=key))
        for o in single["options"] * 2
    ]
    queue, lock = iter(actions), threading.Lock()

    def act():
        with lock:
            action = next(queue)
        return action()

    _results, errors = race(act, threads=len(actions))
    assert all(isinstance(error, services.AttemptRefused) for error in errors)
    submitted = Attempt.objects.get(pk=attempt.pk)
    answer = Response.objects.filter(attempt=attempt, question_key=single["key"]).first()
    assert answer is None or answer.answered_at <= submitted.submitted_at
    credit = next((o["credit"] for o in single["options"] if answer and o["key"] == answer.answer), 0.0)
    assert submitted.result["questions"][single["key"]]["earned"] == max(0.0, credit)
