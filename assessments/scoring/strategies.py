"""Surface strategies: the answers of a learner who does not read for meaning.

``length_responses`` (always the longest, or always the shortest option), ``position_responses``
(always option k as shown) and ``random_responses`` (a guesser) give responses that
``rules.score`` accepts, so the cue report, the tests and the benchmarks can score such learners.
Pure functions over a quiz snapshot; no database and no Django.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence

from .rules import BRANCHING, MULTIPLE, ORDER, SINGLE

LONGEST = "longest"
SHORTEST = "shortest"


def text_length(text: str) -> int:
    """Characters as a reader sees them: runs of spaces count once."""
    return len(" ".join(text.split()))


def _walk(question: Mapping, pick: Callable[[list[Mapping]], Mapping]) -> tuple[str, ...]:
    """Choice keys along the path a strategy takes through a scenario, one pick per step."""
    steps = {step["name"]: step for step in question["steps"]}
    path, current, seen = [], question["start"], set()
    while current is not None and current in steps and current not in seen:
        seen.add(current)
        choice = pick(steps[current]["choices"])
        path.append(choice["key"])
        current = choice["next"]
    return tuple(path)


def _by_length(pieces: list[Mapping], *, longest: bool) -> list[Mapping]:
    """Longest (or shortest) first; equal lengths keep the order written."""
    return sorted(pieces, key=lambda piece: -text_length(piece["text"]) if longest else text_length(piece["text"]))


def length_responses(snapshot: Mapping, *, longest: bool) -> dict[str, object]:
    """Always the longest option (or the shortest): for select-all, the longer (shorter) half of the options;
    for put-in-order, the items by length; in a scenario, the longest (shortest) choice at each step."""
    responses: dict[str, object] = {}
    for question in snapshot["questions"]:
        key, kind = question["key"], question["kind"]
        if kind == SINGLE:
            responses[key] = _by_length(question["options"], longest=longest)[0]["key"]
        elif kind == MULTIPLE:
            half = math.ceil(len(question["options"]) / 2)
            responses[key] = [o["key"] for o in _by_length(question["options"], longest=longest)[:half]]
        elif kind == ORDER:
            responses[key] = [item["key"] for item in _by_length(question["items"], longest=longest)]
        elif kind == BRANCHING:
            responses[key] = _walk(question, lambda choices: _by_length(choices, longest=longest)[0])
    return responses


def _shown(pieces: list[Mapping], order: Sequence[str] | None) -> list[Mapping]:
    if not order:
        return list(pieces)
    by_key = {piece["key"]: piece for piece in pieces}
    return [by_key[key] for key in order if key in by_key]


def position_responses(
    snapshot: Mapping, position: int, orders: Mapping[str, Sequence[str]] | None = None
) -> dict[str, object]:
    """Always option ``position`` (0-based) as shown, or the last when there are fewer.

    ``orders`` maps question keys to the option or item keys in the order a learner saw them
    (an attempt's ``option_orders``); questions not in it are shown as written. Select-all:
    only that option is ticked. Put in order: the items are left as shown. Scenario steps are
    never shuffled, so their choices are taken as written.
    """
    orders = orders or {}
    responses: dict[str, object] = {}
    for question in snapshot["questions"]:
        key, kind = question["key"], question["kind"]
        if kind in (SINGLE, MULTIPLE):
            shown = _shown(question["options"], orders.get(key))
            chosen = shown[min(position, len(shown) - 1)]["key"]
            responses[key] = chosen if kind == SINGLE else [chosen]
        elif kind == ORDER:
            responses[key] = [item["key"] for item in _shown(question["items"], orders.get(key))]
        elif kind == BRANCHING:
            responses[key] = _walk(question, lambda choices: choices[min(position, len(choices) - 1)])
    return responses


def random_responses(snapshot: Mapping, rng: random.Random) -> dict[str, object]:
    """A learner who guesses: one option at random; each select-all option ticked on a coin toss;
    the items in a random order; a random choice at each scenario step."""
    responses: dict[str, object] = {}
    for question in snapshot["questions"]:
        key, kind = question["key"], question["kind"]
        if kind == SINGLE:
            responses[key] = rng.choice(question["options"])["key"]
        elif kind == MULTIPLE:
            responses[key] = [o["key"] for o in question["options"] if rng.random() < 0.5]
        elif kind == ORDER:
            responses[key] = [item["key"] for item in rng.sample(question["items"], len(question["items"]))]
        elif kind == BRANCHING:
            responses[key] = _walk(question, rng.choice)
    return responses
