"""Reading Moodle GIFT files: every rule on a small snippet, a realistic file, and malformed input."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.gift.parser import (
    FORMAT_MARKERS,
    MATCHING,
    MULTIPLE,
    NUMERIC,
    REFLECTION,
    SHORT_ANSWER,
    SINGLE,
    TRUEFALSE,
    GiftOption,
    GiftSkip,
    GiftSyntaxError,
    gift_escape,
    parse_gift,
)

MODULE_FILE = r"""// Module 3: boundaries and person-first language.
// Exported for the spring cohort; comments like these are ignored.

$CATEGORY: Peer support/Ethics and boundaries

::Gift card::A person you support offers you a $20 gift card to thank you. What is the best response?
{
    =Thank them warmly and explain the program's gift policy.#Naming the policy keeps the relationship clear.
    ~%50%Accept it and tell your supervisor afterwards.#Telling your supervisor helps; check the policy first.
    ~Accept it quietly, since refusing would seem rude.#Hidden gifts blur the peer relationship.
    ####Most programs have a gift policy: know yours before it comes up.
}

// True/false: the first feedback is for a wrong answer, the second for a right one.
::Person-first::"A person with opioid use disorder" is an example of person-first language.{TRUE#It puts the person before the condition.#Right: the person comes first.}

::Overdose signs::Which signs can point to an opioid overdose? Select all that apply.{
    ~%50%Slow or stopped breathing
    ~%50%Pinpoint pupils
    ~%-100%Flushed skin and rapid talking#These are not signs of an opioid overdose.
}

$CATEGORY: Peer support/Self-care

::Your story::Describe a time your own recovery story helped someone else. What did you share, and why?{}

::Crisis line::Which number reaches the Suicide & Crisis Lifeline? {#988}

::Roles::Match each role with its focus. {
    =Peer support specialist -> lived experience
    =Case manager -> coordinating services
}

::Generic name::What is the generic name of Narcan? {=naloxone =naloxone hydrochloride}

::Progress note::Which progress note follows the template?
{
    =Mood 4/10 \= lower than last week. Plan\: call Thursday \#follow-up
    ~Client was noncompliant again.#Describe what happened, not a label.
}

::Naloxone timing::Naloxone can reverse an opioid overdose {~%50%within hours =within minutes ~only in a hospital} of being given.
"""


def parse_one(text):
    [question] = parse_gift(text).questions
    return question


def syntax_error(text):
    with pytest.raises(GiftSyntaxError) as raised:
        parse_gift(text)
    return raised.value


# A realistic file


def test_a_realistic_file_gives_questions_with_their_lines_titles_and_categories():
    result = parse_gift(MODULE_FILE)
    assert [(q.line, q.kind, q.title, q.category) for q in result.questions] == [
        (6, SINGLE, "Gift card", "Peer support/Ethics and boundaries"),
        (15, TRUEFALSE, "Person-first", "Peer support/Ethics and boundaries"),
        (17, MULTIPLE, "Overdose signs", "Peer support/Ethics and boundaries"),
        (25, REFLECTION, "Your story", "Peer support/Self-care"),
        (36, SINGLE, "Progress note", "Peer support/Self-care"),
        (42, SINGLE, "Naloxone timing", "Peer support/Self-care"),
    ]
    assert result.skipped == (
        GiftSkip(27, NUMERIC, "Crisis line", "numeric questions are not supported"),
        GiftSkip(29, MATCHING, "Roles", "matching questions are not supported"),
        GiftSkip(34, SHORT_ANSWER, "Generic name", "short-answer questions are not supported"),
    )


def test_a_realistic_file_keeps_credits_feedback_and_escaped_text():
    gift_card, person_first, overdose, story, note, timing = parse_gift(MODULE_FILE).questions

    assert gift_card.stem == "A person you support offers you a $20 gift card to thank you. What is the best response?"
    assert [(o.credit, o.feedback) for o in gift_card.options] == [
        (1.0, "Naming the policy keeps the relationship clear."),
        (0.5, "Telling your supervisor helps; check the policy first."),
        (0.0, "Hidden gifts blur the peer relationship."),
    ]
    assert gift_card.general_feedback == "Most programs have a gift policy: know yours before it comes up."

    assert person_first.options == (
        GiftOption("True", 1.0, "Right: the person comes first."),
        GiftOption("False", 0.0, "It puts the person before the condition."),
    )
    assert [o.credit for o in overdose.options] == [0.5, 0.5, -1.0]
    assert story.options == ()
    assert note.options[0].text == "Mood 4/10 = lower than last week. Plan: call Thursday #follow-up"
    assert timing.stem == "Naloxone can reverse an opioid overdose _____ of being given."


# Layout: blank lines, comments, categories, titles


def test_blank_lines_separate_questions_and_comment_lines_are_ignored():
    result = parse_gift(
        "// Warm-up\n"
        "Peer support is built on shared lived experience.{T}\n"
        "   \n"
        "  // an indented comment\n"
        "A peer specialist diagnoses\n"
        "// a comment inside the question\n"
        "mental health conditions.{F}\n"
    )
    assert [(q.line, q.stem) for q in result.questions] == [
        (2, "Peer support is built on shared lived experience."),
        (5, "A peer specialist diagnoses mental health conditions."),
    ]


def test_double_slashes_inside_a_line_are_text():
    question = parse_one("Where is the 988 Lifeline's website? {=https://988lifeline.org ~https://example.org}")
    assert [o.text for o in question.options] == ["https://988lifeline.org", "https://example.org"]


def test_a_category_applies_until_the_next_one_and_questions_before_any_have_none():
    result = parse_gift(
        "Recovery looks the same for everyone.{F}\n\n"
        "$CATEGORY: Recovery\n\n"
        "Recovery is self-directed.{T}\n\n"
        "There are many pathways to recovery.{T}\n\n"
        "$CATEGORY: Crisis\n"
        "A person in crisis should always be left alone.{F}\n"
    )
    assert [(q.line, q.category) for q in result.questions] == [
        (1, ""),
        (5, "Recovery"),
        (7, "Recovery"),
        (10, "Crisis"),
    ]


def test_a_title_is_read_and_a_question_without_one_has_an_empty_title():
    titled, untitled = parse_gift("::Consent::Do you need consent to share a story?{T}\n\nNo title here.{F}").questions
    assert (titled.title, titled.stem) == ("Consent", "Do you need consent to share a story?")
    assert (untitled.title, untitled.stem) == ("", "No title here.")


def test_windows_line_endings_and_a_byte_order_mark_keep_line_numbers_right():
    result = parse_gift("\ufeff// exported from Moodle\r\n\r\nHope is central to recovery.{T}\r\n")
    assert [(q.line, q.stem) for q in result.questions] == [(3, "Hope is central to recovery.")]


# Text: escapes, format markers, whitespace


def test_escapes_stand_for_the_character_everywhere():
    question = parse_one(
        r"::Ratio 1\:1::Write \{peer\} \~ \= \# \: here\nand there {"
        "\n"
        r"=a \~ b \= c \# d \{ e \} f \: g#fb \= \#1"
        "\n"
        r"~a backslash \\ and a literal \\n and an unknown \q"
        "\n"
        r"####general \: \#done"
        "\n}"
    )
    assert question.title == "Ratio 1:1"
    assert question.stem == "Write {peer} ~ = # : here\nand there"
    assert question.options == (
        GiftOption("a ~ b = c # d { e } f : g", 1.0, "fb = #1"),
        GiftOption(r"a backslash \ and a literal \n and an unknown \q", 0.0, ""),
    )
    assert question.general_feedback == "general : #done"


def test_format_markers_are_dropped_and_markup_kept_as_text():
    question = parse_one(
        "[html]<p>Which response is <b>person-first</b>?</p>{"
        "=[plain]a person in recovery#[markdown]*Yes*"
        " ~[moodle]the diagnosis first#[html]Put the person first."
        " ~[unknown]marker kept"
        "####[html]<i>Language matters.</i>}"
    )
    assert question.stem == "<p>Which response is <b>person-first</b>?</p>"
    assert [(o.text, o.feedback) for o in question.options] == [
        ("a person in recovery", "*Yes*"),
        ("the diagnosis first", "Put the person first."),
        ("[unknown]marker kept", ""),
    ]
    assert question.general_feedback == "<i>Language matters.</i>"


def test_whitespace_is_normalized_but_escaped_newlines_are_kept():
    question = parse_one(
        "  Which   statement\n   is true?\\n\\nPick one.  {\n  =Recovery   is possible\n  ~It is not\n}"
    )
    assert question.stem == "Which statement is true?\n\nPick one."
    assert question.options[0].text == "Recovery is possible"


# Choice questions: single best response and select all that apply


def test_one_right_answer_among_wrong_ones_is_single():
    question = parse_one("Who leads a person's recovery plan?{=The person ~Their peer specialist ~Their family}")
    assert question.kind == SINGLE
    assert question.options == (
        GiftOption("The person", 1.0, ""),
        GiftOption("Their peer specialist", 0.0, ""),
        GiftOption("Their family", 0.0, ""),
    )


def test_a_best_answer_with_partial_credit_for_acceptable_ones_is_single():
    question = parse_one("A participant misses a meeting.{=Call to check in ~%50%Send a text ~%-50%Close the file}")
    assert question.kind == SINGLE
    assert [o.credit for o in question.options] == [1.0, 0.5, -0.5]


def test_weights_on_several_right_answers_adding_up_to_100_make_select_all_that_apply():
    question = parse_one(
        "Which are core peer support values?{~%33.333%Mutuality ~%33.333%Hope ~%33.333%Self-determination ~%-100%Pity}"
    )
    assert question.kind == MULTIPLE
    assert [o.credit for o in question.options] == pytest.approx([1 / 3, 1 / 3, 1 / 3, -1.0], abs=1e-4)


def test_one_answer_at_100_percent_without_an_equals_sign_is_single():
    # Moodle would make this a "multiple answers" question; the author meant one best answer.
    question = parse_one("Best first step?{~%100%Listen ~%50%Share your story ~Give advice}")
    assert question.kind == SINGLE
    assert [o.credit for o in question.options] == [1.0, 0.5, 0.0]


def test_per_answer_feedback_and_general_feedback():
    question = parse_one(
        "What does SAMHSA's working definition of recovery stress?{\n"
        "=A process of change#Yes: recovery is a process.\n"
        "~A single event#Recovery is not one moment.\n"
        "~Abstinence only\n"
        "####SAMHSA describes recovery as a process of change.\n"
        "}"
    )
    assert [o.feedback for o in question.options] == ["Yes: recovery is a process.", "Recovery is not one moment.", ""]
    assert question.general_feedback == "SAMHSA describes recovery as a process of change."


def test_an_answer_block_in_the_middle_of_the_text_leaves_a_blank():
    question = parse_one("Peer specialists share their {=lived ~clinical ~academic} experience with purpose.")
    assert question.kind == SINGLE
    assert question.stem == "Peer specialists share their _____ experience with purpose."


def test_a_missing_word_true_false_question_keeps_its_kind():
    question = parse_one("Sharing your story {T} requires thinking about why you share it.")
    assert (question.kind, question.stem) == (
        TRUEFALSE,
        "Sharing your story _____ requires thinking about why you share it.",
    )


# True/false


@pytest.mark.parametrize(("block", "true_credit"), [("{T}", 1.0), ("{TRUE}", 1.0), ("{ F }", 0.0), ("{FALSE}", 0.0)])
def test_true_false_gives_two_options(block, true_credit):
    question = parse_one(f"Recovery is possible for everyone.{block}")
    assert question.kind == TRUEFALSE
    assert question.options == (GiftOption("True", true_credit, ""), GiftOption("False", 1.0 - true_credit, ""))


def test_true_false_feedback_first_goes_to_the_wrong_option_second_to_the_right_one():
    false_is_right = parse_one("Peer specialists prescribe medication.{F#They do not prescribe.#Right: they do not.}")
    assert false_is_right.options == (
        GiftOption("True", 0.0, "They do not prescribe."),
        GiftOption("False", 1.0, "Right: they do not."),
    )
    only_wrong = parse_one("Hope is a recovery principle.{T#Hope is one of the principles.####SAMHSA lists ten.}")
    assert only_wrong.options == (
        GiftOption("True", 1.0, ""),
        GiftOption("False", 0.0, "Hope is one of the principles."),
    )
    assert only_wrong.general_feedback == "SAMHSA lists ten."


# Essays and skipped kinds


def test_an_essay_is_a_reflection_without_options():
    question = parse_one("::Reflect::What does recovery mean to you?{\n####Thank you for sharing.\n}")
    assert (question.kind, question.options, question.general_feedback) == (REFLECTION, (), "Thank you for sharing.")


def test_numeric_matching_and_short_answer_questions_are_skipped_with_their_lines():
    result = parse_gift(
        "How many days are in a week?{#7}\n\n"
        "// matching\n"
        "::Match::Match each term.{=SUD -> substance use disorder =OUD -> opioid use disorder}\n\n"
        "::Short::The medication that reverses an opioid overdose is {=naloxone =Narcan}.\n\n"
        "Is this still asked? {T}"
    )
    assert [(s.line, s.kind, s.title) for s in result.skipped] == [
        (1, NUMERIC, ""),
        (4, MATCHING, "Match"),
        (6, SHORT_ANSWER, "Short"),
    ]
    assert [q.line for q in result.questions] == [8]


def test_a_file_of_only_comments_and_categories_has_no_questions():
    assert parse_gift("// nothing yet\n\n$CATEGORY: Drafts\n") == parse_gift("")
    assert parse_gift("").questions == parse_gift("").skipped == ()


# Malformed files: the whole parse fails and names the question's line

GOOD_START = "// intro\n::Fine::Recovery is possible.{T}\n\n"  # the bad question starts on line 4


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("::Open::Which response is supportive? {=Listen ~Judge", "never closed"),
        ("Which response is supportive?\n{=Listen\n\n~Judge}", "never closed"),
        ("Which response is supportive? =Listen ~Judge}", "} with no {"),
        ("Which response is supportive? {=Listen {~Judge}", "{ inside the answer block"),
        ("Which is supportive? {=Listen ~Judge}\nWhich is not? {~Listen =Judge}", "more than one answer block"),
        ("Peer support is a recognized profession.", "no answer block"),
        ("::Title only, never closed\nText {T}", "title opened with :: is never closed"),
        ("{=Listen ~Judge}", "no question text"),
        ("Which response is supportive? {=Listen ~}", "answer 2 is empty"),
        ("Which response is supportive? {=#Good ~Judge}", "answer 1 is empty"),
        ("Which response is supportive? {Listen ~Judge}", '"Listen" comes before the first answer'),
        ("Which response is supportive? {=Listen ~%half%Nod}", '"%half%", which is not a number'),
        ("Which response is supportive? {=Listen ~%150%Nod}", "150%, outside -100% to 100%"),
        ("Which response is supportive? {=Listen ~%-101%Lecture}", "-101%, outside -100% to 100%"),
        ("Which response is supportive? {=Listen ~%50 Nod}", "never closed"),
        ("Which response is supportive? {=%50%Listen ~Judge}", "weight after ="),
        ("Which response is supportive? {~Listen}", "at least two answers"),
        ("Which response is supportive? {~Listen ~Judge}", "no answer earns credit"),
        ("Which help? {~%40%Listen ~%40%Validate ~Judge}", "add up to 80%"),
        ("Recovery is possible.{maybe}", '"maybe" is not GIFT'),
        ("Recovery is possible.{true}", "in capitals"),
    ],
)
def test_malformed_questions_fail_the_whole_parse_naming_the_line(bad, says):
    error = syntax_error(GOOD_START + bad + "\n\nA later question.{F}")
    assert error.line == 4
    assert "line 4" in str(error)
    assert says in str(error)


def test_the_error_names_the_first_line_of_the_question_after_comments_and_category():
    error = syntax_error("Fine.{T}\n\n// about the next one\n$CATEGORY: Crisis\n\n// more\nSafety planning\nis {=key ~")
    assert error.line == 7
    assert isinstance(error, ValueError)


# Escaping round-trips


def test_gift_escape_escapes_every_special_character():
    assert gift_escape("a\\b ~ = # { } : c\r\nd") == r"a\\b \~ \= \# \{ \} \: c\nd"


# Pieces chosen so random texts hit the characters and sequences that mean something in GIFT.
PIECES = ["peer", "support", "é", " ", "~", "=", "#", "####", "{", "}", ":", "::", "\\", "\\n", "\n", "%", "%50%"]
PIECES += ["->", "//", "[", "]", "_____", "$CATEGORY:", *FORMAT_MARKERS]


def gift_text():
    # Escaping cannot keep extra spaces, and a leading format marker is dropped by design.
    tidy = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map(
        lambda pieces: re.sub(" +", " ", "".join(pieces)).strip(" ")
    )
    return tidy.filter(lambda text: text and not text.startswith(FORMAT_MARKERS))


@settings(max_examples=300)
@given(
    title=gift_text(),
    stem=gift_text(),
    options=st.lists(st.tuples(gift_text(), gift_text() | st.just("")), min_size=2, max_size=5),
    general_feedback=gift_text() | st.just(""),
)
def test_escaped_texts_are_read_back_as_written(title, stem, options, general_feedback):
    # Explicit weights, so that an answer may itself begin with "%".
    answers = "\n".join(
        f"~%{100 if index == 0 else 0}%{gift_escape(text)}#{gift_escape(feedback)}"
        for index, (text, feedback) in enumerate(options)
    )
    question = parse_one(
        f"::{gift_escape(title)}::{gift_escape(stem)} {{\n{answers}\n####{gift_escape(general_feedback)}\n}}"
    )
    assert question.title == title
    assert question.stem == stem
    assert [(o.text, o.feedback) for o in question.options] == options
    assert question.general_feedback == general_feedback
    assert question.kind == SINGLE
