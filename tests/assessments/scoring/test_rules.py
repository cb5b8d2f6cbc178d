"""The pure scoring module: worked examples and properties that must hold for any quiz."""

import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from assessments.scoring.branching import Choice, Scenario, Step
from assessments.scoring.rules import (
    BRANCHING,
    MULTIPLE,
    ORDER,
    REFLECTION,
    SINGLE,
    Option,
    Question,
    QuizVersion,
    best_response,
    order_fraction,
    question_fraction,
    score,
)

MONEY = Question(
    "money",
    SINGLE,
    competencies=("engages-relationships",),
    options=(Option("lend", 0.0), Option("refer", 1.0), Option("ignore", 0.5)),
)
SIGNS = Question(
    "signs",
    MULTIPLE,
    competencies=("helps-manage-crises",),
    options=(Option("a", 0.5), Option("b", 0.5), Option("c", -0.5), Option("d", -0.5)),
)
HANDOFF = Question(
    "handoff", ORDER, competencies=("links-to-resources",), order=("consent", "call", "introduce", "follow-up")
)
SCENARIO = Question(
    "texts",
    BRANCHING,
    points=2,
    scenario=Scenario(
        "s1",
        (
            Step("s1", (Choice("call", {"values-communication": 2}, "s2"), Choice("wait", {}, None))),
            Step("s2", (Choice("warm", {"links-to-resources": 2}, None), Choice("cold", {}, None))),
        ),
    ),
)
REFLECT = Question("reflect", REFLECTION)
QUIZ = QuizVersion(
    questions=(MONEY, SIGNS, HANDOFF, SCENARIO, REFLECT), pass_mark=70, mastery={"helps-manage-crises": 50}
)


def test_single_best_response_credits():
    assert [question_fraction(MONEY, key) for key in ("refer", "ignore", "lend", None, "bogus")] == [1, 0.5, 0, 0, 0]


def test_select_all_partial_credit_never_goes_below_zero():
    assert question_fraction(SIGNS, ["a", "b"]) == 1
    assert question_fraction(SIGNS, ["a"]) == 0.5
    assert question_fraction(SIGNS, ["a", "c"]) == 0
    assert question_fraction(SIGNS, ["c", "d"]) == 0
    assert question_fraction(SIGNS, ["a", "b", "c"]) == 0.5


def test_select_all_all_or_nothing():
    strict = Question("s", MULTIPLE, options=SIGNS.options, all_or_nothing=True)
    assert question_fraction(strict, ["b", "a"]) == 1
    assert question_fraction(strict, ["a"]) == 0


def test_order_partial_credit_by_correctly_ordered_pairs():
    assert order_fraction(("a", "b", "c"), ("a", "b", "c")) == 1
    assert order_fraction(("a", "b", "c"), ("c", "b", "a")) == 0
    assert order_fraction(("a", "b", "c"), ("b", "a", "c")) == pytest.approx(2 / 3)


def test_branching_scores_the_path_over_the_best_path():
    assert question_fraction(SCENARIO, ["call", "warm"]) == 1
    assert question_fraction(SCENARIO, ["call", "cold"]) == 0.5
    assert question_fraction(SCENARIO, ["wait"]) == 0


def test_whole_quiz_with_competencies_and_pass_rule():
    result = score(QUIZ, {"money": "ignore", "signs": ["a"], "handoff": HANDOFF.order, "texts": ["call", "cold"]})
    # 0.5 + 0.5 + 1 + 2 * 0.5 = 3 of 5 points
    assert (result.overall.earned, result.overall.possible) == (3, 5)
    assert result.percent == 60 and not result.passed
    assert result.competencies["engages-relationships"].percent == 50
    assert result.competencies["values-communication"].percent == 100
    # The order question earns 1 of 1 point; the scenario's path earned none of the 2 points the
    # best path earns for this competency.
    assert result.competencies["links-to-resources"].percent == pytest.approx(100 / 3)
    assert "reflect" not in result.questions


def test_mastery_threshold_can_fail_an_otherwise_passing_attempt():
    responses = {q.key: best_response(q) for q in QUIZ.questions}
    responses["signs"] = ["c"]
    result = score(QUIZ, responses)
    assert result.percent == 80
    assert not result.competencies["helps-manage-crises"].met
    assert not result.passed


def test_unanswered_quiz_scores_zero():
    result = score(QUIZ, {})
    assert result.percent == 0 and not result.passed


# Property-based tests over random quizzes.

codes = st.sampled_from(["engages-relationships", "provides-support", "values-communication", "links-to-resources"])


@st.composite
def questions(draw, index):
    kind = draw(st.sampled_from([SINGLE, MULTIPLE, ORDER, BRANCHING]))
    key = f"q{index}"
    tags = tuple(draw(st.sets(codes, max_size=2)))
    points = draw(st.sampled_from([1.0, 2.0, 0.5]))
    if kind == SINGLE:
        credits = draw(st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=2, max_size=5))
        assume(max(credits) == 1.0)
        options = tuple(Option(f"{key}o{i}", c) for i, c in enumerate(credits))
        return Question(key, kind, points, tags, options=options)
    if kind == MULTIPLE:
        right = draw(st.integers(min_value=1, max_value=3))
        wrong = draw(st.integers(min_value=0, max_value=3))
        options = tuple(Option(f"{key}r{i}", 1 / right) for i in range(right)) + tuple(
            Option(f"{key}w{i}", -1 / right) for i in range(wrong)
        )
        return Question(key, kind, points, tags, options=options, all_or_nothing=draw(st.booleans()))
    if kind == ORDER:
        n = draw(st.integers(min_value=2, max_value=6))
        return Question(key, kind, points, tags, order=tuple(f"{key}i{i}" for i in range(n)))
    n = draw(st.integers(min_value=1, max_value=4))
    steps = []
    for i in range(n):
        nxt = f"{key}s{i + 1}" if i + 1 < n else None
        choices = tuple(
            Choice(f"{key}s{i}c{c}", {draw(codes): float(draw(st.integers(0, 3)))}, nxt if c == 0 else None)
            for c in range(draw(st.integers(min_value=1, max_value=3)))
        )
        steps.append(Step(f"{key}s{i}", choices))
    scenario = Scenario(f"{key}s0", tuple(steps))
    assume(scenario.best_total > 0)
    return Question(key, kind, points, tags, scenario=scenario)


