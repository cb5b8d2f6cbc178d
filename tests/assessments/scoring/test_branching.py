"""Branching scenario graphs: authoring validation names steps and choices by their author's words;
best-path totals are right."""

from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring.branching import Choice, Scenario, Step, ending_cap, scenario_problems, walk


def scenario(start, *steps):
    return Scenario(start=start, steps=tuple(Step(key, tuple(choices)) for key, choices in steps))


GOOD = scenario(
    "text",
    ("text", [Choice("call", {"values-communication": 2}, "visit"), Choice("ignore", {}, None)]),
    ("visit", [Choice("warm", {"links-to-resources": 3}, None), Choice("cold", {"links-to-resources": 1}, None)]),
)


def test_a_valid_scenario_has_no_problems():
    assert scenario_problems(GOOD) == []


def test_dangling_link_names_the_step_and_the_choice_by_its_text_never_its_id():
    bad = scenario(
        "The phone call",
        ("The phone call", [Choice("3f2b9c1e-uuid", {}, "nowhere", "Tell her you'll call CPS")]),
    )
    assert scenario_problems(bad) == [
        'Step "The phone call": choice "Tell her you\'ll call CPS" leads to step "nowhere", which does not exist.'
    ]


def test_a_choice_without_text_yet_is_named_by_its_place_in_the_step():
    bad = scenario("a", ("a", [Choice("id-1", {}, None, "End the call"), Choice("id-2", {}, "nowhere", " ")]))
    assert scenario_problems(bad) == ['Step "a": choice 2 leads to step "nowhere", which does not exist.']


def test_steps_sharing_a_name_are_named():
    bad = scenario("a", ("a", [Choice("x", {}, None)]), ("a", [Choice("y", {}, None)]))
    assert scenario_problems(bad) == ['2 steps are named "a"; give each step its own name.']


def test_cycle_is_refused_and_shown():
    bad = scenario("a", ("a", [Choice("x", {}, "b")]), ("b", [Choice("y", {}, "a"), Choice("z", {}, None)]))
    assert scenario_problems(bad) == ['The scenario loops back on itself: "a" → "b" → "a".']


def test_unreachable_step_is_named():
    bad = scenario("a", ("a", [Choice("x", {}, None)]), ("island", [Choice("y", {}, None)]))
    assert scenario_problems(bad) == ['Step "island" cannot be reached from the start step "a".']


def test_step_without_choices_is_named():
    bad = scenario("a", ("a", [Choice("x", {}, "b")]), ("b", []))
    assert scenario_problems(bad) == ['Step "b" has no choices, so the scenario cannot go on or end there.']


def test_missing_start_is_named():
    assert scenario_problems(scenario("start", ("a", [Choice("x")]))) == [
        'The scenario starts at step "start", which does not exist.'
    ]


def test_an_unreachable_loop_is_named_as_unreachable():
    bad = scenario("a", ("a", [Choice("x", {}, None)]), ("b", [Choice("y", {}, "b")]))
    assert scenario_problems(bad) == ['Step "b" cannot be reached from the start step "a".']


def test_negative_credit_is_refused():
    bad = scenario("a", ("a", [Choice("id-1", {"c": -1}, None, "Lend her the money")]))
    assert scenario_problems(bad) == ['Step "a": choice "Lend her the money" has negative credit.']


def test_best_path_and_totals():
    assert GOOD.best_total == 5
    assert GOOD.best_path_credits == {"links-to-resources": 3, "values-communication": 2}
    assert GOOD.best_path() == ("call", "warm")


def test_walk_follows_the_learners_choices():
    assert walk(GOOD, ["call", "cold"]) == ({"values-communication": 2, "links-to-resources": 1}, True)
    assert walk(GOOD, ["call"]) == ({"values-communication": 2}, False)
    assert walk(GOOD, ["warm"]) == ({}, False)


@st.composite
def random_dags(draw):
    """Random valid scenarios: steps 0..n-1, each choice leads forward or ends."""
    n = draw(st.integers(min_value=1, max_value=7))
    steps = []
    for i in range(n):
        choices = []
        for c in range(draw(st.integers(min_value=1, max_value=3))):
            target = draw(st.one_of(st.none(), st.integers(min_value=i + 1, max_value=n))) if i + 1 < n else None
            credit = draw(st.integers(min_value=0, max_value=5))
            choices.append(
                Choice(f"s{i}c{c}", {"a" if c % 2 else "b": credit}, None if target in (None, n) else f"s{target}")
            )
        if i + 1 < n:
            # Keep every step reachable: step i always has a choice leading to step i + 1.
            choices.append(Choice(f"s{i}next", {}, f"s{i + 1}"))
        steps.append(Step(f"s{i}", tuple(choices)))
    return Scenario(start="s0", steps=tuple(steps))


def all_paths(sc, key):
    step = sc.step_map[key]
    for choice in step.choices:
        if choice.next is None:
            yield [choice]
        else:
            for rest in all_paths(sc, choice.next):
                yield [choice, *rest]


@settings(max_examples=200, deadline=None)
@given(random_dags())
def test_best_totals_match_brute_force_on_random_valid_graphs(sc):
    assert scenario_problems(sc) == []
    paths = list(all_paths(sc, sc.start))
    assert sc.best_total == max(sum(c.total for c in path) for path in paths)
    earned, ended = walk(sc, sc.best_path())
    assert ended and sum(earned.values()) == sc.best_total
    assert earned == sc.best_path_credits


# Endings that end badly: a cap on what the scenario can earn


def test_a_cap_on_a_choice_that_does_not_end_the_scenario_is_refused():
    bad = scenario(
        "text",
        (
            "text",
            [Choice("call", {"talk": 2}, "visit", "Call her back", ending_cap=25), Choice("stop", {}, None, "Stop")],
        ),
        ("visit", [Choice("warm", {"talk": 1}, None, "Go with her")]),
    )
    assert scenario_problems(bad) == [
        'Step "text": choice "Call her back" leads on to step "visit", so it cannot cap what the ending earns. '
        "Cap only a choice that ends the scenario."
    ]


def test_a_best_path_that_ends_capped_is_refused():
    bad = scenario(
        "text",
        (
            "text",
            [Choice("call", {"talk": 2}, None, "Call CPS", ending_cap=25), Choice("stop", {"talk": 1}, None, "Wait")],
        ),
    )
    assert scenario_problems(bad) == [
        'The best path ends at step "text" with choice "Call CPS", which caps the ending at 25%, so no one could '
        "earn full marks. Cap only endings that go badly."
    ]


def test_a_cap_outside_0_to_100_is_refused():
    bad = scenario("a", ("a", [Choice("x", {"talk": 1}, None, "Go"), Choice("y", {}, None, "Leave", ending_cap=120)]))
    assert scenario_problems(bad) == ['Step "a": choice "Leave" caps its ending outside 0 to 100%.']


def test_the_ending_cap_is_that_of_the_ending_reached():
    capped = scenario(
        "text",
        ("text", [Choice("call", {"talk": 2}, "visit"), Choice("stop", {}, None, ending_cap=10)]),
        ("visit", [Choice("warm", {"talk": 3}, None), Choice("cold", {"talk": 2}, None, ending_cap=25)]),
    )
    assert scenario_problems(capped) == []
    assert ending_cap(capped, ["call", "cold"]) == 25
    assert ending_cap(capped, ["call", "warm"]) is None
    assert ending_cap(capped, ["call"]) is None  # not ended yet
    assert ending_cap(capped, ["stop"]) == 10
