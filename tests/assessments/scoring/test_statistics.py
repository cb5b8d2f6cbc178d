"""Item statistics: hand-worked examples checked against Moodle's definitions, and properties for any attempts."""

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.scoring.statistics import (
    NEGATIVE_DISCRIMINATION,
    VERY_EASY,
    VERY_HARD,
    AttemptRecord,
    ItemResponse,
    ItemRow,
    ItemStatistics,
    item_statistics,
    labelled_option_counts,
    option_labels,
    statistics_csv_rows,
)


def attempt(attempt_id: str, *items: tuple) -> AttemptRecord:
    """An attempt from (question, fraction) or (question, fraction, chosen) tuples."""
    return AttemptRecord(attempt_id, tuple(ItemResponse(*item) for item in items))


def by_question(stats: list[ItemStatistics]) -> dict[str, ItemStatistics]:
    return {item.question: item for item in stats}


# Four learners, three questions, everyone asked everything.
#
#            consent  crisis  boundaries
#   a1         1       1        0
#   a2         1       0.5      1
#   a3         0       0.5      0
#   a4         0       0        1
#
# Every column has mean 0.5, so facility 50 for each.
# SD (divisor n - 1): consent and boundaries: deviations ±0.5, sum of squares 1, sqrt(1/3) = 57.735%;
#   crisis: deviations 0.5, 0, 0, -0.5, sum of squares 0.5, sqrt(0.5/3) = 40.825%.
# Rest of test = mean of the attempt's other two fractions.
#   consent: rest 0.5, 0.75, 0.25, 0.5 (mean 0.5, deviations 0, .25, -.25, 0, sum of squares 0.125);
#     covariance sum 0.5*0 + 0.5*0.25 + (-0.5)(-0.25) + (-0.5)*0 = 0.25;
#     r = 0.25 / sqrt(1 * 0.125) = 1/sqrt(2) -> 70.711.
#   crisis: rest 0.5, 1, 0, 0.5 (deviations 0, .5, -.5, 0); crisis deviations .5, 0, 0, -.5;
#     covariance sum 0 -> r = 0 (defined: both sides vary).
#   boundaries: rest 1, 0.75, 0.25, 0 (deviations .5, .25, -.25, -.5, sum of squares 0.625);
#     covariance sum (-.5)(.5) + (.5)(.25) + (-.5)(-.25) + (.5)(-.5) = -0.25;
#     r = -0.25 / sqrt(1 * 0.625) = -1/sqrt(10) -> -31.623.
WORKED = [
    attempt("a1", ("consent", 1.0, ("ask",)), ("crisis", 1.0, ("call", "warm")), ("boundaries", 0.0, ("lend",))),
    attempt("a2", ("consent", 1.0, ("ask",)), ("crisis", 0.5, ("call", "cold")), ("boundaries", 1.0, ("refer",))),
    attempt("a3", ("consent", 0.0, ("assume",)), ("crisis", 0.5, ("call", "cold")), ("boundaries", 0.0, ("lend",))),
    attempt("a4", ("consent", 0.0, ()), ("crisis", 0.0, ("wait",)), ("boundaries", 1.0, ("refer",))),
]


def test_hand_worked_facility_sd_and_discrimination():
    stats = item_statistics(WORKED)

    assert [item.question for item in stats] == ["consent", "crisis", "boundaries"]
    consent, crisis, boundaries = stats
    assert [item.attempts for item in stats] == [4, 4, 4]
    assert [item.facility for item in stats] == pytest.approx([50.0, 50.0, 50.0])
    assert consent.standard_deviation == pytest.approx(100 * math.sqrt(1 / 3))
    assert crisis.standard_deviation == pytest.approx(100 * math.sqrt(0.5 / 3))
    assert boundaries.standard_deviation == pytest.approx(100 * math.sqrt(1 / 3))
    assert consent.discrimination == pytest.approx(100 / math.sqrt(2))
    assert crisis.discrimination == pytest.approx(0.0)
    assert boundaries.discrimination == pytest.approx(-100 / math.sqrt(10))


