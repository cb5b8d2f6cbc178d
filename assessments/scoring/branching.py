"""Branching scenarios as graphs: validation and best-path totals. Pure functions, no database.

A scenario is a set of steps. Each step offers choices; each choice earns credit per
competency and either leads to another step or ends the scenario. A valid scenario is a
directed acyclic graph in which every step is reachable from the start and every path ends.

A choice that ends the scenario badly may carry an ``ending_cap``: the most, in percent, a path
ending with it can earn, whatever came before (``rules.score`` applies it). Only a choice that ends
the scenario may carry one, and the best path may not end capped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property


@dataclass(frozen=True)
class Choice:
    key: str  # an internal id: never shown to the trainer, who knows the choice by its text
    credits: Mapping[str, float] = field(default_factory=dict)  # competency code -> credit (>= 0)
    next: str | None = None  # the step it leads to; None ends the scenario
    text: str = ""  # what the trainer wrote, which problems quote
    ending_cap: float | None = None  # percent: the most a path ending with this choice can earn

    @property
    def total(self) -> float:
        return sum(self.credits.values())


@dataclass(frozen=True)
class Step:
    key: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class Scenario:
    start: str
    steps: tuple[Step, ...]

    def step(self, key: str) -> Step | None:
        return next((step for step in self.steps if step.key == key), None)

    @cached_property
    def step_map(self) -> dict[str, Step]:
        return {step.key: step for step in self.steps}

    @cached_property
    def best_by_step(self) -> dict[str, float]:
        """For each step, the most credit a path from it can still earn. Valid scenarios only."""
        steps = {step.key: step for step in self.steps}

        @cache
        def best_from(key: str) -> float:
            return max(c.total + (best_from(c.next) if c.next else 0.0) for c in steps[key].choices)

        return {key: best_from(key) for key in steps}

    @cached_property
    def best_total(self) -> float:
        """The best path's total credit."""
        return self.best_by_step[self.start]

    def best_path(self) -> tuple[str, ...]:
        """The choice keys of a path earning the best total (ties go to the first choice listed)."""
        steps = {step.key: step for step in self.steps}
        path, current = [], self.start
        while current is not None:
            best = max(steps[current].choices, key=lambda c: c.total + (self.best_by_step[c.next] if c.next else 0.0))
            path.append(best.key)
            current = best.next
        return tuple(path)

    @cached_property
    def best_path_credits(self) -> dict[str, float]:
        """Credit per competency along the best path: what full mastery looks like in this scenario."""
        earned, _ended = walk(self, self.best_path())
        return earned


def _choice_name(choice: Choice, position: int) -> str:
    """A choice as its author knows it: its text, or its place in the step while it has none."""
    return f'choice "{choice.text}"' if choice.text.strip() else f"choice {position}"