@st.composite
def quizzes(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    return QuizVersion(questions=tuple(draw(questions(i)) for i in range(n)), pass_mark=draw(st.floats(0, 100)))


@st.composite
def any_response(draw, question):
    if question.kind == SINGLE:
        return draw(st.sampled_from([None, *[o.key for o in question.options]]))
    if question.kind == MULTIPLE:
        return draw(st.sets(st.sampled_from([o.key for o in question.options])))
    if question.kind == ORDER:
        return tuple(draw(st.permutations(question.order)))
    path, current = [], question.scenario.start
    while current is not None:
        choice = draw(st.sampled_from(question.scenario.step_map[current].choices))
        path.append(choice.key)
        current = choice.next if draw(st.booleans()) or choice.next is None else None
    return tuple(path)


@st.composite
def attempts(draw):
    quiz = draw(quizzes())
    return quiz, {q.key: draw(any_response(q)) for q in quiz.questions}


@settings(max_examples=300, deadline=None)
@given(attempts())
def test_scores_stay_between_zero_and_the_maximum(attempt):
    quiz, responses = attempt
    result = score(quiz, responses)
    assert 0 <= result.overall.earned <= result.overall.possible + 1e-9
    assert 0 <= result.percent <= 100 + 1e-9
    for tally in [*result.competencies.values(), *result.questions.values()]:
        assert -1e-9 <= tally.earned <= tally.possible + 1e-9


@settings(max_examples=300, deadline=None)
@given(quizzes())
def test_a_perfect_response_set_scores_100_percent(quiz):
    result = score(quiz, {q.key: best_response(q) for q in quiz.questions})
    assert result.percent == pytest.approx(100)
    assert all(c.percent == pytest.approx(100) for c in result.competencies.values())
    assert result.passed


@settings(max_examples=300, deadline=None)
@given(attempts(), st.data())
def test_changing_an_answer_to_the_best_one_never_lowers_the_score(attempt, data):
    quiz, responses = attempt
    question = data.draw(st.sampled_from(quiz.questions))
    before = score(quiz, responses)
    after = score(quiz, {**responses, question.key: best_response(question)})
    assert after.overall.earned >= before.overall.earned - 1e-9
    assert after.questions[question.key].earned >= before.questions[question.key].earned - 1e-9


@settings(max_examples=300, deadline=None)
@given(attempts(), st.randoms(use_true_random=False))
def test_shuffling_questions_and_options_does_not_change_the_score(attempt, rnd: random.Random):
    quiz, responses = attempt
    shuffled_questions = []
    for question in quiz.questions:
        options = list(question.options)
        rnd.shuffle(options)
        shuffled_questions.append(
            Question(
                question.key,
                question.kind,
                question.points,
                question.competencies,
                tuple(options),
                question.all_or_nothing,
                question.order,
                question.scenario,
            )
        )
    rnd.shuffle(shuffled_questions)
    shuffled = QuizVersion(tuple(shuffled_questions), quiz.pass_mark, quiz.mastery)
    assert score(shuffled, responses) == score(quiz, responses)


# A capped ending holds the scenario, and each competency's share from it, at the cap.

CAPPED = Question(
    "capped",
    BRANCHING,
    points=2,
    competencies=("helps-manage-crises",),
    scenario=Scenario(
        "text",
        (
            Step("text", (Choice("stay", {"helps-manage-crises": 2, "talk": 1}, "next"), Choice("leave", {}, None))),
            Step(
                "next",
                (
                    Choice("link", {"helps-manage-crises": 2}, None),
                    Choice("lecture", {"talk": 1}, None, ending_cap=25),
                ),
            ),
        ),
    ),
)


def test_a_capped_ending_limits_the_fraction_whatever_came_before():
    assert question_fraction(CAPPED, ["stay", "link"]) == 1
    # Uncapped, staying then lecturing would earn 2 + 1 + 1 of 5: 80%. The ending holds it at 25%.
    assert question_fraction(CAPPED, ["stay", "lecture"]) == 0.25
    # A path that earns less than the cap keeps what it earned.
    assert question_fraction(CAPPED, ["leave"]) == 0


def test_a_capped_ending_limits_each_competencys_share():
    result = score(QuizVersion((CAPPED,)), {"capped": ["stay", "lecture"]})
    assert result.questions["capped"].earned == 0.5
    # Uncapped: crisis 2 of 4 (50%) and talk 2 of 1 (held at 100%); both held at 25%.
    assert result.competencies["helps-manage-crises"].percent == 25
    assert result.competencies["talk"].percent == 25


def test_an_unfinished_path_is_not_capped():
    assert question_fraction(CAPPED, ["stay"]) == pytest.approx(3 / 5)