def test_warnings_wait_for_enough_attempts():
    # Four attempts: the negative discrimination of "boundaries" is not reported by default ...
    assert all(item.flags == () for item in item_statistics(WORKED))
    # ... but is once four attempts are enough.
    flags = {item.question: item.flags for item in item_statistics(WORKED, min_attempts=4)}
    assert flags == {"consent": (), "crisis": (), "boundaries": (NEGATIVE_DISCRIMINATION,)}


def test_question_everyone_gets_right():
    # "greeting" is always right; "referral" varies so the rest of the test has spread.
    records = [
        attempt(f"a{n}", ("greeting", 1.0), ("referral", fraction)) for n, fraction in enumerate([1, 0, 0.5, 1, 0])
    ]

    greeting = item_statistics(records)[0]

    assert greeting.attempts == 5
    assert greeting.facility == 100.0
    assert greeting.standard_deviation == 0.0
    assert greeting.discrimination is None  # no spread in the question, so no correlation
    assert greeting.flags == (VERY_EASY,)

    below_minimum = item_statistics(records[:4])[0]
    assert below_minimum.facility == 100.0
    assert below_minimum.flags == ()


def test_negative_discrimination_is_flagged():
    # "trap" is answered right only by the learners who do worst on the rest.
    #   trap:  0, 0, 0, 1, 1     mean 0.4, deviations -.4 x3, .6 x2, sum of squares 1.2
    #   rest:  1, 1, .5, 0, 0    (mean of a and b) mean 0.5, deviations .5, .5, 0, -.5, -.5, sum of squares 1
    #   covariance sum -.2 - .2 + 0 - .3 - .3 = -1;  r = -1 / sqrt(1.2) -> -91.287
    rows = [(0, 1, 1), (0, 1, 1), (0, 0, 1), (1, 0, 0), (1, 0, 0)]
    records = [attempt(f"a{n}", ("trap", t), ("a", a), ("b", b)) for n, (t, a, b) in enumerate(rows)]

    trap = item_statistics(records)[0]

    assert trap.facility == pytest.approx(40.0)
    assert trap.discrimination == pytest.approx(-100 / math.sqrt(1.2))
    assert trap.flags == (NEGATIVE_DISCRIMINATION,)


@pytest.mark.parametrize(
    ("fractions", "flags"),
    [
        ([0, 0, 0, 0, 0.5], (VERY_HARD,)),  # 10%
        ([0, 0, 0, 0, 1], ()),  # exactly 20% is not below 20%
        ([1, 1, 1, 1, 0.75], ()),  # exactly 95% is not above 95%
        ([1, 1, 1, 1, 0.8], (VERY_EASY,)),  # 96%
    ],
)
def test_facility_warning_thresholds(fractions, flags):
    # The other question is constant, so the rest has no spread and discrimination stays silent.
    records = [attempt(f"a{n}", ("q", fraction), ("other", 0.5)) for n, fraction in enumerate(fractions)]

    assert item_statistics(records)[0].flags == flags


def test_option_counts_count_each_key_once_per_attempt():
    records = [
        attempt("a1", ("signs", 1.0, ("a", "b")), ("texts", 1.0, ("call", "warm"))),
        attempt("a2", ("signs", 0.5, ("a", "c", "a")), ("texts", 0.0, ("wait",))),
        attempt("a3", ("signs", 0.0, ()), ("texts", 0.5, ("call", "cold"))),
    ]

    signs, texts = item_statistics(records)

    assert signs.option_counts == {"a": 2, "b": 1, "c": 1}
    assert list(signs.option_counts) == ["a", "b", "c"]
    assert texts.option_counts == {"call": 2, "cold": 1, "wait": 1, "warm": 1}