def scenario_problems(scenario: Scenario) -> list[str]:
    """Every reason the scenario cannot be taken, naming steps and choices by the words their author wrote
    (step names and choice texts, never internal ids). Empty when valid."""
    steps = {step.key: step for step in scenario.steps}
    problems = []
    names = [step.key for step in scenario.steps]
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append(f'{names.count(name)} steps are named "{name}"; give each step its own name.')
    if scenario.start not in steps:
        return [*problems, f'The scenario starts at step "{scenario.start}", which does not exist.']
    for step in scenario.steps:
        if not step.choices:
            problems.append(f'Step "{step.key}" has no choices, so the scenario cannot go on or end there.')
        for position, choice in enumerate(step.choices, start=1):
            choice_name = _choice_name(choice, position)
            if choice.next is not None and choice.next not in steps:
                problems.append(
                    f'Step "{step.key}": {choice_name} leads to step "{choice.next}", which does not exist.'
                )
            if any(credit < 0 for credit in choice.credits.values()):
                problems.append(f'Step "{step.key}": {choice_name} has negative credit.')
            if choice.ending_cap is not None:
                if choice.next is not None:
                    problems.append(
                        f'Step "{step.key}": {choice_name} leads on to step "{choice.next}", so it cannot cap '
                        "what the ending earns. Cap only a choice that ends the scenario."
                    )
                elif not 0 <= choice.ending_cap <= 100:
                    problems.append(f'Step "{step.key}": {choice_name} caps its ending outside 0 to 100%.')
    if problems:
        return problems

    reachable = _reachable(scenario.start, steps)
    for key in steps:
        if key not in reachable:
            problems.append(f'Step "{key}" cannot be reached from the start step "{scenario.start}".')
    cycle = _find_cycle(scenario.start, steps)
    if cycle:
        problems.append("The scenario loops back on itself: " + " → ".join(f'"{key}"' for key in cycle) + ".")
    else:
        ends = _ending_steps(steps)
        for key in sorted(reachable):
            if key not in ends:
                problems.append(
                    f'Every path from step "{key}" goes on forever; give it a choice that ends the scenario.'
                )
    if not problems:
        cap = ending_cap(scenario, scenario.best_path())
        if cap is not None:
            step_key, choice = trace(scenario, scenario.best_path()).followed[-1]
            position = steps[step_key].choices.index(choice) + 1
            problems.append(
                f'The best path ends at step "{step_key}" with {_choice_name(choice, position)}, which caps the ending at '
                f"{cap:g}%, so no one could earn full marks. Cap only endings that go badly."
            )
    return problems


def _reachable(start: str, steps: Mapping[str, Step]) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        todo.extend(choice.next for choice in steps[key].choices if choice.next is not None)
    return seen


def _find_cycle(start: str, steps: Mapping[str, Step]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(key: str) -> list[str] | None:
        state[key] = 1
        path.append(key)
        for choice in steps[key].choices:
            if choice.next is None:
                continue
            if state.get(choice.next) == 1:
                return path[path.index(choice.next) :] + [choice.next]
            if choice.next not in state and (found := visit(choice.next)):
                return found
        path.pop()
        state[key] = 2
        return None

    return visit(start)


def _ending_steps(steps: Mapping[str, Step]) -> set[str]:
    """Steps from which some path reaches an end (a choice that leads nowhere)."""
    ends = {key for key, step in steps.items() if any(choice.next is None for choice in step.choices)}
    grew = True
    while grew:
        grew = False
        for key, step in steps.items():
            if key not in ends and any(choice.next in ends for choice in step.choices):
                ends.add(key)
                grew = True
    return ends


@dataclass(frozen=True)
class Trace:
    """Where a learner's choices lead: the choices followed, and the step reached."""

    followed: tuple[tuple[str, Choice], ...]  # (step key, choice) for each choice taken, in order
    current: str | None  # the step reached; None once the scenario has ended

    @property
    def ended(self) -> bool:
        return self.current is None


def trace(scenario: Scenario, choice_keys: Iterable[str]) -> Trace:
    """Follow a learner's choices from the start: the one walk of a scenario, used to score, show and check a step.

    The walk stops at the first choice that does not belong to the current step, or once the
    scenario has ended.
    """
    steps = scenario.step_map
    followed: list[tuple[str, Choice]] = []
    current: str | None = scenario.start
    for key in choice_keys:
        choice = None if current is None else next((c for c in steps[current].choices if c.key == key), None)
        if choice is None:
            break
        followed.append((current, choice))
        current = choice.next
    return Trace(tuple(followed), current)


def ending_cap(scenario: Scenario, choice_keys: Iterable[str]) -> float | None:
    """The cap (percent) of the ending a learner's path reached, or None: not ended, or ended uncapped."""
    path = trace(scenario, choice_keys)
    if not path.ended or not path.followed:
        return None
    return path.followed[-1][1].ending_cap


def walk(scenario: Scenario, choice_keys: Iterable[str]) -> tuple[dict[str, float], bool]:
    """Credit earned per competency along the learner's choices, and whether the path ended."""
    path = trace(scenario, choice_keys)
    earned: dict[str, float] = {}
    for _step, choice in path.followed:
        for code, credit in choice.credits.items():
            earned[code] = earned.get(code, 0.0) + credit
    return earned, path.ended
