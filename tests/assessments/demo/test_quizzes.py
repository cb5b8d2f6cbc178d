"""The demo quizzes measure judgement: learners who answer by the look of the options, or at random, fail.

Each demo quiz is loaded from its file in assessments/demo/quizzes/ through the real loader into a published Quiz,
started by a learner (so it is frozen by quiz_snapshot and shuffled by the real attempt start),
and scored with scoring.score, so mastery thresholds count. The learners who do not read:

- by length: always the longest option, always the shortest (select-all: the longer or shorter
  half of the options; put in order: the items by length; a scenario: the longest or shortest
  choice at each step);
- by position: always option k, for every k, as written (what learners see when a trainer
  switches shuffling off; put-in-order items are shuffled all the same) and as shuffled for a
  learner, over several seeds;
- at random, RANDOM_RUNS times per quiz.

None of them may pass, and their scores stay at least MARGIN points below the pass mark (for
shuffled orders, on average over the seeds; every single seed must still fail). The figures are
reported in docs/benchmarks.md, printed by `python -m bench.quiz_bots`.
"""

from __future__ import annotations

import random
import statistics

import pytest

from assessments.attempts import services
from assessments.demo.quizzes import load_quizzes, quiz_create_from_data
from assessments.quizzes.publishing import quiz_cue_report, quiz_publish_problems
from assessments.scoring.cues import choice_points
from assessments.scoring.rules import BRANCHING, MULTIPLE, ORDER, SINGLE, score, version_from_snapshot
from assessments.scoring.strategies import length_responses, position_responses, random_responses, text_length
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db

MARGIN = 20  # points below the pass mark
RANDOM_RUNS = 2_000
RANDOM_PASS_RATE_LIMIT = 0.01
SEEDS = range(5)
# Writing targets, stricter than the editor's warnings (assessments.scoring.cues), which fire only at "most".
SHARE_TARGET = 1 / 3  # best answer longest, shortest, in one position, or alone repeating the question
SELECT_ALL_GAP = 1.15  # mean length of correct against other options, either way
LENGTH_RATIO = 1.6  # longest option against shortest, within a question or scenario step

QUIZZES = load_quizzes()


@pytest.fixture(params=QUIZZES, ids=[data["slug"] for data in QUIZZES])
def demo(request):
    """One demo quiz, published by the real loader, with the attempts of learners who saw it shuffled by each seed."""
    quiz, _created = quiz_create_from_data(request.param)
    attempts = [
        services.attempt_start(user=LearnerFactory(), quiz=quiz, rng=random.Random(seed)).attempt for seed in SEEDS
    ]
    return quiz, attempts


def percent(snapshot, responses) -> tuple[float, bool]:
    result = score(version_from_snapshot(snapshot), responses)
    return result.percent, result.passed


def widest(snapshot) -> int:
    pieces = [len(q.get("options", [])) for q in snapshot["questions"]]
    pieces += [len(step["choices"]) for q in snapshot["questions"] for step in q.get("steps", [])]
    return max(pieces)


def assert_fails(snapshot, responses, label, *, margin=True):
    got, passed = percent(snapshot, responses)
    assert not passed, f"{snapshot['title']}: {label} passes with {got:.1f}%"
    if margin:
        assert got <= snapshot["pass_mark"] - MARGIN, f"{snapshot['title']}: {label} scores {got:.1f}%"
    return got


def test_learners_who_pick_by_length_fail(demo):
    _quiz, attempts = demo
    snapshot = attempts[0].snapshot
    for longest in (True, False):
        assert_fails(snapshot, length_responses(snapshot, longest=longest), "longest" if longest else "shortest")


def test_learners_who_pick_one_position_fail_as_written(demo):
    _quiz, attempts = demo
    snapshot = attempts[0].snapshot
    kinds = {q["key"]: q["kind"] for q in snapshot["questions"]}
    for attempt in attempts:
        # As written, except put-in-order items, which learners always see shuffled.
        shown = {key: order for key, order in attempt.option_orders.items() if kinds[key] == ORDER}
        for position in range(widest(snapshot)):
            assert_fails(snapshot, position_responses(snapshot, position, shown), f"option {position + 1} as written")


