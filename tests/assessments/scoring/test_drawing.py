"""Which questions an attempt asks: the draw per competency, the draw from the whole pool, the time an
attempt takes, and whether a mastery bar rests on enough questions in every possible attempt."""

import random
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring.drawing import (
    MIN_MASTERY_QUESTIONS,
    always_asked,
    asked_count,
    draw,
    estimated_minutes,
    extreme_draw,
    guaranteed_questions,
    mastery_shortfall_message,
    mastery_shortfalls,
    pool_shortfalls,
    pools,
    sample_draws,
)


def q(key, kind="single", *codes):
    return {"key": key, "kind": kind, "competencies": list(codes)}


def plan(*questions, draw_count=None, draw_per_competency=None):
    return {"draw_count": draw_count, "draw_per_competency": draw_per_competency, "questions": list(questions)}


# Six items whose first competency is "talk", four "links", one untagged, one reflection.
POOL = plan(
    *[q(f"t{i}", "single", "talk", "links") for i in range(6)],
    *[q(f"l{i}", "multiple", "links") for i in range(4)],
    q("untagged", "order"),
    q("reflect", "reflection", "talk"),
    draw_per_competency=3,
)


def test_a_pool_is_the_scored_questions_whose_first_competency_it_is():
    assert pools(POOL) == {"talk": [f"t{i}" for i in range(6)], "links": [f"l{i}" for i in range(4)]}
    # Questions in no pool are asked every time: the untagged one and the reflection.
    assert always_asked(POOL) == ["untagged", "reflect"]


def test_each_attempt_draws_the_set_number_from_every_pool_in_quiz_order():
    for seed in range(30):
        keys = draw(POOL, random.Random(seed))
        firsts = Counter(key[0] for key in keys if key[0] in "tl")
        assert firsts == {"t": 3, "l": 3}
        assert {"untagged", "reflect"} <= set(keys)
        order = [item["key"] for item in POOL["questions"]]
        assert keys == sorted(keys, key=order.index)
    # Over many draws every question of a pool comes up.
    seen = {key for seed in range(60) for key in draw(POOL, random.Random(seed))}
    assert seen == {item["key"] for item in POOL["questions"]}
    assert asked_count(POOL) == 8


def test_a_draw_from_the_whole_pool_and_no_draw():
    whole = plan(*POOL["questions"], draw_count=5)
    assert all(len(draw(whole, random.Random(seed))) == 5 for seed in range(10))
    assert asked_count(whole) == 5
    everything = plan(*POOL["questions"])
    assert draw(everything, random.Random(1)) == [item["key"] for item in POOL["questions"]]
    assert asked_count(everything) == 12
    # A draw as large as the pool asks everything, as before.
    assert asked_count(plan(*POOL["questions"], draw_count=99)) == 12


def test_a_pool_smaller_than_the_draw_is_named_with_its_size():
    assert pool_shortfalls(plan(*POOL["questions"], draw_per_competency=5)) == {"links": 4}
    assert pool_shortfalls(POOL) == {}


def test_minutes_count_two_per_short_question_four_per_scenario_five_per_reflection():
    fixed = plan(q("a"), q("b", "multiple"), q("c", "order"), q("d", "branching"), q("e", "reflection"))
    assert estimated_minutes(fixed) == 2 + 2 + 2 + 4 + 5
    # With a draw, what is asked: three singles from a pool of singles, the reflection every time.
    drawn = plan(*[q(f"s{i}", "single", "talk") for i in range(6)], q("r", "reflection"), draw_per_competency=3)
    assert estimated_minutes(drawn) == 3 * 2 + 5
    # A pool mixing kinds gives the average over its draws, rounded up.
    mixed = plan(q("a", "single", "talk"), q("b", "branching", "talk"), draw_per_competency=1)
    assert estimated_minutes(mixed) == 3


