"""Which questions an attempt asks, and what follows from it. Pure functions, no database and no Django.

A quiz asks every question, or draws from its pool in one of two ways:

- ``draw_count``: that many questions at random from the whole pool (reflections included);
- ``draw_per_competency``: that many questions at random from each competency's pool, a pool being
  the scored questions whose *first* competency it is. Reflections and scored questions tagged with
  no competency belong to no pool and are asked in every attempt.

Everything that depends on how many questions an attempt asks calls this module: the attempt start
(``draw``), the quiz page and the time estimate (``asked_count``, ``estimated_minutes``), the
publish rule and the cue report (``extreme_draw``, ``sample_draws``), the check that a mastery bar
rests on enough questions (``mastery_shortfalls``), and the benchmarks.

A *plan* is any mapping with ``draw_count``, ``draw_per_competency`` (either may be missing or None)
and ``questions``: mappings with ``key``, ``kind``, ``competencies`` (codes, first one first) and, for
scenarios, ``steps`` (each with ``choices``, each with ``credits``). A quiz snapshot is a plan.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence

REFLECTION = "reflection"
BRANCHING = "branching"

# Minutes a learner needs per question asked, by kind.
MINUTES_PER_KIND = {"single": 2, "multiple": 2, "order": 2, BRANCHING: 4, REFLECTION: 5}
# A mastery bar judged on fewer questions than this says more about luck than about the competency.
MIN_MASTERY_QUESTIONS = 3


def _per_competency(plan: Mapping) -> int | None:
    return plan.get("draw_per_competency") or None


def _draw_count(plan: Mapping) -> int | None:
    count = plan.get("draw_count") or None
    if count is not None and count >= len(plan["questions"]):
        return None  # a draw as large as the pool asks everything
    return count


def pools(plan: Mapping) -> dict[str, list[str]]:
    """Each competency's pool: the keys of the scored questions whose first competency it is, in quiz order."""
    found: dict[str, list[str]] = {}
    for question in plan["questions"]:
        if question["kind"] != REFLECTION and question["competencies"]:
            found.setdefault(question["competencies"][0], []).append(question["key"])
    return found


def always_asked(plan: Mapping) -> list[str]:
    """Keys asked in every attempt: all of them without a draw; with a draw per competency, those in no pool."""
    keys = [q["key"] for q in plan["questions"]]
    if _per_competency(plan):
        pooled = {key for members in pools(plan).values() for key in members}
        return [key for key in keys if key not in pooled]
    if _draw_count(plan):
        return []
    return keys


def pool_shortfalls(plan: Mapping) -> dict[str, int]:
    """With a draw per competency, the pools smaller than the draw: competency code -> questions in its pool."""
    per = _per_competency(plan)
    if not per:
        return {}
    return {code: len(members) for code, members in pools(plan).items() if len(members) < per}


def draw(plan: Mapping, rng: random.Random) -> list[str]:
    """The keys one attempt asks, in quiz order (shuffling is the caller's)."""
    keys = [q["key"] for q in plan["questions"]]
    if per := _per_competency(plan):
        chosen = set(always_asked(plan))
        for members in pools(plan).values():
            chosen.update(rng.sample(members, min(per, len(members))))
    elif count := _draw_count(plan):
        chosen = set(rng.sample(keys, count))
    else:
        return keys
    return [key for key in keys if key in chosen]


def sample_draws(plan: Mapping, runs: int, *, seed: int = 0) -> list[list[str]]:
    """``runs`` draws from fixed seeds, the same every time: one draw when the quiz asks everything."""
    if not (_per_competency(plan) or _draw_count(plan)):
        return [draw(plan, random.Random(seed))]  # noqa: S311 - fixed draws to judge a quiz, not secrets
    return [draw(plan, random.Random(seed + run)) for run in range(runs)]  # noqa: S311 - as above


