"""What publishing a quiz checks: the publish rule, which refuses, and the cue report, which warns.

The publish rule: a quiz version that no one could pass never reaches learners. It cannot be
published when

- a scored question cannot earn credit: a single best response with no option above 0%, a
  select-all question with no correct option, a branching scenario that cannot be taken or
  whose every path earns nothing (a put-in-order question always can);
- a draw per competency is larger than a competency's pool;
- the best possible score, every question answered as well as it can be, is below the pass mark
  (when questions are drawn, on the draw whose best answers earn least);
- a mastery threshold cannot be met: no scored question assesses its competency, or the best
  possible score in that competency is below the threshold;
- a mastery threshold is unfair: some attempt would judge its competency on fewer than three
  questions (``scoring.drawing.mastery_shortfalls``, the one rule the editor also applies).

``quiz_publish_problems`` decides it, and every way of publishing calls it: ``Quiz.publish``
refuses with ``QuizNotPublishable`` (so every revision published in code, the demo loader and
scheduled publishing), and the quiz editor's Publish shows the same problems as field errors
before anything is saved. Saving a draft is not checked: trainers build a quiz step by step.

The cue report (``assessments.scoring.cues``) only warns; the editor and the item statistics show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError

from ..scoring import drawing
from ..scoring.branching import scenario_problems
from ..scoring.cues import CueReport, quiz_cues
from ..scoring.rules import (
    BRANCHING,
    MULTIPLE,
    SCORED_KINDS,
    SINGLE,
    best_response,
    question_fraction,
    score,
    version_from_snapshot,
)
from .freezing import quiz_snapshot


@dataclass(frozen=True)
class PublishProblem:
    """One reason a quiz version cannot be published, with the field a form shows it on."""

    field: str  # the Quiz field: "questions", "pass_mark", "draw_per_competency" or "mastery_thresholds"
    message: str
    question: int | None = None  # the question's position in the quiz, from 0
    competency: str | None = None  # the threshold's competency code


class QuizNotPublishable(ValidationError):
    """Publishing was refused; ``problems`` says why. Nothing was published."""

    def __init__(self, problems: list[PublishProblem]):
        self.problems = problems
        super().__init__([problem.message for problem in problems])


def _question_problem(question) -> str | None:
    if question.kind in (SINGLE, MULTIPLE) and not any(option.credit > 0 for option in question.options):
        if question.kind == SINGLE:
            return "no option earns credit, so no answer is right. Mark the best answer 100%."
        return "no option is ticked as correct. Tick every option that applies."
    if question.kind == BRANCHING:
        if problems := scenario_problems(question.scenario):
            return " ".join(problems)
        if question.scenario.best_total <= 0:
            return "no path through the scenario earns credit. Give the best choices credit in a competency."
    return None


def publish_problems(snapshot: Mapping) -> list[PublishProblem]:
    """Why the quiz version in ``snapshot`` cannot be published, in plain words; empty when it can."""
    version = version_from_snapshot(snapshot)
    # Questions not saved yet may have no key; their positions are always unique.
    questions = tuple(replace(question, key=str(index)) for index, question in enumerate(version.questions))
    version = replace(version, questions=questions)
    problems = []
    for index, (question, data) in enumerate(zip(questions, snapshot["questions"], strict=True)):
        if question.kind in SCORED_KINDS and (reason := _question_problem(question)):
            problems.append(PublishProblem("questions", f'Question {index + 1}, "{data["title"]}": {reason}', index))
    if any(q.kind == BRANCHING and scenario_problems(q.scenario) for q in questions):
        # A scenario that cannot be taken cannot be scored either; its problems say what to fix first.
        return problems

    plan = {
        **snapshot,
        "questions": [{**data, "key": q.key} for q, data in zip(questions, snapshot["questions"], strict=True)],
    }
    names = snapshot["competencies"]
    for code, count in sorted(drawing.pool_shortfalls(plan).items()):
        problems.append(
            PublishProblem(
                "draw_per_competency",
                f'"{names.get(code, code)}" has only {count} question(s) as its first competency, so '
                f"{snapshot['draw_per_competency']} cannot be drawn from it. Add questions or draw fewer.",
            )
        )
    best_answers = {q.key: best_response(q) for q in questions if q.kind in SCORED_KINDS}
    assessed = score(version, best_answers).competencies
    # With a draw, the attempt that could score least is the one drawing the questions whose best answers earn least.
    fractions = {q.key: question_fraction(q, best_answers[q.key]) if q.key in best_answers else 1.0 for q in questions}
    worst = set(drawing.extreme_draw(plan, fractions.__getitem__, lowest=True))
    version = replace(version, questions=tuple(q for q in questions if q.key in worst))
    best = score(version, best_answers)
    if best.percent < version.pass_mark:
        problems.append(
            PublishProblem(
                "pass_mark",
                f"The best possible score is {best.percent:.0f}%, below the pass mark of {version.pass_mark}%, "
                "so no one could pass.",
            )
        )
    short = drawing.mastery_shortfalls(plan, version.mastery)
    for code, threshold in version.mastery.items():
        name = names.get(code, code)
        reached = best.competencies.get(code)
        if code not in assessed:
            message = (
                f'No scored question assesses "{name}", so its mastery threshold of {threshold}% could never be met. '
                "Tag a question with it, or remove the threshold."
            )
        elif reached is not None and reached.percent < threshold:
            message = (
                f'The best possible score in "{name}" is {reached.percent:.0f}%, below its mastery threshold '
                f"of {threshold}%."
            )
        elif code in short:
            message = drawing.mastery_shortfall_message(name, short[code])
        else:
            continue
        problems.append(PublishProblem("mastery_thresholds", message, competency=code))
    return problems


def quiz_publish_problems(quiz) -> list[PublishProblem]:
    """Why this version of ``quiz`` cannot be published; empty when it can. Saved or not, as long as it is built."""
    return publish_problems(quiz_snapshot(quiz))


def quiz_publish_check(quiz) -> None:
    """Raise QuizNotPublishable when this version of ``quiz`` cannot be published."""
    if problems := quiz_publish_problems(quiz):
        raise QuizNotPublishable(problems)


def quiz_cue_report(quiz) -> CueReport:
    """The cue report on this version of ``quiz``: what a learner could find without reading for meaning."""
    return quiz_cues(quiz_snapshot(quiz))
