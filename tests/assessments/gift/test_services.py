"""Importing a GIFT file: a draft quiz trainers can review, with every skip and change reported."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from wagtail.models import ModelLogEntry, Revision

from assessments.gift.parser import GiftSyntaxError
from assessments.gift.services import NothingToImport, quiz_import_gift
from assessments.models import Competency, Quiz
from assessments.quizzes.freezing import quiz_snapshot
from assessments.scoring.rules import best_response, score, version_from_snapshot
from tests.factories import TrainerFactory

pytestmark = pytest.mark.django_db

MODULE_FILE = r"""// Module 2 check: boundaries, overdose response and person-first language.
// Exported from Moodle for the spring cohort. Comment lines like these are ignored.

$CATEGORY: Peer support/Ethics and boundaries

::Asked for a ride::Dana, a person you support, asks you for a ride to her court date. Your program does not allow rides in personal cars. What is the best response?
{
    =Explain the policy and help her book the program van or a transit pass.#Keeps the boundary and still meets the need.
    ~%33.333%Say you can't and suggest she asks her family.#The boundary holds, but she is left to solve it alone.
    ~%-50%Drive her this once, since the hearing matters so much.#Breaking the policy puts you both at risk.
    ####A boundary is kinder when it comes with another way to meet the need.
}

