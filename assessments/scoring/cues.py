"""Test-wiseness cues: can a learner who knows nothing score by the look of the options?

Pure functions over a quiz snapshot (``assessments.quizzes.freezing.quiz_snapshot``); no database and
no Django, so the quiz editor, the item statistics page, the tests and the benchmarks share them.

A *choice point* is a single-best-response question, or a branching scenario step with two or
more choices. Its *best answer* is the option with the highest credit; at a scenario step, the
choice that leads on to the most credit. For each choice point this notes whether the best
answer is the longest option, the shortest one (ties count: a learner who picks the longest
could pick it), its position as written, and whether it is the only option that repeats the
most words of the question. Lengths are characters with runs of spaces counted once.

The quiz is warned about, in plain words for trainers, when:

- the best answer is the longest (or the shortest) option at more than ``SHARE_LIMIT`` of the
  choice points, or one position holds it at more than ``SHARE_LIMIT`` of them, or it alone
  repeats the question's words at more than ``SHARE_LIMIT`` of them. Shares are reported only
  from ``MIN_CHOICE_POINTS`` choice points on: below that they say more about chance than about
  the writing;
- a learner who always picks the longest or always the shortest option would pass
  (``surface_results`` scores them with ``assessments.scoring.rules``; when the quiz draws its
  questions, on ``SURFACE_DRAWS`` fixed draws from ``assessments.scoring.drawing``, warning when
  any of them passes);
- an option says "all of the above", "none of the above" or the like;
- in a select-all question the correct options are, on average, more than ``LENGTH_GAP`` times
  as long as the others, or less than 1 / ``LENGTH_GAP`` times;
- in a put-in-order question, ordering the items by length puts at least
  ``ORDER_BY_LENGTH_LIMIT`` of the pairs in the right order.

Per question, notes say the same things about that one question, plus when its options'
lengths spread wider than ``LENGTH_SPREAD`` (the longest more than that many times the
shortest).

Those learners are played by ``assessments.scoring.strategies``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from html import unescape

from . import drawing
from .branching import Scenario, scenario_problems
from .rules import BRANCHING, MULTIPLE, ORDER, SINGLE, order_fraction, score, version_from_snapshot
from .strategies import LONGEST, SHORTEST, length_responses, text_length

# More than half: the best answer is "usually" the longest, or usually in one place.
SHARE_LIMIT = 0.5
MIN_CHOICE_POINTS = 3
LENGTH_GAP = 1.25
ORDER_BY_LENGTH_LIMIT = 0.8
LENGTH_SPREAD = 2.0
SURFACE_DRAWS = 50

CATCH_ALL = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them|those|the options|the answers)\b", re.I)
WORD = re.compile(r"[a-z][a-z']*")
TAG = re.compile(r"<[^>]+>")
# Words too common to count as repeating the question.
STOPWORDS = frozenset(
    """about after again also because been before being could does doing from have having here
    into just more most much only other over same should some such than that their them then there
    these they this those through very what when where which while will with would your you're
    she's her's it's don't can't won't""".split()
)


def _words(html: str) -> set[str]:
    text = unescape(TAG.sub(" ", html or "")).lower().replace("’", "'")
    return {word for word in WORD.findall(text) if len(word) >= 4 and word not in STOPWORDS}


@dataclass(frozen=True)
class ChoicePoint:
    """One single-best-response question or one scenario step, and where its best answer sits."""

    question: str  # question key
    title: str
    step: str | None  # the scenario step's name; None for a question
    options: int
    best_position: int  # 1-based, in the order written
    best_is_longest: bool
    best_is_shortest: bool
    best_alone_repeats_question: bool


@dataclass(frozen=True)
class SurfaceResult:
    """What a learner who answers by surface alone would score."""

    strategy: str
    percent: float  # with a draw, the mean over the draws
    passed: bool  # with a draw, on at least one of them
    draws: int = 1
    passes: int = 0


@dataclass(frozen=True)
class CueReport:
    choice_points: tuple[ChoicePoint, ...]
    notes: dict[str, tuple[str, ...]]  # question key -> notes on that question, in plain words
    surface: tuple[SurfaceResult, ...]  # the longest and the shortest strategies
    warnings: tuple[str, ...]  # about the whole quiz, in plain words

    def share(self, predicate: Callable[[ChoicePoint], bool]) -> float:
        points = self.choice_points
        return sum(1 for point in points if predicate(point)) / len(points) if points else 0.0

    @property
    def longest_share(self) -> float:
        return self.share(lambda point: point.best_is_longest)

    @property
    def shortest_share(self) -> float:
        return self.share(lambda point: point.best_is_shortest)

    @property
    def common_position(self) -> tuple[int, float]:
        """The position that most often holds the best answer, and the share of choice points where it does."""
        if not self.choice_points:
            return 0, 0.0
        position, count = Counter(point.best_position for point in self.choice_points).most_common(1)[0]
        return position, count / len(self.choice_points)


def _choice_value(scenario: Scenario, choice: Mapping) -> float:
    """The most credit a choice leads to: its own and the best of what follows."""
    further = scenario.best_by_step[choice["next"]] if choice["next"] else 0.0
    return math.fsum(choice["credits"].values()) + further


def _choice_point(question: Mapping, step: str | None, texts: list[str], values: list[float], context: str):
    lengths = [text_length(text) for text in texts]
    best = [index for index, value in enumerate(values) if value == max(values)]
    stem_words = _words(context)
    overlaps = [len(_words(text) & stem_words) for text in texts]
    top = max(overlaps)
    return ChoicePoint(
        question=question["key"],
        title=question["title"],
        step=step,
        options=len(texts),
        best_position=best[0] + 1,
        best_is_longest=any(lengths[index] == max(lengths) for index in best),
        best_is_shortest=any(lengths[index] == min(lengths) for index in best),
        best_alone_repeats_question=top > 0
        and all(overlaps[index] == top for index in best)
        and sum(1 for overlap in overlaps if overlap == top) == len(best),
    )


def choice_points(snapshot: Mapping) -> list[ChoicePoint]:
    """Every single-best-response question and every scenario step with a choice to make, in quiz order."""
    points = []
    frozen = version_from_snapshot(snapshot).questions
    for question, scenario in zip(snapshot["questions"], (q.scenario for q in frozen), strict=True):
        context = " ".join([question["stem"], question["vignette"]["text"]])
        if question["kind"] == SINGLE and len(question["options"]) > 1:
            options = question["options"]
            texts, credits = [o["text"] for o in options], [o["credit"] for o in options]
            points.append(_choice_point(question, None, texts, credits, context))
        # A scenario that cannot be taken has no best answers to look for; the editor names its problems.
        elif question["kind"] == BRANCHING and not scenario_problems(scenario):
            for step in question["steps"]:
                choices = step["choices"]
                if len(choices) > 1:
                    values = [_choice_value(scenario, c) for c in choices]
                    texts = [c["text"] for c in choices]
                    points.append(
                        _choice_point(question, step["name"], texts, values, f"{context} {step['situation']}")
                    )
    return points


def _mean(values: Sequence[int]) -> float:
    return math.fsum(values) / len(values)


def _select_all_gap(question: Mapping) -> tuple[float, float] | None:
    """Mean lengths of the correct and the other options, when both exist."""
    right = [text_length(o["text"]) for o in question["options"] if o["correct"]]
    wrong = [text_length(o["text"]) for o in question["options"] if not o["correct"]]
    if not right or not wrong:
        return None
    return _mean(right), _mean(wrong)


def _order_by_length(question: Mapping) -> float:
    """The larger share of pairs put right by ordering the items shortest first, or longest first."""
    items = question["items"]
    correct = tuple(item["key"] for item in items)
    by_length = tuple(item["key"] for item in sorted(items, key=lambda item: text_length(item["text"])))
    return max(order_fraction(correct, by_length), order_fraction(correct, by_length[::-1]))


def _catch_all_options(question: Mapping) -> list[str]:
    texts = [o["text"] for o in question.get("options", [])]
    texts += [c["text"] for step in question.get("steps", []) for c in step["choices"]]
    return [text for text in texts if CATCH_ALL.search(text)]


def _question_notes(question: Mapping, points: list[ChoicePoint]) -> list[tuple[str, bool]]:
    """Notes on one question, each with whether it gives the answer away on its own."""
    notes = []
    kind = question["kind"]
    mine = [point for point in points if point.question == question["key"]]
    if kind == SINGLE and mine:
        point = mine[0]
        if point.best_is_longest:
            notes.append(("The best answer is the longest option.", False))
        if point.best_is_shortest:
            notes.append(("The best answer is the shortest option.", False))
        if point.best_alone_repeats_question:
            notes.append(("Only the best answer repeats words from the question.", False))
        lengths = [text_length(o["text"]) for o in question["options"]]
        if min(lengths) and max(lengths) > LENGTH_SPREAD * min(lengths):
            notes.append((f"Option lengths range from {min(lengths)} to {max(lengths)} characters.", False))
    elif kind == BRANCHING and mine:
        for label, predicate in (
            ("longest", lambda p: p.best_is_longest),
            ("shortest", lambda p: p.best_is_shortest),
            ("first", lambda p: p.best_position == 1),
        ):
            count = sum(1 for point in mine if predicate(point))
            if count * 2 > len(mine):
                notes.append((f"At {count} of {len(mine)} steps the best choice is the {label}.", False))
    elif kind == MULTIPLE and (gap := _select_all_gap(question)):
        right, wrong = gap
        averages = f"(on average {right:.0f} against {wrong:.0f} characters)"
        if right > LENGTH_GAP * wrong:
            notes.append((f"The correct options are longer than the others {averages}.", True))
        elif wrong > LENGTH_GAP * right:
            notes.append((f"The correct options are shorter than the others {averages}.", True))
    elif kind == ORDER and len(question["items"]) > 1:
        share = _order_by_length(question)
        if share >= ORDER_BY_LENGTH_LIMIT:
            notes.append((f"Ordering the items by length puts {share:.0%} of the pairs right.", True))
    for text in _catch_all_options(question):
        notes.append((f'An option says "{CATCH_ALL.search(text).group(0)}".', True))
    return notes


def surface_results(snapshot: Mapping) -> tuple[SurfaceResult, ...]:
    """What always picking the longest, and always the shortest, option scores, mastery thresholds included.

    A quiz that draws its questions is scored on ``SURFACE_DRAWS`` fixed draws: the mean, and how many pass.
    """
    draws = drawing.sample_draws(snapshot, SURFACE_DRAWS)
    versions = [version_from_snapshot(snapshot, keys) for keys in draws]
    results = []
    for strategy in (LONGEST, SHORTEST):
        responses = length_responses(snapshot, longest=strategy == LONGEST)
        scored = [score(version, responses) for version in versions]
        passes = sum(1 for result in scored if result.passed)
        mean = math.fsum(result.percent for result in scored) / len(scored)
        results.append(SurfaceResult(strategy, mean, passes > 0, len(scored), passes))
    return tuple(results)


def _surface_warning(result: SurfaceResult) -> str:
    if result.draws == 1:
        return f"Learners who always pick the {result.strategy} option would score {result.percent:.0f}% and pass."
    return (
        f"Learners who always pick the {result.strategy} option would score {result.percent:.0f}% on average "
        f"and pass on {result.passes} of {result.draws} draws of questions."
    )


def _choice_point_warnings(report: CueReport, *, shuffled: bool) -> list[str]:
    total = len(report.choice_points)
    if total < MIN_CHOICE_POINTS:
        return []
    where = "single-answer questions and scenario steps"
    warnings = []

    def counted(share: float) -> str:
        return f"In {round(share * total)} of {total} {where}"

    if report.longest_share > SHARE_LIMIT:
        warnings.append(
            f"{counted(report.longest_share)}, the best answer is the longest option. "
            "Give the other options as much detail, or say the best one more briefly."
        )
    if report.shortest_share > SHARE_LIMIT:
        warnings.append(
            f"{counted(report.shortest_share)}, the best answer is the shortest option. "
            "Say the other options as briefly, or give the best one more detail."
        )
    position, share = report.common_position
    if share > SHARE_LIMIT:
        seen = "Learners see that order, because shuffling options is off." if not shuffled else ""
        warnings.append(
            f"{counted(share)}, the best answer is option {position} as written. Move it around: scenario "
            f"steps are never shuffled. {seen}".strip()
        )
    share = report.share(lambda point: point.best_alone_repeats_question)
    if share > SHARE_LIMIT:
        warnings.append(
            f"{counted(share)}, only the best answer repeats the question's words. Echo the situation in the "
            "other options too."
        )
    return warnings


def quiz_cues(snapshot: Mapping) -> CueReport:
    """Cues in a quiz version, with notes per question and warnings for the whole quiz."""
    points = choice_points(snapshot)
    flagged = {q["key"]: _question_notes(q, points) for q in snapshot["questions"]}
    notes = {key: tuple(text for text, _giveaway in found) for key, found in flagged.items()}
    report = CueReport(tuple(points), notes, surface_results(snapshot), ())
    warnings = _choice_point_warnings(report, shuffled=snapshot.get("shuffle_options", True))
    warnings += [_surface_warning(result) for result in report.surface if result.passed]
    # Giveaways inside one question are worth a warning on their own.
    warnings += [
        f'"{question["title"]}": {text}'
        for question in snapshot["questions"]
        for text, giveaway in flagged[question["key"]]
        if giveaway
    ]
    return replace(report, warnings=tuple(warnings))
