"""Writes for quiz attempts: start, answer, submit. Views, the API and commands all call these."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from . import scoring
from .freezing import quiz_snapshot, version_from_snapshot
from .models import Attempt, Quiz, Response
from .scoring import BRANCHING, MULTIPLE, ORDER, REFLECTION, SINGLE
from .signals import attempt_submitted

# Answers that arrive a little after the deadline (a slow network) still count.
DEADLINE_GRACE = timedelta(seconds=30)


class AttemptRefused(Exception):
    """Starting or changing an attempt is not allowed now. ``retry_at`` says when it will be, if ever."""

    def __init__(self, message: str, retry_at: datetime | None = None):
        super().__init__(message)
        self.retry_at = retry_at


class InvalidAnswer(ValueError):
    """The answer does not fit the question (unknown option, wrong shape, empty)."""


@dataclass(frozen=True)
class StartResult:
    attempt: Attempt
    created: bool


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def attempt_start(*, user, quiz: Quiz, rng: random.Random | None = None) -> StartResult:
    """Start an attempt on the quiz's published version, or return the one already in progress.

    Refused, with the time the learner can try again, beyond the attempt limit or inside the
    cool-down after the last submitted attempt.
    """
    # Read the quiz afresh: the caller's instance may predate the latest publish.
    quiz = Quiz.objects.select_related("live_revision").get(pk=quiz.pk)
    if not quiz.live or quiz.live_revision is None:
        raise AttemptRefused("This quiz is not open.")
    open_attempt = Attempt.objects.filter(user=user, quiz=quiz, submitted_at__isnull=True).first()
    if open_attempt is not None:
        return StartResult(open_attempt, False)

    published = quiz.live_revision.as_object()
    previous = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("-number").values("number", "submitted_at"))
    if published.max_attempts and len(previous) >= published.max_attempts:
        raise AttemptRefused(
            f"You have used all {published.max_attempts} attempts at this quiz. Talk to your trainer if you need another."
        )
    if previous and published.cooldown_minutes:
        ready_at = previous[0]["submitted_at"] + timedelta(minutes=published.cooldown_minutes)
        if timezone.now() < ready_at:
            raise AttemptRefused(f"You can try again from {_when(ready_at)}.", retry_at=ready_at)

    snapshot = quiz_snapshot(published, revision_id=quiz.live_revision_id)
    rng = rng or random.SystemRandom()
    keys = [q["key"] for q in snapshot["questions"]]
    if snapshot["draw_count"] and snapshot["draw_count"] < len(keys):
        drawn = set(rng.sample(keys, snapshot["draw_count"]))
        keys = [key for key in keys if key in drawn]
    if snapshot["shuffle_questions"]:
        rng.shuffle(keys)
    option_orders = {}
    for q in snapshot["questions"]:
        pieces = q.get("options") or q.get("items")
        if pieces and (snapshot["shuffle_options"] or q["kind"] == ORDER):
            order = [piece["key"] for piece in pieces]
            rng.shuffle(order)
            option_orders[q["key"]] = order
    now = timezone.now()
    deadline = now + timedelta(minutes=snapshot["time_limit_minutes"]) if snapshot["time_limit_minutes"] else None
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                user=user,
                quiz=quiz,
                revision_id=quiz.live_revision_id,
                number=(previous[0]["number"] + 1) if previous else 1,
                snapshot=snapshot,
                question_keys=keys,
                option_orders=option_orders,
                deadline=deadline,
            )
    except IntegrityError:
        # Another request (a double click, a second tab) started it a moment ago.
        return StartResult(Attempt.objects.get(user=user, quiz=quiz, submitted_at__isnull=True), False)
    return StartResult(attempt, True)


def question_data(attempt: Attempt, key: str) -> dict:
    return next(q for q in attempt.snapshot["questions"] if q["key"] == key)


def _clean_answer(question: dict, answer):
    kind = question["kind"]
    if kind == SINGLE:
        if answer not in {o["key"] for o in question["options"]}:
            raise InvalidAnswer("Choose one of the options.")
        return answer
    if kind == MULTIPLE:
        keys = {o["key"] for o in question["options"]}
        if not isinstance(answer, list | tuple) or not answer or not set(answer) <= keys:
            raise InvalidAnswer("Choose at least one option.")
        return sorted(set(answer))
    if kind == ORDER:
        keys = [item["key"] for item in question["items"]]
        if not isinstance(answer, list | tuple) or sorted(answer) != sorted(keys):
            raise InvalidAnswer("Give every item its own place in the order.")
        return list(answer)
    if kind == BRANCHING:
        if not isinstance(answer, list | tuple) or not all(isinstance(key, str) for key in answer):
            raise InvalidAnswer("Choose what you would do.")
        return list(answer)
    if kind == REFLECTION:
        text = str(answer or "").strip()
        if not text:
            raise InvalidAnswer("Write your answer before saving it.")
        return text[:10_000]
    raise InvalidAnswer("Unknown question.")


def _check_open(attempt: Attempt) -> None:
    if attempt.is_submitted:
        raise AttemptRefused("This attempt has been submitted; its answers can no longer change.")
    if attempt.deadline and timezone.now() > attempt.deadline + DEADLINE_GRACE:
        raise AttemptRefused("Time is up for this attempt. Submit it to see your result.")


def attempt_answer(*, attempt: Attempt, question_key: str, answer) -> Response:
    """Save (or replace) the answer to one question. The latest answer wins."""
    _check_open(attempt)
    if question_key not in attempt.question_keys:
        raise InvalidAnswer("This question is not part of the attempt.")
    cleaned = _clean_answer(question_data(attempt, question_key), answer)
    response, _created = Response.objects.update_or_create(
        attempt=attempt, question_key=question_key, defaults={"answer": cleaned}
    )
    return response


def branching_choose(*, attempt: Attempt, question_key: str, choice_key: str) -> Response:
    """Take one more step in a branching scenario: the choice must belong to the step the learner is at."""
    _check_open(attempt)
    question = question_data(attempt, question_key)
    if question["kind"] != BRANCHING:
        raise InvalidAnswer("This question is not a branching scenario.")
    existing = Response.objects.filter(attempt=attempt, question_key=question_key).first()
    path = list(existing.answer) if existing else []
    step = branching_position(question, path)
    if step is None:
        raise InvalidAnswer("This scenario has already ended.")
    if choice_key not in {c["key"] for c in step["choices"]}:
        raise InvalidAnswer("Choose one of the options for this step.")
    return attempt_answer(attempt=attempt, question_key=question_key, answer=[*path, choice_key])


def branching_position(question: dict, path: list[str]) -> dict | None:
    """The step a learner has reached after ``path``, or None once the scenario has ended."""
    steps = {step["name"]: step for step in question["steps"]}
    current = question["start"]
    for key in path:
        choice = next((c for c in steps[current]["choices"] if c["key"] == key), None)
        if choice is None or choice["next"] is None:
            return None
        current = choice["next"]
    return steps[current]


def attempt_submit(*, attempt: Attempt) -> Attempt:
    """Score and close an attempt. Submitting again returns the same result: exactly one is recorded."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_submitted:
            return locked
        answers = dict(locked.responses.values_list("question_key", "answer"))
        version = version_from_snapshot(locked.snapshot, locked.question_keys)
        result = scoring.score(version, answers)
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