// True/false: the first feedback is for a wrong answer, the second for a right one.
::Person-first::"A person who uses drugs" is an example of person-first language.{TRUE#It names the person before the behavior.#Right: the person comes first.}

::Overdose signs::Which signs can point to an opioid overdose? Select all that apply.{
    ~%50%Slow or stopped breathing
    ~%30%Blue or gray lips and fingertips
    ~%20%Pinpoint pupils
    ~%-100%Flushed skin and fast talking#These are not signs of an opioid overdose.
}

Marcus tells you he missed two recovery meetings this week because of a new night shift. Which progress note describes what happened without a label?
{
    =Mood 4/10 \= lower than last week. Plan\: call Thursday \#follow-up#Specific and free of judgment.
    ~Participant was noncompliant again.#"Noncompliant" is a label; say what happened instead.
}

$CATEGORY: Peer support/Self-care

::Your story::Describe a time when sharing part of your recovery story helped someone. What did you share, and why?{
    ####Thank you. Notice how you chose what to share and what to keep private.
}

::Crisis line::Which three-digit number reaches the Suicide and Crisis Lifeline? {#988}

::Roles::Match each role with its focus. {
    =Peer support specialist -> lived experience
    =Case manager -> coordinating services
}

::Naloxone::What is the generic name of Narcan? {=naloxone =naloxone hydrochloride}
"""

# The third question starts on line 4: one good question, a blank line, then a block never closed.
MALFORMED_FILE = (
    "::Hope::Hope is one of SAMHSA's guiding principles of recovery.{T}\n"
    "\n"
    "// The next question forgets its closing brace.\n"
    "::Warm hand-off::Which step comes first in a warm hand-off? {=Ask the person's consent ~Call the clinic\n"
)


@pytest.fixture
def engage():
    return Competency.objects.get(code="engages-relationships")


def import_module(competency, **kwargs):
    return quiz_import_gift(text=MODULE_FILE, title="Module 2 check", competency=competency, **kwargs)


def values(quiz):
    return [(child.block_type, child.value) for child in quiz.questions]


def options(value, *fields):
    return [tuple(option[field] for field in fields) for option in value["options"]]


def counts():
    return Quiz.objects.count(), Revision.objects.count(), ModelLogEntry.objects.count()


# The realistic file


def test_a_gift_file_becomes_a_draft_quiz_with_one_revision(engage):
    trainer = TrainerFactory()
    report = import_module(engage, user=trainer)

    quiz = Quiz.objects.get(pk=report.quiz.pk)
    assert quiz.title == "Module 2 check"
    assert not quiz.live and quiz.live_revision is None and quiz.has_unpublished_changes
    assert quiz.revisions.count() == 1 and quiz.latest_revision.user == trainer
    assert ModelLogEntry.objects.get(object_id=str(quiz.pk)).action == "wagtail.create"
    assert report.imported == 5
    assert [(kind, value["title"]) for kind, value in values(quiz)] == [
        ("single", "Asked for a ride"),
        ("single", "Person-first"),
        ("multiple", "Overdose signs"),
        ("single", "Marcus tells you he missed two recovery meetings this week because of a new…"),
        ("reflection", "Your story"),
    ]


def test_single_best_response_keeps_options_credits_feedback_and_rationale(engage):
    [(_, ride), *_] = values(import_module(engage).quiz)
    assert ride["stem"].source == (
        "<p>Dana, a person you support, asks you for a ride to her court date. "
        "Your program does not allow rides in personal cars. What is the best response?</p>"
    )
    assert options(ride, "text", "credit", "feedback") == [
        (
            "Explain the policy and help her book the program van or a transit pass.",
            "100",
            "Keeps the boundary and still meets the need.",
        ),
        (
            "Say you can't and suggest she asks her family.",
            "50",
            "The boundary holds, but she is left to solve it alone.",
        ),
        ("Drive her this once, since the hearing matters so much.", "0", "Breaking the policy puts you both at risk."),
    ]
    assert ride["rationale"].source == "<p>A boundary is kinder when it comes with another way to meet the need.</p>"


def test_changed_single_credits_are_noted_with_their_line(engage):
    notes = import_module(engage).notes
    assert (
        'Line 6: partial credit 33.33% became 50% (acceptable) for "Say you can\'t and suggest she asks her family.".'
        in notes
    )
    assert (
        'Line 6: credit -50% became 0% for "Drive her this once, since the hearing matters so much."; '
        "a single best response has no negative marks."
    ) in notes


def test_true_false_becomes_a_single_best_response_with_each_feedback_on_its_option(engage):
    person_first = values(import_module(engage).quiz)[1][1]
    assert options(person_first, "text", "credit", "feedback") == [
        ("True", "100", "Right: the person comes first."),
        ("False", "0", "It names the person before the behavior."),
    ]


def test_select_all_marks_answers_with_credit_correct_and_notes_unequal_shares(engage):
    report = import_module(engage)
    overdose = values(report.quiz)[2][1]
    assert overdose["scoring"] == "partial"
    assert options(overdose, "text", "correct", "feedback") == [
        ("Slow or stopped breathing", True, ""),
        ("Blue or gray lips and fingertips", True, ""),
        ("Pinpoint pupils", True, ""),
        ("Flushed skin and fast talking", False, "These are not signs of an opioid overdose."),
    ]
    assert "Line 17: right picks worth 50%, 30%, 20% now earn an equal share (33.33% each)." in report.notes


def test_equal_shares_written_as_whole_percents_are_not_noted(engage):
    report = quiz_import_gift(
        text="Which are peer support values?{~%33%Mutuality ~%33%Hope ~%34%Self-determination ~%-100%Pity}",
        title="Values",
        competency=engage,
    )
    assert not [note for note in report.notes if note.startswith("Line")]


def test_escaped_characters_are_kept_and_an_untitled_question_is_named_by_its_stem(engage):
    note = values(import_module(engage).quiz)[3][1]
    assert note["options"][0]["text"] == "Mood 4/10 = lower than last week. Plan: call Thursday #follow-up"
    assert note["options"][1]["feedback"] == '"Noncompliant" is a label; say what happened instead.'
    assert "&quot;Noncompliant&quot;" not in note["options"][1]["feedback"]


def test_an_essay_becomes_a_reflection_with_its_general_feedback_as_rationale(engage):
    story = values(import_module(engage).quiz)[4][1]
    assert story["guidance"] == ""
    assert story["rationale"].source == "<p>Thank you. Notice how you chose what to share and what to keep private.</p>"


def test_every_question_assesses_the_chosen_competency_and_the_report_says_to_retag(engage):
    talk = Competency.objects.get(code="values-communication")
    report = import_module(talk)
    assert report.quiz.assessed_competency_ids() == {talk.pk}
    assert all([c.pk for c in value["competencies"]] == [talk.pk] for _, value in values(report.quiz))
    assert report.notes[0] == (
        'Every imported question assesses "Values communication" for now: '
        "retag each one in the quiz editor before you publish."
    )
    assert "GIFT categories are not kept: Peer support/Ethics and boundaries, Peer support/Self-care." in report.notes


def test_the_imported_draft_freezes_and_a_perfect_response_scores_100(engage):
    quiz = import_module(engage).quiz
    draft = quiz.latest_revision.as_object()
    snapshot = quiz_snapshot(draft, revision_id=quiz.latest_revision.pk)
    assert [q["kind"] for q in snapshot["questions"]] == ["single", "single", "multiple", "single", "reflection"]
    assert [o["credit"] for o in snapshot["questions"][0]["options"]] == [1, 0.5, 0]
    assert [round(o["credit"], 3) for o in snapshot["questions"][2]["options"]] == [0.333, 0.333, 0.333, -0.333]
    version = version_from_snapshot(snapshot)
    perfect = score(version, {q.key: best_response(q) for q in version.questions})
    assert perfect.percent == 100 and perfect.passed
    assert set(perfect.competencies) == {"engages-relationships"}


# Skips and refusals


def test_questions_we_cannot_ask_are_reported_by_line(engage):
    report = import_module(engage)
    assert report.skipped == (
        (36, "numeric", "Crisis line", "numeric questions are not supported"),
        (38, "matching", "Roles", "matching questions are not supported"),
        (43, "short answer", "Naloxone", "short-answer questions are not supported"),
    )


def test_a_question_our_blocks_refuse_is_skipped_and_the_rest_imported(engage):
    long_answer = "Listen first. " * 30  # 420 characters; an option holds 400
    report = quiz_import_gift(
        text=f"Recovery is self-directed.{{T}}\n\n::Too long::What helps most?{{={long_answer} ~Give advice}}",
        title="Recovery basics",
        competency=engage,
    )
    assert report.imported == 1
    [(line, kind, title, reason)] = report.skipped
    assert (line, kind, title) == (3, "single", "Too long")
    assert "options 1 text" in reason and "at most 400 characters" in reason


def test_a_long_gift_title_is_shortened_and_noted(engage):
    title = "Supporting a person in early recovery who is worried about returning to work after treatment"
    report = quiz_import_gift(text=f"::{title}::Is a gradual return an option?{{T}}", title="Work", competency=engage)
    stored = values(report.quiz)[0][1]["title"]
    assert len(stored) <= 80 and stored.endswith("…")
    assert f'Line 1: the title was shortened to "{stored}".' in report.notes


def test_a_malformed_file_raises_with_its_line_and_creates_nothing(engage):
    before = counts()
    with pytest.raises(GiftSyntaxError) as raised:
        quiz_import_gift(text=MALFORMED_FILE, title="Broken", competency=engage)
    assert raised.value.line == 4
    assert counts() == before == (0, 0, 0)


def test_a_file_with_nothing_we_can_ask_raises_and_creates_nothing(engage):
    with pytest.raises(NothingToImport) as raised:
        quiz_import_gift(
            text="How many days are in a week?{#7}\n\nNarcan is also called {=naloxone}.", title="X", competency=engage
        )
    assert str(raised.value) == (
        "No questions this platform can use were found. Skipped: line 1 (numeric); line 3 (short answer)."
    )
    with pytest.raises(NothingToImport, match="Only reflections were found"):
        quiz_import_gift(text="What does recovery mean to you?{}", title="X", competency=engage)
    with pytest.raises(ValueError, match="No questions this platform can use were found"):
        quiz_import_gift(text="// only a comment\n", title="X", competency=engage)
    assert counts() == (0, 0, 0)


def test_an_invalid_quiz_title_is_refused_before_anything_is_saved(engage):
    with pytest.raises(ValidationError) as raised:
        quiz_import_gift(text="Recovery is possible.{T}", title="", competency=engage)
    assert "title" in raised.value.message_dict
    assert counts() == (0, 0, 0)


def test_html_in_gift_text_is_escaped_never_trusted(engage, home):
    report = quiz_import_gift(
        text=(
            "[html]<p>Is <b>this</b> safe?<script>alert('stem')</script></p>"
            "{=Yes#<script>alert('feedback')</script> ~No####<img src=x onerror=alert('rationale')>}"
        ),
        title="Markup",
        competency=engage,
    )
    [(_, value)] = values(report.quiz)
    assert value["stem"].source == (
        "<p>&lt;p&gt;Is &lt;b&gt;this&lt;/b&gt; safe?&lt;script&gt;alert(&#x27;stem&#x27;)&lt;/script&gt;&lt;/p&gt;</p>"
    )
    assert value["rationale"].source == "<p>&lt;img src=x onerror=alert(&#x27;rationale&#x27;)&gt;</p>"
    snapshot = quiz_snapshot(report.quiz)
    assert "<script>" not in snapshot["questions"][0]["stem"]
    preview = report.quiz.make_preview_request()
    content = preview.rendered_content if hasattr(preview, "rendered_content") else preview.content.decode()
    assert "&lt;script&gt;alert(&#x27;stem&#x27;)" in content
    assert "<script>alert" not in content and "<img src=x" not in content


# The management command


def write(tmp_path, text, name="module.gift"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args):
    out = StringIO()
    call_command("import_gift", *map(str, args), stdout=out)
    return out.getvalue()


def test_command_creates_a_draft_and_prints_skips_and_notes(tmp_path):
    output = run(write(tmp_path, MODULE_FILE), "--title", "Module 2 check", "--competency", "helps-manage-crises")
    lines = output.splitlines()
    assert lines[:4] == [
        'Created draft quiz "Module 2 check" with 5 questions.',
        "Skipped line 36 (numeric Crisis line): numeric questions are not supported",
        "Skipped line 38 (matching Roles): matching questions are not supported",
        "Skipped line 43 (short answer Naloxone): short-answer questions are not supported",
    ]
    assert "Line 17: right picks worth 50%, 30%, 20% now earn an equal share (33.33% each)." in lines
    quiz = Quiz.objects.get(title="Module 2 check")
    assert not quiz.live
    assert quiz.assessed_competency_ids() == {Competency.objects.get(code="helps-manage-crises").pk}


def test_command_uses_the_first_competency_by_default(tmp_path):
    run(write(tmp_path, "Recovery is self-directed.{T}"), "--title", "Recovery basics")
    first = Competency.objects.order_by("sort_order").first()
    assert Quiz.objects.get(title="Recovery basics").assessed_competency_ids() == {first.pk}


def test_command_refuses_a_malformed_file_naming_the_line(tmp_path):
    with pytest.raises(CommandError) as raised:
        run(write(tmp_path, MALFORMED_FILE), "--title", "Broken")
    assert "line 4" in str(raised.value) and "never closed" in str(raised.value)
    assert str(raised.value).endswith("Nothing was imported.")
    assert counts() == (0, 0, 0)


def test_command_refuses_a_file_with_nothing_we_can_ask(tmp_path):
    with pytest.raises(CommandError, match=r"No questions this platform can use were found.*Nothing was imported\."):
        run(write(tmp_path, "How many days are in a week?{#7}"), "--title", "Numbers")


def test_command_refuses_an_unknown_competency_by_name(tmp_path):
    with pytest.raises(CommandError, match='There is no competency with the code "peer-magic"'):
        run(write(tmp_path, "Recovery is possible.{T}"), "--title", "Hope", "--competency", "peer-magic")
    assert not Quiz.objects.exists()


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="There is no file .*missing.gift"):
        run(tmp_path / "missing.gift", "--title", "Nothing")


def test_command_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "utf16.gift"
    path.write_text("Recovery is possible.{T}", encoding="utf-16")
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run(path, "--title", "Hope")


def test_command_refuses_a_title_the_quiz_cannot_take(tmp_path):
    with pytest.raises(
        CommandError, match=r"title: Ensure this value has at most 160 characters.*Nothing was imported"
    ):
        run(write(tmp_path, "Recovery is possible.{T}"), "--title", "x" * 161)
    assert not Quiz.objects.exists()


# The admin upload for trainers.

UPLOAD_URL = "/admin/snippets/assessments/quiz/import-gift/"
SMALL_GIFT = """::Money::A person you support asks to borrow $20 for formula. {
=Say no kindly and look for formula resources together.#Keeps the relationship safe.
~Lend it this once.#Money changes the relationship.
}
"""


def upload(client, text, title="Imported boundaries quiz"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.models import Competency

    competency = Competency.objects.get(code="engages-relationships")
    data = {"file": SimpleUploadedFile("quiz.gift", text.encode()), "title": title, "competency": competency.pk}
    return client.post(UPLOAD_URL, data, follow=True)


def test_trainer_imports_a_gift_file_from_the_admin(client):
    from assessments.models import Quiz
    from tests.factories import TrainerFactory

    client.force_login(TrainerFactory())
    listing = client.get("/admin/snippets/assessments/quiz/").content.decode()
    assert UPLOAD_URL in listing
    response = upload(client, SMALL_GIFT)
    quiz = Quiz.objects.get(title="Imported boundaries quiz")
    assert not quiz.live
    assert response.redirect_chain[-1][0] == f"/admin/snippets/assessments/quiz/edit/{quiz.pk}/"
    assert "Created draft quiz &quot;Imported boundaries quiz&quot; with 1 question." in response.content.decode()


def test_malformed_upload_shows_the_line_and_creates_nothing(client):
    from assessments.models import Quiz
    from tests.factories import TrainerFactory

    client.force_login(TrainerFactory())
    response = upload(client, "Fine question {=yes ~no}\n\nBroken question {=yes ~no\n")
    content = response.content.decode()
    assert response.status_code == 200
    assert "line 3" in content and "Nothing was imported." in content
    assert not Quiz.objects.exists()


def test_supervisors_cannot_import(client):
    from tests.factories import SupervisorFactory

    client.force_login(SupervisorFactory())
    assert client.get(UPLOAD_URL).status_code in (302, 403)


def test_import_notes_say_when_learners_could_find_answers_by_their_look(engage):
    # Moodle banks often key the longest option; this one does in two of its three single-answer questions.
    notes = [note for note in import_module(engage).notes if note.startswith("Before you publish:")]
    assert notes[0].startswith(
        "Before you publish: In 2 of 3 single-answer questions and scenario steps, the best answer is the longest option."
    )
    assert any(note.startswith("Before you publish: In 3 of 3") and "option 1 as written" in note for note in notes)


def test_import_of_a_balanced_file_adds_no_cue_note(engage):
    balanced = (
        "Lupe asks to borrow money.{=Help her find a food bank ~Lend her the thirty dollars today ~Change the subject}\n\n"
        "Imani texts late at night.{~Call her at once and stay on the line =Reply briefly, ask if she is safe ~Wait}\n\n"
        "Sierra sends a friend request.{~Accept, but never post about work ~Ignore it =Decline, explain on Tuesday}\n"
    )
    report = quiz_import_gift(text=balanced, title="Balanced", competency=engage)
    assert not [note for note in report.notes if note.startswith("Before you publish:")]
