"""Item statistics for quiz questions: pure functions over finished attempts, after Moodle's quiz statistics report.

No database and no Django: callers turn attempts into the dataclasses below (each answered
question's fraction, from ``assessments.scoring.rules``, and the option keys chosen).

Per question, over the attempts that were asked it (quizzes may draw questions from a pool, so
attempts can differ):
- facility: the mean fraction as a percentage (Moodle's facility index, question minimum 0);
- standard deviation: the sample standard deviation (divisor n - 1, as Moodle) of fraction * 100;
  undefined for fewer than two attempts;
- discrimination: Moodle's discrimination index, 100 times the Pearson correlation between the
  question's fraction and the rest of the test, i.e. the attempt's other questions as a
  percentage of their maximum. Correlating with the rest rather than the whole score keeps the
  question from correlating with itself. Item points are not passed in, so every question
  counts equally in the rest (the mean of the other fractions); Moodle sums raw marks instead,
  which differs only when questions carry different points. An attempt asked no other question
  has no rest and is left out of this correlation only. Undefined for fewer than two attempts
  with a rest, or when either side has no spread.

Moodle's discriminative efficiency, effective weight and random guess score need item points or
option credits, so they are not computed here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_ATTEMPTS = 5  # below this a handful of learners would trigger warnings by chance
VERY_EASY_ABOVE = 95.0
VERY_HARD_BELOW = 20.0
VERY_EASY = "Very easy: facility above 95%"
VERY_HARD = "Very hard: facility below 20%"
NEGATIVE_DISCRIMINATION = "Negative discrimination: stronger learners do worse on this question"

CSV_HEADER = [
    "Question",
    "Title",
    "Attempts",
    "Facility (%)",
    "SD (%)",
    "Discrimination (%)",
    "Flags",
    "Option counts",
]


@dataclass(frozen=True)
class ItemResponse:
    question: str
    fraction: float  # 0..1 share of the question's points earned
    chosen: tuple[str, ...] = ()  # option keys (order and branching: the sequence given); () if unanswered


@dataclass(frozen=True)
class AttemptRecord:
    attempt: str
    items: tuple[ItemResponse, ...]  # one per question this attempt was asked


@dataclass(frozen=True)
class ItemStatistics:
    question: str
    attempts: int
    facility: float | None  # percent
    standard_deviation: float | None  # percent points
    discrimination: float | None  # correlation with the rest of the test, times 100
    option_counts: dict[str, int]  # option key -> attempts that chose it, keys sorted
    flags: tuple[str, ...]


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _sum_of_squares(values: Sequence[float], mean: float) -> float:
    # Identical values must give exactly no spread; the rounded mean could leave a tiny residue
    # that would turn "undefined" into a meaningless correlation.
    if min(values) == max(values):
        return 0.0
    return math.fsum((value - mean) ** 2 for value in values)


def _correlation(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Pearson correlation of the pairs, or None when fewer than two pairs or a side has no spread."""
    if len(pairs) < 2:
        return None
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    x_mean, y_mean = _mean(xs), _mean(ys)
    # The n - 1 divisors of Moodle's covariance and variances cancel, so plain sums suffice.
    spread = math.sqrt(_sum_of_squares(xs, x_mean)) * math.sqrt(_sum_of_squares(ys, y_mean))
    if spread == 0:
        return None
    covariance = math.fsum((x - x_mean) * (y - y_mean) for x, y in pairs)
    # Rounding can push a perfect correlation a hair past 1.
    return max(-1.0, min(1.0, covariance / spread))


def _flags(attempts: int, facility: float | None, discrimination: float | None, min_attempts: int) -> tuple[str, ...]:
    if attempts < min_attempts or facility is None:
        return ()
    flags = []
    if facility > VERY_EASY_ABOVE:
        flags.append(VERY_EASY)
    elif facility < VERY_HARD_BELOW:
        flags.append(VERY_HARD)
    if discrimination is not None and discrimination < 0:
        flags.append(NEGATIVE_DISCRIMINATION)
    return tuple(flags)