def test_guaranteed_questions_fixed_set_counts_tagged_scored_questions():
    fixed = plan(*POOL["questions"])
    assert guaranteed_questions(fixed, "talk") == 6  # the reflection does not count
    assert guaranteed_questions(fixed, "links") == 10


def test_guaranteed_questions_per_competency_is_the_draw_from_its_own_pool_only():
    # "links" is also the second tag of the "talk" items, but those may not be drawn: only its own 3 are sure.
    assert guaranteed_questions(POOL, "links") == 3
    assert guaranteed_questions(plan(*POOL["questions"], draw_per_competency=2), "talk") == 2


def test_guaranteed_questions_from_the_whole_pool_is_the_draw_less_the_others():
    # 12 questions, 10 scoring links: a draw of 5 may take both others, so 3 are sure.
    assert guaranteed_questions(plan(*POOL["questions"], draw_count=5), "links") == 3
    # 6 scoring talk, 6 not: a draw of 5 could miss talk entirely.
    assert guaranteed_questions(plan(*POOL["questions"], draw_count=5), "talk") == 0


def test_a_scenario_counts_for_the_competencies_its_choices_credit():
    scenario = {**q("s", "branching"), "steps": [{"choices": [{"credits": {"crisis": 2}}]}]}
    assert guaranteed_questions(plan(scenario, q("a", "single", "crisis"), q("b", "single", "crisis")), "crisis") == 3


def test_mastery_shortfalls_name_every_bar_on_fewer_than_three_questions():
    assert MIN_MASTERY_QUESTIONS == 3
    assert mastery_shortfalls(plan(*POOL["questions"], draw_per_competency=2), ["talk", "links"]) == {
        "talk": 2,
        "links": 2,
    }
    assert mastery_shortfalls(POOL, ["talk", "links"]) == {}
    assert mastery_shortfalls(POOL, ["crisis"]) == {"crisis": 0}
    assert "on only 2 questions" in mastery_shortfall_message("Talk", 2)
    assert "on no question" in mastery_shortfall_message("Talk", 0)


def test_the_extreme_draw_takes_the_lowest_or_highest_of_each_pool():
    values = {f"t{i}": i for i in range(6)} | {f"l{i}": 10 - i for i in range(4)} | {"untagged": 0, "reflect": 0}
    assert extreme_draw(POOL, values.__getitem__) == ["t0", "t1", "t2", "l1", "l2", "l3", "untagged", "reflect"]
    assert extreme_draw(POOL, values.__getitem__, lowest=False) == [
        "t3",
        "t4",
        "t5",
        "l0",
        "l1",
        "l2",
        "untagged",
        "reflect",
    ]


def test_sample_draws_are_fixed_and_one_without_a_draw():
    assert sample_draws(POOL, 5) == sample_draws(POOL, 5)
    assert len(sample_draws(POOL, 5)) == 5
    assert len(sample_draws(plan(*POOL["questions"]), 5)) == 1


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=4),
    per=st.integers(min_value=1, max_value=8),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_every_attempt_scores_each_competency_on_at_least_its_guaranteed_questions(sizes, per, seed):
    questions = [q(f"c{c}-{i}", "single", f"c{c}") for c, size in enumerate(sizes) for i in range(size)]
    drawn_plan = plan(*questions, draw_per_competency=per)
    keys = set(draw(drawn_plan, random.Random(seed)))
    for c in range(len(sizes)):
        asked = sum(1 for key in keys if key.startswith(f"c{c}-"))
        assert asked == guaranteed_questions(drawn_plan, f"c{c}") == min(per, sizes[c])


@pytest.mark.parametrize("count", [1, 3, 7])
def test_a_draw_from_the_whole_pool_never_asks_fewer_than_guaranteed(count):
    for seed in range(40):
        keys = draw(plan(*POOL["questions"], draw_count=count), random.Random(seed))
        tagged = sum(1 for key in keys if key.startswith(("t", "l")))
        assert tagged >= guaranteed_questions(plan(*POOL["questions"], draw_count=count), "links")