def test_pool_draws_use_only_the_attempts_that_asked_each_question():
    # Each attempt drew some of p1, p2, p3; a5 drew only p1, so it has no rest and is left out of
    # p1's discrimination but still counts towards p1's attempts and facility.
    records = [
        attempt("a1", ("p1", 1.0), ("p2", 0.0)),
        attempt("a2", ("p2", 1.0), ("p3", 0.5)),
        attempt("a3", ("p3", 1.0), ("p1", 0.0)),
        attempt("a4", ("p1", 0.5), ("p2", 1.0)),
        attempt("a5", ("p1", 1.0)),
    ]

    stats = item_statistics(records)

    assert [(item.question, item.attempts) for item in stats] == [("p1", 4), ("p2", 3), ("p3", 2)]
    p1, p2, p3 = stats
    # p1: 1, 0, 0.5, 1 -> mean 0.625.
    assert p1.facility == pytest.approx(62.5)
    # p1 with rest (a1, a3, a4): x = 1, 0, .5 (mean .5); rest = p2 0, p3 1, p2 1 (mean 2/3)
    #   sum of squares x 0.5, rest 4/9 + 1/9 + 1/9 = 2/3; covariance sum .5(-2/3) + (-.5)(1/3) + 0 = -0.5
    #   r = -0.5 / sqrt(0.5 * 2/3) = -sqrt(3)/2 -> -86.603
    assert p1.discrimination == pytest.approx(-50 * math.sqrt(3))
    # p2: 0, 1, 1 -> 66.7; rest p1 1, p3 .5, p1 .5 falls as p2 rises: r = -1.
    assert p2.facility == pytest.approx(200 / 3)
    assert p2.discrimination == pytest.approx(-100.0)
    # p3: .5, 1 -> 75; SD of 50 and 100 with divisor 1 is sqrt(2 * 25^2) = 35.355.
    assert p3.facility == pytest.approx(75.0)
    assert p3.standard_deviation == pytest.approx(25 * math.sqrt(2))
    assert p3.discrimination == pytest.approx(-100.0)


def test_statistics_need_two_attempts_with_a_rest():
    single = item_statistics([attempt("a1", ("q", 0.5), ("r", 1.0))])[0]
    assert (single.attempts, single.facility, single.standard_deviation, single.discrimination) == (1, 50.0, None, None)

    alone = item_statistics([attempt("a1", ("solo", 0.0)), attempt("a2", ("solo", 1.0))])[0]
    assert alone.standard_deviation == pytest.approx(100 * math.sqrt(0.5))
    assert alone.discrimination is None  # neither attempt had another question


def test_no_attempts_give_no_statistics():
    assert item_statistics([]) == []
    assert statistics_csv_rows([]) == [
        ["Question", "Title", "Attempts", "Facility (%)", "SD (%)", "Discrimination (%)", "Flags", "Option counts"]
    ]


def test_bad_records_are_refused():
    with pytest.raises(ValueError, match="more than once"):
        item_statistics([attempt("a1", ("q", 1.0), ("q", 0.0))])
    with pytest.raises(ValueError, match="not 0 to 1"):
        item_statistics([attempt("a1", ("q", 2.0))])


def test_csv_rows():
    stats = item_statistics(WORKED, min_attempts=4)

    consent, crisis, boundaries = stats
    items = [
        ItemRow(1, "Asking before sharing", consent, (("Ask first", 2), ("Assume it is fine", 1), ("Say nothing", 0))),
        ItemRow(2, "Late-night texts", crisis, (("first: Call", 3), ("first: Wait", 1))),
        ItemRow(3, "Asked to lend money", boundaries, ()),
    ]

    rows = statistics_csv_rows(items)

    assert rows == [
        ["Question", "Title", "Attempts", "Facility (%)", "SD (%)", "Discrimination (%)", "Flags", "Option counts"],
        [
            "1",
            "Asking before sharing",
            "4",
            "50.0",
            "57.7",
            "70.7",
            "",
            "Ask first: 2; Assume it is fine: 1; Say nothing: 0",
        ],
        ["2", "Late-night texts", "4", "50.0", "40.8", "0.0", "", "first: Call: 3; first: Wait: 1"],
        ["3", "Asked to lend money", "4", "50.0", "57.7", "-31.6", NEGATIVE_DISCRIMINATION, ""],
    ]


