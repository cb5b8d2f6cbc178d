"""Every rule about what a learner may do to an attempt is enforced here: start, answer, take a step, submit.

The question page, the API, commands and the demo loader call these and nothing else to change an
attempt; the rules themselves (answer shapes, locks, the branching walk) are the plain functions of
``rules``, which the selectors use to show the same state. Refusals are ``AttemptRefused``
(the attempt's state does not allow it: 409) and ``InvalidAnswer`` (the answer does not fit: 400,
about ``answer``); ``cms.refusals`` turns them into answers for the API and the pages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from cms.refusals import Conflict, InvalidInput, NotFound

from ..quizzes.freezing import quiz_snapshot
from ..quizzes.models import Quiz
from ..scoring import drawing
from ..scoring.rules import ORDER, score, version_from_snapshot
from . import rules
from .models import Attempt, Response
from .selectors import question_data
from .signals import attempt_submitted


class AttemptRefused(Conflict):
    """Starting or changing an attempt is not allowed now. ``retry_at`` says when it will be, if ever."""


class AnswerLocked(AttemptRefused):
    """The question's feedback has been shown, so its answer can no longer change."""


class InvalidAnswer(InvalidInput):
    """The answer does not fit the question (wrong shape, unknown option, empty)."""

    def __init__(self, message: str, *, field: str = "answer"):
        super().__init__(message, field=field)


@dataclass(frozen=True)
class StartResult:
    attempt: Attempt
    created: bool


def attempt_draw(snapshot: dict, rng: random.Random) -> tuple[list[str], dict[str, list[str]]]:
    """The questions an attempt asks, in its order, and each question's option order (``scoring.drawing``
    decides which questions). ``attempt_start`` stores them; tests and benchmarks call it to try many draws."""
    keys = drawing.draw(snapshot, rng)
    if snapshot["shuffle_questions"]:
        rng.shuffle(keys)
    option_orders = {}
    for q in snapshot["questions"]:
        pieces = q.get("options") or q.get("items")
        if pieces and (snapshot["shuffle_options"] or q["kind"] == ORDER):
            order = [piece["key"] for piece in pieces]
            rng.shuffle(order)
            option_orders[q["key"]] = order
    return keys, option_orders


def attempt_start(*, user, quiz: Quiz, rng: random.Random | None = None) -> StartResult:
    """Start an attempt on the quiz's published version, or return the one already in progress.

    Refused, with the time the learner can try again, beyond the attempt limit or inside the
    cool-down after the last submitted attempt. The learner's row is locked while this is decided,
    so simultaneous starts (a double click, two tabs) see each other: one attempt is opened and
    the others get it back, or all are refused alike.
    """
    try:
        with transaction.atomic():
            get_user_model().objects.select_for_update().filter(pk=user.pk).first()
            return _start_locked(user=user, quiz=quiz, rng=rng)
    except IntegrityError:
        # Only where the database cannot lock rows (SQLite): another request opened it a moment ago.
        open_attempt = Attempt.objects.filter(user=user, quiz_id=quiz.pk, submitted_at__isnull=True).first()
        if open_attempt is None:
            raise
        return StartResult(open_attempt, False)


def _start_locked(*, user, quiz: Quiz, rng: random.Random | None) -> StartResult:
    # Read the quiz afresh: the caller's instance may predate the latest publish.
    quiz = Quiz.objects.select_related("live_revision").get(pk=quiz.pk)
    if not quiz.live or quiz.live_revision is None:
        raise AttemptRefused("This quiz is not open.")
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("-number"))
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    if open_attempt is not None:
        return StartResult(open_attempt, False)

    published = quiz.live_revision.as_object()
    allowance = rules.attempt_allowance(
        used=len(attempts),
        max_attempts=published.max_attempts,
        cooldown_minutes=published.cooldown_minutes,
        last_submitted_at=attempts[0].submitted_at if attempts else None,
        now=timezone.now(),
    )
    if refusal := allowance.refusal():
        raise AttemptRefused(refusal, retry_at=None if allowance.exhausted else allowance.ready_at)

    snapshot = quiz_snapshot(published, revision_id=quiz.live_revision_id)
    keys, option_orders = attempt_draw(snapshot, rng or random.SystemRandom())
    deadline = None
    if snapshot["time_limit_minutes"]:
        deadline = timezone.now() + timedelta(minutes=snapshot["time_limit_minutes"])
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        revision_id=quiz.live_revision_id,
        number=attempts[0].number + 1 if attempts else 1,
        snapshot=snapshot,
        question_keys=keys,
        option_orders=option_orders,
        deadline=deadline,
    )
    return StartResult(attempt, True)


def attempt_answer(*, attempt: Attempt, question_key: str, answer) -> Response:
    """Save the answer to one question; for a branching scenario, take one step (``answer`` is the choice's key).

    Until its feedback is shown the latest answer wins; once shown (practice mode, or after
    submission) it is locked. The attempt's row is locked while this is decided, so an answer
    cannot slip in beside a submission or past a lock.
    """
    with transaction.atomic():
        # Only whether it is closed can have changed since ``attempt`` was read: its snapshot and the
        # questions it drew are fixed when it starts, so they are not read (and parsed) again.
        state = Attempt.objects.select_for_update().values("submitted_at", "deadline").get(pk=attempt.pk)
        attempt.submitted_at, attempt.deadline = state["submitted_at"], state["deadline"]
        reason = rules.closed_reason(attempt, timezone.now())
        if reason:
            raise AttemptRefused(reason)
        question = question_data(attempt, question_key)
        if question is None:
            raise NotFound("This question is not part of the attempt.")
        saved = Response.objects.filter(attempt=attempt, question_key=question_key).first()
        if rules.answer_locked(attempt, question, saved.answer if saved else None, saved is not None):
            raise AnswerLocked("You have already answered this question, and its feedback has been shown.")
        try:
            cleaned = rules.clean_answer(question, answer, saved.answer if saved else None)
        except rules.AnswerShapeError as error:
            raise InvalidAnswer(str(error)) from error
        if saved is None:
            return Response.objects.create(attempt=attempt, question_key=question_key, answer=cleaned)
        saved.answer = cleaned
        saved.save(update_fields=["answer", "answered_at"])
        return saved


def attempt_submit(*, attempt: Attempt) -> Attempt:
    """Score and close an attempt. Submitting again returns the same result: exactly one is recorded."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_submitted:
            return locked
        answers = dict(locked.responses.values_list("question_key", "answer"))
        version = version_from_snapshot(locked.snapshot, locked.question_keys)
        result = score(version, answers)
        locked.submitted_at = timezone.now()
        locked.score = round(result.percent, 2)
        locked.passed = result.passed
        locked.result = {
            "earned": result.overall.earned,
            "possible": result.overall.possible,
            "competencies": {
                code: {"earned": c.earned, "possible": c.possible, "percent": c.percent, "threshold": c.threshold}
                for code, c in result.competencies.items()
            },
            "questions": {key: {"earned": t.earned, "possible": t.possible} for key, t in result.questions.items()},
        }
        locked.save(update_fields=["submitted_at", "score", "passed", "result"])
        attempt_submitted.send(sender=Attempt, attempt=locked)
    return locked