def test_learners_who_pick_one_position_fail_as_shuffled(demo):
    _quiz, attempts = demo
    snapshot = attempts[0].snapshot
    for position in range(widest(snapshot)):
        scores = [
            assert_fails(
                snapshot,
                position_responses(snapshot, position, attempt.option_orders),
                f"option {position + 1} shuffled",
                margin=False,
            )
            for attempt in attempts
        ]
        assert statistics.mean(scores) <= snapshot["pass_mark"] - MARGIN, (position, scores)


def test_learners_who_guess_fail(demo):
    _quiz, attempts = demo
    snapshot = attempts[0].snapshot
    rng = random.Random(2026)
    results = [percent(snapshot, random_responses(snapshot, rng)) for _ in range(RANDOM_RUNS)]
    passes = sum(1 for _got, passed in results if passed)
    assert passes / RANDOM_RUNS < RANDOM_PASS_RATE_LIMIT, f"{passes} of {RANDOM_RUNS} guessers passed"
    assert statistics.mean(got for got, _passed in results) <= snapshot["pass_mark"] - MARGIN


def test_demo_quizzes_can_be_published_and_show_no_cue_warning(demo):
    quiz, _attempts = demo
    assert quiz_publish_problems(quiz) == []
    assert quiz_cue_report(quiz).warnings == ()


def test_best_answers_are_not_usually_longest_shortest_in_one_place_or_echoing(demo):
    _quiz, attempts = demo
    points = choice_points(attempts[0].snapshot)
    for label, predicate in {
        "longest": lambda point: point.best_is_longest,
        "shortest": lambda point: point.best_is_shortest,
        "alone repeating the question": lambda point: point.best_alone_repeats_question,
    }.items():
        count = sum(1 for point in points if predicate(point))
        assert count <= SHARE_TARGET * len(points), f"best answer {label} at {count} of {len(points)}"
    positions = [point.best_position for point in points]
    for position in set(positions):
        assert positions.count(position) <= SHARE_TARGET * len(points) + 1, f"best answer at {position}: {positions}"
    singles = [point.best_position for point in points if point.step is None]
    assert len(set(singles)) == len(singles), f"single-answer questions share a best position: {singles}"


def test_options_are_of_comparable_length(demo):
    _quiz, attempts = demo
    for question in attempts[0].snapshot["questions"]:
        groups = []
        if question["kind"] in (SINGLE, MULTIPLE):
            groups.append(question["options"])
        if question["kind"] == BRANCHING:
            groups += [step["choices"] for step in question["steps"] if len(step["choices"]) > 1]
        for group in groups:
            lengths = [text_length(piece["text"]) for piece in group]
            assert max(lengths) <= LENGTH_RATIO * min(lengths), (question["title"], lengths)
        if question["kind"] == MULTIPLE:
            right = statistics.mean(text_length(o["text"]) for o in question["options"] if o["correct"])
            wrong = statistics.mean(text_length(o["text"]) for o in question["options"] if not o["correct"])
            assert 1 / SELECT_ALL_GAP <= right / wrong <= SELECT_ALL_GAP, (question["title"], right, wrong)


def test_every_scenario_step_has_a_best_choice_that_is_not_usually_first_or_longest(demo):
    _quiz, attempts = demo
    snapshot = attempts[0].snapshot
    for question in snapshot["questions"]:
        if question["kind"] != BRANCHING:
            continue
        steps = [point for point in choice_points(snapshot) if point.question == question["key"]]
        for label, predicate in {
            "first": lambda point: point.best_position == 1,
            "longest": lambda point: point.best_is_longest,
        }.items():
            count = sum(1 for point in steps if predicate(point))
            assert 2 * count <= len(steps), f"{question['title']}: best choice {label} at {count} of {len(steps)} steps"
