"""Races on attempts: ten submissions of one attempt record one result; the later of two answers wins."""

import pytest

from assessments import services
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
    attempt = services.attempt_start(user=LearnerFactory(), quiz=build_quiz()).attempt
    single = next(q for q in attempt.snapshot["questions"] if q["kind"] == "single")
    keys = [o["key"] for o in single["options"]]
    results, errors = race(
        lambda: services.attempt_answer(attempt=attempt, question_key=single["key"], answer=keys[0]), threads=4
    )
    assert errors == []
    services.attempt_answer(attempt=attempt, question_key=single["key"], answer=keys[1])
    assert list(Response.objects.filter(question_key=single["key"]).values_list("answer", flat=True)) == [keys[1]]