def test_csv_rows_leave_undefined_numbers_blank_and_join_flags():
    stats = [
        ItemStatistics("q", 1, 12.34, None, None, {}, ()),
        ItemStatistics("r", 9, 10.0, 0.0, -0.04, {"a": 9}, (VERY_HARD, NEGATIVE_DISCRIMINATION)),
    ]

    rows = statistics_csv_rows([ItemRow(1, "", stats[0], ()), ItemRow(2, "R", stats[1], (("A", 9),))])

    assert rows[1] == ["1", "", "1", "12.3", "", "", "", ""]
    # A discrimination that rounds to zero reads as 0.0, not -0.0.
    assert rows[2] == ["2", "R", "9", "10.0", "0.0", "0.0", f"{VERY_HARD}; {NEGATIVE_DISCRIMINATION}", "A: 9"]


def test_options_are_labelled_by_their_words_in_the_authors_order_and_unchosen_ones_count_zero():
    single = {"options": [{"key": "k2", "text": "Lend a little"}, {"key": "k1", "text": "Say no kindly"}]}
    scenario = {
        "steps": [
            {"name": "first", "choices": [{"key": "c1", "text": "Call"}, {"key": "c2", "text": "Wait"}]},
            {"name": "second", "choices": [{"key": "c3", "text": "Offer a warm hand-off"}]},
        ]
    }

    assert option_labels(single) == {"k2": "Lend a little", "k1": "Say no kindly"}
    assert labelled_option_counts(option_labels(single), {"k1": 4}) == (("Lend a little", 0), ("Say no kindly", 4))
    assert labelled_option_counts(option_labels(scenario), {"c1": 2, "c3": 1}) == (
        ("first: Call", 2),
        ("first: Wait", 0),
        ("second: Offer a warm hand-off", 1),
    )
    assert option_labels({"items": [{"key": "i1", "text": "Ask consent"}]}) == {}


# Properties: any pool of attempts, some drawing only part of the question pool.

QUESTIONS = ("q1", "q2", "q3", "q4", "q5")
fractions = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.floats(min_value=0.0, max_value=1.0))
chosen = st.lists(st.sampled_from(("a", "b", "c", "d")), max_size=4).map(tuple)


@st.composite
def records(draw) -> list[AttemptRecord]:
    result = []
    for n in range(draw(st.integers(min_value=0, max_value=12))):
        asked = draw(st.lists(st.sampled_from(QUESTIONS), min_size=1, max_size=len(QUESTIONS), unique=True))
        items = tuple(ItemResponse(key, draw(fractions), draw(chosen)) for key in asked)
        result.append(AttemptRecord(f"a{n}", items))
    return result


@settings(max_examples=300, deadline=None)
@given(records())
def test_facility_and_discrimination_stay_in_range(attempts):
    for item in item_statistics(attempts):
        assert 0.0 <= item.facility <= 100.0
        assert item.discrimination is None or -100.0 <= item.discrimination <= 100.0


@settings(max_examples=300, deadline=None)
@given(records())
def test_attempts_count_the_records_that_asked_each_question(attempts):
    stats = item_statistics(attempts)

    expected = {key: sum(1 for record in attempts if any(i.question == key for i in record.items)) for key in QUESTIONS}
    assert {item.question: item.attempts for item in stats} == {key: n for key, n in expected.items() if n}


@settings(max_examples=300, deadline=None)
@given(records(), st.randoms(use_true_random=False))
def test_record_order_does_not_change_the_statistics(attempts, rnd: random.Random):
    shuffled = list(attempts)
    rnd.shuffle(shuffled)

    before, after = by_question(item_statistics(attempts)), by_question(item_statistics(shuffled))

    assert before.keys() == after.keys()
    for key, item in before.items():
        other = after[key]
        assert (other.attempts, other.option_counts, other.flags) == (item.attempts, item.option_counts, item.flags)
        for name in ("facility", "standard_deviation", "discrimination"):
            expected = getattr(item, name)
            assert getattr(other, name) == (None if expected is None else pytest.approx(expected))
