"""Scoring of quiz attempts: pure functions over a frozen quiz version and a learner's responses.

No database and no Django: a quiz version is frozen into a JSON snapshot when a learner
starts an attempt (``assessments.quizzes.freezing``), and ``version_from_snapshot`` reads it back into
the dataclasses below, so later edits never change a past score.

Each scored question is worth ``points`` and earns a fraction of them (0 to 1):
- single best response: the chosen option's credit (e.g. best 1.0, acceptable 0.5, harmful 0);
- select all that apply: with partial credit, the sum of the chosen options' credits (right
  picks earn, wrong picks cost) kept between 0 and 1; all-or-nothing, 1 only for exactly the
  options with positive credit;
- put in order: the share of item pairs the learner put in the right relative order;
- branching scenario: the credit the learner's path earned over the best path's total, at most
  the ending's cap when the path ended with a capped choice;
- reflection: not scored (kept as evidence).

Per competency, a question contributes its points times its fraction to each competency it
is tagged with; a branching scenario contributes, per competency the best path earns credit
in, what the learner's path earned over what the best path earned (capped at full marks, and
at the ending's cap). A quiz is passed when the overall score reaches the pass mark and every assessed competency with a mastery threshold reaches its threshold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

from .branching import Choice, Scenario, Step, ending_cap, walk

SINGLE = "single"
MULTIPLE = "multiple"
ORDER = "order"
BRANCHING = "branching"
REFLECTION = "reflection"
SCORED_KINDS = (SINGLE, MULTIPLE, ORDER, BRANCHING)


@dataclass(frozen=True)
class Option:
    key: str
    credit: float = 0.0  # fraction of the question's points; negative only for "select all" wrong picks


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    points: float = 1.0
    competencies: tuple[str, ...] = ()
    options: tuple[Option, ...] = ()  # single and multiple
    all_or_nothing: bool = False  # multiple
    order: tuple[str, ...] = ()  # put in order: item keys in the right order
    scenario: Scenario | None = None  # branching


@dataclass(frozen=True)
class QuizVersion:
    questions: tuple[Question, ...]
    pass_mark: float = 80.0  # percent
    mastery: Mapping[str, float] = field(default_factory=dict)  # competency code -> threshold percent


@dataclass(frozen=True)
class Tally:
    earned: float
    possible: float

    @property
    def percent(self) -> float:
        return 100.0 * self.earned / self.possible if self.possible else 0.0


@dataclass(frozen=True)
class CompetencyResult(Tally):
    threshold: float | None = None

    @property
    def met(self) -> bool:
        return self.threshold is None or self.percent >= self.threshold


@dataclass(frozen=True)
class Result:
    overall: Tally
    passed: bool
    competencies: dict[str, CompetencyResult]
    questions: dict[str, Tally]

    @property
    def percent(self) -> float:
        return self.overall.percent


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _capped(question: Question, response, fraction: float) -> float:
    """A scenario's fraction (overall or in one competency), held at its ending's cap when the path ended capped."""
    cap = ending_cap(question.scenario, response or ())
    return fraction if cap is None else min(fraction, cap / 100)


def question_fraction(question: Question, response) -> float:
    """The share of a question's points a response earns, from 0 to 1. A missing response earns 0."""
    if response is None or question.kind == REFLECTION:
        return 0.0
    if question.kind == SINGLE:
        return _clamp(next((o.credit for o in question.options if o.key == response), 0.0))
    if question.kind == MULTIPLE:
        chosen = set(response)
        if question.all_or_nothing:
            right = {o.key for o in question.options if o.credit > 0}
            return 1.0 if chosen == right else 0.0
        return _clamp(math.fsum(o.credit for o in question.options if o.key in chosen))
    if question.kind == ORDER:
        return order_fraction(question.order, tuple(response))
    if question.kind == BRANCHING:
        earned, _ended = walk(question.scenario, response)
        best = question.scenario.best_total
        return _capped(question, response, _clamp(math.fsum(earned.values()) / best) if best else 0.0)
    raise ValueError(f"Unknown question kind {question.kind!r}")


