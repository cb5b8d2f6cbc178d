"""The cue report: what a learner could find without knowing the answer. Pure, on hand-built snapshots."""

import random

from assessments.scoring.cues import MIN_CHOICE_POINTS, choice_points, quiz_cues, surface_results
from assessments.scoring.rules import score, version_from_snapshot
from assessments.scoring.strategies import length_responses, position_responses, random_responses, text_length
from tests.assessments.snapshots import EQUAL, balanced, branching, keyed_longest, multiple, order, single, snapshot


def test_best_answer_the_longest_in_most_questions_is_warned_with_its_count_and_the_passing_learner():
    report = quiz_cues(snapshot(*(keyed_longest(str(n), position=n) for n in range(3))))
    assert report.longest_share == 1.0
    assert report.warnings[0].startswith(
        "In 3 of 3 single-answer questions and scenario steps, the best answer is the longest option."
    )
    assert "Learners who always pick the longest option would score 100% and pass." in report.warnings
    assert all(notes[0] == "The best answer is the longest option." for notes in report.notes.values())


def test_best_answer_the_shortest_is_warned():
    questions = [single(str(n), [(text, 0) for text in EQUAL] + [("Say no kindly", 100)]) for n in range(3)]
    report = quiz_cues(snapshot(*questions))
    assert report.shortest_share == 1.0
    assert any(
        w.startswith("In 3 of 3 single-answer questions and scenario steps, the best answer is the shortest")
        for w in report.warnings
    )
    assert "Learners who always pick the shortest option would score 100% and pass." in report.warnings


def test_best_answer_in_one_position_is_warned_and_more_so_when_options_are_not_shuffled():
    questions = [balanced(str(n), 0) for n in range(4)]
    shuffled = quiz_cues(snapshot(*questions))
    assert shuffled.common_position == (1, 1.0)
    position = next(w for w in shuffled.warnings if "as written" in w)
    assert position.startswith(
        "In 4 of 4 single-answer questions and scenario steps, the best answer is option 1 as written."
    )
    assert "shuffling options is off" not in position
    fixed = quiz_cues(snapshot(*questions, shuffle_options=False))
    assert any("Learners see that order, because shuffling options is off." in w for w in fixed.warnings)


def test_a_balanced_quiz_has_no_warning():
    report = quiz_cues(snapshot(*(balanced(str(n), n) for n in range(4))))
    assert report.longest_share == report.shortest_share == 0
    assert report.common_position == (1, 0.25)
    assert report.warnings == ()
    assert all(notes == () for notes in report.notes.values())


def test_too_few_choice_points_give_notes_but_no_share_warning():
    report = quiz_cues(snapshot(*(keyed_longest(str(n)) for n in range(MIN_CHOICE_POINTS - 1)), pass_mark=100))
    assert report.longest_share == 1.0
    assert not any(w.startswith("In ") for w in report.warnings)
    # Picking the longest still passes, and that is always worth saying.
    assert report.warnings == ("Learners who always pick the longest option would score 100% and pass.",)


def test_scenario_steps_are_choice_points_and_their_best_choice_is_the_one_leading_to_most_credit():
    scenario = branching(
        "s",
        "first",
        {
            # "Wait" earns nothing now but leads to the step where all the credit is.
            "first": [("Call at once, then text", None, 1), ("Wait", "second", 0)],
            "second": [("Offer a warm hand-off", None, 3), ("Tell her to rest tonight", None, 0)],
        },
    )
    points = choice_points(snapshot(scenario))
    assert [(p.step, p.best_position, p.best_is_longest, p.best_is_shortest) for p in points] == [
        ("first", 2, False, True),
        ("second", 1, False, True),
    ]
    assert quiz_cues(snapshot(scenario)).notes["s"] == ("At 2 of 2 steps the best choice is the shortest.",)


def test_a_scenario_that_cannot_be_taken_is_left_out_without_failing():
    looping = branching(
        "s", "first", {"first": [("Go on", "second", 1), ("Stop", None, 0)], "second": [("Back", "first", 0)]}
    )
    assert choice_points(snapshot(looping, balanced("q", 1))) == choice_points(snapshot(balanced("q", 1)))


def test_all_of_the_above_and_none_of_these_are_named():
    question = single("q", [("Listen", 0), ("Refer", 0), ("All of the above", 100)], title="Asked for money")
    report = quiz_cues(snapshot(question, single("r", [("None of these options", 0), ("Say no kindly", 100)])))
    assert report.notes["q"][-1] == 'An option says "All of the above".'
    assert '"Asked for money": An option says "All of the above".' in report.warnings
    assert 'An option says "None of these".' in report.notes["r"]


def test_select_all_whose_correct_options_are_longer_is_warned_and_balanced_one_is_not():
    longer = multiple(
        "m",
        [
            ("Ask how she is sleeping and eating", True),
            ("Make sure she has naloxone at home", True),
            ("Skip it", False),
            ("Cut back", False),
        ],
        title="Check-in",
    )
    report = quiz_cues(snapshot(longer))
    assert report.notes["m"] == (
        "The correct options are longer than the others (on average 34 against 8 characters).",
    )
    assert (
        '"Check-in": The correct options are longer than the others (on average 34 against 8 characters).'
        in report.warnings
    )
    even = multiple(
        "m",
        [
            ("Ask how she sleeps", True),
            ("Cut back check-ins", False),
            ("Check on naloxone", True),
            ("Skip naloxone talk", False),
        ],
    )
    assert quiz_cues(snapshot(even)).notes["m"] == ()


