"""What the result page offers after an attempt, from the apps above assessments.

``assessments`` knows nothing of courses or certificates, yet a result page should say where to go
next: the next module, back to the course, the certificate this quiz has just earned. Apps above
register a function with the ``register_quiz_result_next_step`` Wagtail hook; it takes the request
and the submitted attempt and returns a ``NextStep`` or None. Steps are shown by ``(order, label)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

from .models import Attempt

QUIZ_RESULT_NEXT_STEP_HOOK = "register_quiz_result_next_step"


@dataclass(frozen=True)
class NextStep:
    """One thing to do next: a sentence, and a link (its label and URL)."""

    message: str
    label: str
    url: str
    order: int = 100


def quiz_result_next_steps(request, attempt: Attempt) -> list[NextStep]:
    """The next steps the registered functions offer for this submitted attempt, in order."""
    steps = [step for fn in hooks.get_hooks(QUIZ_RESULT_NEXT_STEP_HOOK) if (step := fn(request, attempt))]
    return sorted(steps, key=lambda step: (step.order, step.label))