def item_statistics(records: Iterable[AttemptRecord], *, min_attempts: int = MIN_ATTEMPTS) -> list[ItemStatistics]:
    """Facility, spread, discrimination, option counts and warnings for each question, in first-seen order.

    Warnings are given only for questions asked in at least ``min_attempts`` attempts. Raises
    ValueError if an attempt lists a question twice or a fraction lies outside 0 to 1, since
    either would silently skew every statistic.
    """
    # Sums use math.fsum so that the order of attempts cannot change a statistic.
    fractions: dict[str, list[float]] = {}
    with_rest: dict[str, list[tuple[float, float]]] = {}
    chosen_counts: dict[str, dict[str, int]] = {}

    for record in records:
        items = record.items
        if len({item.question for item in items}) != len(items):
            raise ValueError(f"Attempt {record.attempt!r} lists a question more than once")
        for index, item in enumerate(items):
            if not 0.0 <= item.fraction <= 1.0:
                raise ValueError(
                    f"Attempt {record.attempt!r}, question {item.question!r}: fraction {item.fraction!r} is not 0 to 1"
                )
            fractions.setdefault(item.question, []).append(item.fraction)
            pairs = with_rest.setdefault(item.question, [])
            others = [other.fraction for position, other in enumerate(items) if position != index]
            if others:
                pairs.append((item.fraction, _mean(others)))
            counts = chosen_counts.setdefault(item.question, {})
            for key in set(item.chosen):
                counts[key] = counts.get(key, 0) + 1

    results = []
    for question, values in fractions.items():
        attempts = len(values)
        mean = _mean(values)
        facility = 100.0 * mean
        deviation = 100.0 * math.sqrt(_sum_of_squares(values, mean) / (attempts - 1)) if attempts > 1 else None
        correlation = _correlation(with_rest[question])
        discrimination = None if correlation is None else 100.0 * correlation
        results.append(
            ItemStatistics(
                question=question,
                attempts=attempts,
                facility=facility,
                standard_deviation=deviation,
                discrimination=discrimination,
                option_counts=dict(sorted(chosen_counts[question].items())),
                flags=_flags(attempts, facility, discrimination, min_attempts),
            )
        )
    return results


def _number(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:.1f}"
    # A tiny negative discrimination rounds to "-0.0", which reads like a warning sign.
    return "0.0" if text == "-0.0" else text


def option_labels(question: Mapping) -> dict[str, str]:
    """Every option of a question snapshot in the order its author wrote them, key -> the words learners
    saw: options by their text, scenario choices by their step's name and their text. Empty for kinds
    whose answers are not a pick among options (ordering, reflection)."""
    labels = {option["key"]: option["text"] for option in question.get("options", [])}
    for step in question.get("steps", []):
        labels.update({choice["key"]: f"{step['name']}: {choice['text']}" for choice in step["choices"]})
    return labels


def labelled_option_counts(labels: Mapping[str, str], counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    """How often each option was chosen, by its words, every option listed (0 when nobody chose it)."""
    return tuple((text, counts.get(key, 0)) for key, text in labels.items())


@dataclass(frozen=True)
class ItemRow:
    """One question's statistics as a trainer reads them: by its number and title, options by their words."""

    number: int  # the question's place in the quiz, from 1
    title: str
    stats: ItemStatistics
    options: tuple[tuple[str, int], ...]  # (option's words, attempts that chose it), in the author's order


def statistics_csv_rows(items: Iterable[ItemRow]) -> list[list[str]]:
    """A header row and one row per question, ready for ``csv.writer``: no internal key reaches the file."""
    rows = [list(CSV_HEADER)]
    for item in items:
        rows.append(
            [
                str(item.number),
                item.title,
                str(item.stats.attempts),
                _number(item.stats.facility),
                _number(item.stats.standard_deviation),
                _number(item.stats.discrimination),
                "; ".join(item.stats.flags),
                "; ".join(f"{text}: {count}" for text, count in item.options),
            ]
        )
    return rows