def test_put_in_order_that_follows_length_is_warned():
    growing = order(
        "o", ["Ask", "Call it", "Share only that", "Go over the details", "Follow up after the visit"], title="Hand-off"
    )
    assert quiz_cues(snapshot(growing)).notes["o"] == ("Ordering the items by length puts 100% of the pairs right.",)
    mixed = order("o", ["Ask her first", "Call", "Share only what she agreed", "Go", "Follow up"])
    assert quiz_cues(snapshot(mixed)).notes["o"] == ()


def test_only_the_best_answer_repeating_the_question_is_noted():
    question = single(
        "q",
        [("Help her reach the diaper bank tomorrow", 100), ("Lend her thirty dollars", 0), ("Change the subject", 0)],
        stem="Lupe asks to borrow money for formula. The diaper bank opens tomorrow.",
    )
    point = choice_points(snapshot(question))[0]
    assert point.best_alone_repeats_question
    assert "Only the best answer repeats words from the question." in quiz_cues(snapshot(question)).notes["q"]


def test_options_of_very_different_lengths_are_noted():
    question = single(
        "q", [("Say no", 0), ("Say no kindly and find a diaper bank together", 100), ("Lend it", 0), ("Stay", 50)]
    )
    assert "Option lengths range from 4 to 45 characters." in quiz_cues(snapshot(question)).notes["q"]


def test_text_length_counts_runs_of_spaces_once():
    assert text_length("  Say   no\n kindly ") == len("Say no kindly")


def test_length_learners_pick_by_length_in_every_kind():
    quiz = snapshot(
        keyed_longest("q"),
        multiple("m", [("aa", True), ("bbbbbb", False), ("cccc", True), ("dddddddd", False)]),
        order("o", ["medium one", "a very long item", "short"]),
        branching(
            "s",
            "a",
            {
                "a": [("short", None, 0), ("the longer choice", "b", 0)],
                "b": [("ends here now", None, 1), ("x", None, 0)],
            },
        ),
    )
    longest = length_responses(quiz, longest=True)
    assert longest["q"] == "q-0"
    assert longest["m"] == ["m-3", "m-1"]  # the longer half
    assert longest["o"] == ["o-1", "o-0", "o-2"]
    assert longest["s"] == ("s-a-1", "s-b-0")
    shortest = length_responses(quiz, longest=False)
    assert shortest["m"] == ["m-0", "m-2"]
    assert shortest["o"] == ["o-2", "o-0", "o-1"]
    assert shortest["s"] == ("s-a-0",)
    result = score(version_from_snapshot(quiz), shortest)
    assert result.questions["m"].earned == 1.0 and result.questions["q"].earned == 0


def test_position_learners_take_option_k_as_shown_or_the_last():
    quiz = snapshot(
        balanced("q", 2),
        multiple("m", [("a", True), ("b", False)]),
        order("o", ["first", "second", "third"]),
        branching("s", "a", {"a": [("one", "b", 0), ("two", None, 1)], "b": [("end", None, 0)]}),
    )
    written = position_responses(quiz, 1)
    assert written == {"q": "q-1", "m": ["m-1"], "o": ["o-0", "o-1", "o-2"], "s": ("s-a-1",)}
    assert position_responses(quiz, 9)["q"] == "q-3"  # fewer options than the position: the last
    shown = position_responses(quiz, 0, {"q": ["q-2", "q-0", "q-1", "q-3"], "o": ["o-2", "o-0", "o-1"]})
    assert shown["q"] == "q-2" and shown["o"] == ["o-2", "o-0", "o-1"]
    assert position_responses(quiz, 0)["s"] == ("s-a-0", "s-b-0")  # scenario steps are taken as written


def test_random_learners_give_valid_answers_and_repeat_with_the_same_seed():
    quiz = snapshot(balanced("q", 1), multiple("m", [("a", True), ("b", False)]), order("o", ["x", "y", "z"]))
    first = [random_responses(quiz, random.Random(7)) for _ in range(2)]
    assert first[0] == first[1]
    assert first[0]["q"] in {o["key"] for o in quiz["questions"][0]["options"]}
    assert sorted(first[0]["o"]) == ["o-0", "o-1", "o-2"]
    assert set(first[0]["m"]) <= {"m-0", "m-1"}


def test_a_drawn_quiz_is_judged_over_fixed_draws():
    # The longest option is best in every item of the talk pool and in none of the links pool: drawing one
    # item from each, a learner who picks it scores 50% on every draw.
    talk = [keyed_longest(f"t{n}") for n in range(3)]
    links = [{**balanced(f"l{n}", n), "competencies": ["links"]} for n in range(3)]
    drawn = {**snapshot(*talk, *links, pass_mark=50), "draw_per_competency": 1}
    longest = next(result for result in surface_results(drawn) if result.strategy == "longest")
    assert (longest.draws, longest.passes, longest.percent) == (50, 50, 50)
    assert "Learners who always pick the longest option would score 50% on average and pass on 50 of 50 draws" in (
        " ".join(quiz_cues(drawn).warnings)
    )
    strict = {**drawn, "pass_mark": 80}
    assert not any(result.passed for result in surface_results(strict))
