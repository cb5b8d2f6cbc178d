"""The rules of taking an attempt, as plain functions over the attempt and its frozen snapshot.

Which answers fit a question, when an answer can no longer change, when feedback may be shown and
where a branching scenario has got to, and whether another attempt may start (attempts used,
the cool-down), are decided here and nowhere else. ``services`` enforces
them when a learner acts (start, answer, take a step, submit); ``selectors`` uses the same
functions to show a question, so the question page, the review, the result page and the API
agree about what is locked and what is revealed. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cms.dates import site_datetime

from ..quizzes.models import FeedbackTiming
from ..scoring.branching import Trace, trace
from ..scoring.rules import BRANCHING, MULTIPLE, ORDER, REFLECTION, SINGLE, snapshot_scenario
from .models import Attempt

# Answers that arrive a little after the deadline (a slow network) still count.
DEADLINE_GRACE = timedelta(seconds=30)
REFLECTION_MAX_LENGTH = 10_000


class AnswerShapeError(ValueError):
    """The answer does not fit its question: wrong type, unknown option, incomplete order, empty text."""


def branching_trace(question: dict, path) -> Trace:
    """Where the choices saved for a branching question lead (see ``branching.trace``)."""
    return trace(snapshot_scenario(question), path or [])


def question_finished(question: dict, answer, answered: bool) -> bool:
    """Whether the learner is done with a question: answered, and for a scenario, at one of its ends."""
    if not answered:
        return False
    if question["kind"] == BRANCHING:
        return branching_trace(question, answer).ended
    return True


def feedback_shown(attempt: Attempt, finished: bool) -> bool:
    """Feedback (and so the answer key) is shown once submitted, or at once for finished questions in practice mode."""
    return attempt.is_submitted or (finished and attempt.snapshot["feedback_timing"] == FeedbackTiming.IMMEDIATE)


def answer_locked(attempt: Attempt, question: dict, answer, answered: bool) -> bool:
    """An answer cannot change once its feedback has been shown: after submission, or in practice mode.

    Reflections are not scored and their guidance gives nothing away, so they stay open until submission.
    """
    if attempt.is_submitted:
        return True
    if question["kind"] == REFLECTION:
        return False
    return feedback_shown(attempt, question_finished(question, answer, answered))


def closed_reason(attempt: Attempt, now: datetime) -> str | None:
    """Why the attempt's answers can no longer change, or None while it is open."""
    if attempt.is_submitted:
        return "This attempt has been submitted; its answers can no longer change."
    if attempt.deadline and now > attempt.deadline + DEADLINE_GRACE:
        return "Time is up for this attempt. Submit it to see your result."
    return None


def _strings(answer, message: str) -> list[str]:
    if not isinstance(answer, list | tuple) or not all(isinstance(item, str) for item in answer):
        raise AnswerShapeError(message)
    return list(answer)


def clean_answer(question: dict, answer, saved=None):
    """The value to store for ``answer`` to ``question``, or ``AnswerShapeError`` saying what a fitting answer is.

    Shapes: single, an option key; multiple, a non-empty list of option keys; order, every item key once
    in the chosen order; branching, the key of a choice at the step reached (``saved`` is the path so
    far; the stored value is the path with the choice added); reflection, non-empty text.
    """
    kind = question["kind"]
    if kind == SINGLE:
        if not isinstance(answer, str) or answer not in {o["key"] for o in question["options"]}:
            raise AnswerShapeError("Choose one of the options.")
        return answer
    if kind == MULTIPLE:
        chosen = _strings(answer, "Choose at least one option.")
        keys = {o["key"] for o in question["options"]}
        if not chosen or not set(chosen) <= keys:
            raise AnswerShapeError("Choose at least one option.")
        return sorted(set(chosen))
    if kind == ORDER:
        order = _strings(answer, "Give every item its own place in the order.")
        if sorted(order) != sorted(item["key"] for item in question["items"]):
            raise AnswerShapeError("Give every item its own place in the order.")
        return list(order)
    if kind == BRANCHING:
        path = branching_trace(question, saved)
        if path.ended:
            raise AnswerShapeError("This scenario has already ended.")
        step = next(s for s in question["steps"] if s["name"] == path.current)
        if not isinstance(answer, str) or answer not in {c["key"] for c in step["choices"]}:
            raise AnswerShapeError("Choose one of the options for this step.")
        return [*(saved or []), answer]
    if kind == REFLECTION:
        text = answer.strip() if isinstance(answer, str) else ""
        if not text:
            raise AnswerShapeError("Write your answer before saving it.")
        if len(text) > REFLECTION_MAX_LENGTH:
            raise AnswerShapeError(f"Keep your answer under {REFLECTION_MAX_LENGTH:,} characters.")
        return text
    raise AnswerShapeError("This question cannot be answered.")


@dataclass(frozen=True)
class Allowance:
    """How many attempts a person has used at a quiz, how many it allows, and when the next may start.

    ``allowed`` is None for unlimited attempts; ``ready_at`` is when the cool-down after the last
    submitted attempt ends, or None when nothing is waiting.
    """

    used: int
    allowed: int | None
    ready_at: datetime | None

    @property
    def left(self) -> int | None:
        return None if self.allowed is None else max(0, self.allowed - self.used)

    @property
    def exhausted(self) -> bool:
        return self.allowed is not None and self.used >= self.allowed

    @property
    def may_start(self) -> bool:
        return not self.exhausted and self.ready_at is None

    @property
    def used_text(self) -> str:
        """``1 of 2 attempts used, 1 left``; ``Attempts are unlimited`` when the quiz sets no limit."""
        if self.allowed is None:
            return "Attempts are unlimited"
        plural = "s" if self.allowed != 1 else ""
        return f"{self.used} of {self.allowed} attempt{plural} used, {self.left} left"

    def refusal(self) -> str | None:
        """Why a new attempt may not start now, or None when it may."""
        if self.exhausted:
            used = "your one attempt" if self.allowed == 1 else f"all {self.allowed} attempts"
            return f"You have used {used} at this quiz. Talk to your trainer if you need another."
        if self.ready_at is not None:
            return f"You can try again from {site_datetime(self.ready_at)}."
        return None


def attempt_allowance(
    *, used: int, max_attempts: int | None, cooldown_minutes: int, last_submitted_at: datetime | None, now: datetime
) -> Allowance:
    """The one rule for starting another attempt: at most ``max_attempts`` (if set), and not within
    ``cooldown_minutes`` of the last submission. The service refuses on it; the quiz page, the
    result page and the API show it.
    """
    ready_at = None
    if last_submitted_at is not None and cooldown_minutes:
        ready = last_submitted_at + timedelta(minutes=cooldown_minutes)
        ready_at = ready if now < ready else None
    return Allowance(used=used, allowed=max_attempts or None, ready_at=ready_at)