def order_fraction(correct: tuple[str, ...], given: tuple[str, ...]) -> float:
    """Share of item pairs in the right relative order. Items missing from ``given`` count as wrong."""
    if len(correct) < 2:
        return 1.0 if tuple(given) == tuple(correct) else 0.0
    position = {key: index for index, key in enumerate(given)}
    pairs = list(combinations(correct, 2))
    right = sum(1 for a, b in pairs if a in position and b in position and position[a] < position[b])
    return right / len(pairs)


def score(quiz: QuizVersion, responses: Mapping[str, object]) -> Result:
    """Score one attempt. ``responses`` maps question keys to the learner's answers.

    Answers: an option key (single), an iterable of option keys (multiple), a sequence of item
    keys (order), the sequence of chosen choice keys (branching), text (reflection).
    """
    # Sums use math.fsum so that the order of questions and options cannot change a score.
    earned_parts: list[float] = []
    possible_parts: list[float] = []
    competency_parts: dict[str, tuple[list[float], list[float]]] = {}
    questions: dict[str, Tally] = {}

    def credit(code: str, earned: float, possible: float) -> None:
        parts = competency_parts.setdefault(code, ([], []))
        parts[0].append(earned)
        parts[1].append(possible)

    for question in quiz.questions:
        if question.kind == REFLECTION:
            continue
        response = responses.get(question.key)
        fraction = question_fraction(question, response)
        questions[question.key] = Tally(fraction * question.points, question.points)
        earned_parts.append(fraction * question.points)
        possible_parts.append(question.points)
        tagged_only = set(question.competencies)
        if question.kind == BRANCHING:
            path, _ended = walk(question.scenario, response or ())
            for code, most in question.scenario.best_path_credits.items():
                if most > 0:
                    share = _capped(question, response, _clamp(path.get(code, 0.0) / most))
                    credit(code, question.points * share, question.points)
                    tagged_only.discard(code)
        for code in tagged_only:
            credit(code, fraction * question.points, question.points)

    competencies = {
        code: CompetencyResult(math.fsum(earned), math.fsum(possible), quiz.mastery.get(code))
        for code, (earned, possible) in sorted(competency_parts.items())
    }
    overall = Tally(math.fsum(earned_parts), math.fsum(possible_parts))
    passed = overall.percent >= quiz.pass_mark and all(result.met for result in competencies.values())
    return Result(overall=overall, passed=passed, competencies=competencies, questions=questions)


def best_response(question: Question):
    """A response that earns full marks, e.g. to check a quiz can be passed at all."""
    if question.kind == SINGLE:
        return max(question.options, key=lambda o: o.credit).key
    if question.kind == MULTIPLE:
        return tuple(o.key for o in question.options if o.credit > 0)
    if question.kind == ORDER:
        return question.order
    if question.kind == BRANCHING:
        return question.scenario.best_path()
    return None


def snapshot_scenario(question: Mapping) -> Scenario:
    """The graph of a branching question's snapshot, for scoring and for walking a learner's path."""
    steps = tuple(
        Step(
            s["name"],
            tuple(Choice(c["key"], c["credits"], c["next"], c["text"], c.get("ending_cap")) for c in s["choices"]),
        )
        for s in question["steps"]
    )
    return Scenario(question["start"], steps)


def version_from_snapshot(snapshot: Mapping, question_keys: Iterable[str] | None = None) -> QuizVersion:
    """The scoring view of a snapshot, limited to ``question_keys`` when questions were drawn from a pool."""
    wanted = set(question_keys) if question_keys is not None else None
    questions = []
    for q in snapshot["questions"]:
        if wanted is not None and q["key"] not in wanted:
            continue
        common = {"key": q["key"], "kind": q["kind"], "points": q["points"], "competencies": tuple(q["competencies"])}
        if q["kind"] in (SINGLE, MULTIPLE):
            options = tuple(Option(o["key"], o["credit"]) for o in q["options"])
            questions.append(Question(**common, options=options, all_or_nothing=q.get("all_or_nothing", False)))
        elif q["kind"] == ORDER:
            questions.append(Question(**common, order=tuple(item["key"] for item in q["items"])))
        elif q["kind"] == BRANCHING:
            questions.append(Question(**common, scenario=snapshot_scenario(q)))
        else:
            questions.append(Question(**common))
    return QuizVersion(tuple(questions), pass_mark=snapshot["pass_mark"], mastery=snapshot["mastery"])