def extreme_draw(plan: Mapping, value: Callable[[str], float], *, lowest: bool = True) -> list[str]:
    """The draw made of the questions with the lowest (or highest) ``value`` in each pool, in quiz order.

    With questions of equal points, the draw on which the best answers score least is the one made
    of the questions whose best answers earn least: the publish rule checks that one.
    """
    keys = [q["key"] for q in plan["questions"]]

    def pick(members: Sequence[str], count: int) -> set[str]:
        ranked = sorted(members, key=lambda key: (value(key) if lowest else -value(key), keys.index(key)))
        return set(ranked[:count])

    if per := _per_competency(plan):
        chosen = set(always_asked(plan))
        for members in pools(plan).values():
            chosen |= pick(members, per)
    elif count := _draw_count(plan):
        chosen = pick(keys, count)
    else:
        return keys
    return [key for key in keys if key in chosen]


def asked_kinds(plan: Mapping) -> dict[str, float]:
    """How many questions of each kind an attempt asks; with a draw, the average over every draw."""
    by_key = {q["key"]: q for q in plan["questions"]}
    counts: dict[str, float] = {}

    def add(members: Sequence[str], share: float) -> None:
        for key in members:
            kind = by_key[key]["kind"]
            counts[kind] = counts.get(kind, 0.0) + share

    add(always_asked(plan), 1.0)
    if per := _per_competency(plan):
        for members in pools(plan).values():
            add(members, min(per, len(members)) / len(members))
    elif count := _draw_count(plan):
        add(list(by_key), count / len(by_key))
    return counts


def asked_count(plan: Mapping) -> int:
    """How many questions every attempt asks."""
    if per := _per_competency(plan):
        return len(always_asked(plan)) + sum(min(per, len(members)) for members in pools(plan).values())
    return _draw_count(plan) or len(plan["questions"])


def estimated_minutes(plan: Mapping) -> int:
    """About how long an attempt takes: 2 minutes per single, select-all or put-in-order question asked,
    4 per branching scenario, 5 per reflection (with a draw, on average), rounded up."""
    counts = asked_kinds(plan)
    return math.ceil(round(math.fsum(MINUTES_PER_KIND.get(kind, 2) * n for kind, n in counts.items()), 6))


def scores_competency(question: Mapping, code: str) -> bool:
    """Whether a question counts towards a competency's score: a scored question tagged with it, or a
    scenario with a choice that earns credit in it."""
    if question["kind"] == REFLECTION:
        return False
    credited = any(
        choice["credits"].get(code, 0) > 0 for step in question.get("steps", ()) for choice in step["choices"]
    )
    return credited or code in question["competencies"]


def guaranteed_questions(plan: Mapping, code: str) -> int:
    """How many questions that score ``code`` every possible attempt asks, whatever it draws.

    Asking everything: the questions tagged with it. A draw per competency: the draw from its pool,
    plus the questions asked in every attempt that are tagged with it (questions of other pools that
    are also tagged with it may not be drawn). A draw from the whole pool: the draw less the questions
    that do not score it, or none.
    """
    by_key = {q["key"]: q for q in plan["questions"]}
    if per := _per_competency(plan):
        pool = pools(plan).get(code, [])
        extra = sum(1 for key in always_asked(plan) if scores_competency(by_key[key], code))
        return min(per, len(pool)) + extra
    tagged = sum(1 for q in plan["questions"] if scores_competency(q, code))
    if count := _draw_count(plan):
        return max(0, count - (len(by_key) - tagged))
    return tagged


def mastery_shortfalls(plan: Mapping, codes) -> dict[str, int]:
    """The competencies among ``codes`` whose mastery bar would rest on fewer than ``MIN_MASTERY_QUESTIONS``
    questions in some attempt: code -> the questions every attempt is sure to ask on it.

    The one rule for a fair mastery bar; the editor, the model and the publish rule all call it.
    """
    shortfalls = {}
    for code in codes:
        guaranteed = guaranteed_questions(plan, code)
        if guaranteed < MIN_MASTERY_QUESTIONS:
            shortfalls[code] = guaranteed
    return shortfalls


def mastery_shortfall_message(name: str, guaranteed: int) -> str:
    """Why a mastery bar on ``name`` is refused, in a trainer's words."""
    some = "no question" if guaranteed == 0 else f"only {guaranteed} question{'s' if guaranteed != 1 else ''}"
    return (
        f'Some attempts would judge "{name}" on {some}, and a mastery threshold needs at least '
        f"{MIN_MASTERY_QUESTIONS} in every attempt. Tag more questions with it, draw more, or remove the threshold."
    )
