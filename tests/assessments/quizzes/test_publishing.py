"""A quiz no one could pass is never published, whichever way it is published; drafts still save.

The rule itself is tested on hand-built snapshots; then every way of publishing: a revision
published in code, scheduled publishing, the demo loader and the quiz editor (create, edit,
copy, revert). The editor also shows the rule's problems and the cue warnings before Publish
is pressed.
"""

import copy
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from assessments.demo.quizzes import load_quizzes, quiz_create_from_data
from assessments.models import Competency, MasteryThreshold, Quiz
from assessments.quizzes.publishing import QuizNotPublishable, publish_problems, quiz_publish_problems
from tests.assessments.snapshots import balanced, branching, multiple, single, snapshot
from tests.factories import TrainerFactory, build_quiz, item, question

ADD_URL = "/admin/snippets/assessments/quiz/add/"


def edit_url(quiz):
    return f"/admin/snippets/assessments/quiz/edit/{quiz.pk}/"


# The rule


def test_a_quiz_that_can_be_passed_has_no_problem():
    assert publish_problems(snapshot(balanced("a", 0), balanced("b", 1), balanced("c", 2), mastery={"talk": 100})) == []


def test_questions_that_cannot_earn_credit_are_named_by_position_and_title():
    problems = publish_problems(
        snapshot(
            balanced("fine", 0),
            single("s", [("Lend it", 0), ("Change the subject", 0)], title="Asked to lend money"),
            multiple("m", [("Skip naloxone", False), ("Cut back", False)], title="Check-in"),
            branching("b", "first", {"first": [("Call", None, 0), ("Wait", None, 0)]}, title="Late text"),
        )
    )
    assert [(p.field, p.question) for p in problems[:3]] == [("questions", 1), ("questions", 2), ("questions", 3)]
    assert problems[0].message == (
        'Question 2, "Asked to lend money": no option earns credit, so no answer is right. Mark the best answer 100%.'
    )
    assert problems[1].message.startswith('Question 3, "Check-in": no option is ticked as correct.')
    assert problems[2].message.startswith('Question 4, "Late text": no path through the scenario earns credit.')


def test_a_pass_mark_above_the_best_possible_score_is_a_problem():
    zero = branching("b", "first", {"first": [("Call", None, 0)]}, title="Late text")
    problems = publish_problems(snapshot(balanced("a", 0), zero, pass_mark=60))
    assert problems[-1].field == "pass_mark"
    assert problems[-1].message == "The best possible score is 50%, below the pass mark of 60%, so no one could pass."
    assert [p.field for p in publish_problems(snapshot(balanced("a", 0), zero, pass_mark=50))] == ["questions"]


def test_mastery_thresholds_no_question_can_meet_are_problems():
    unassessed = publish_problems(snapshot(balanced("a", 0), mastery={"links": 70}))
    assert [(p.field, p.competency) for p in unassessed] == [("mastery_thresholds", "links")]
    assert unassessed[0].message.startswith('No scored question assesses "links", so its mastery threshold of 70%')
    zero = branching("b", "first", {"first": [("Call", None, 0)]})
    zero["competencies"] = ["links"]
    low = publish_problems(
        {**snapshot(balanced("a", 0), zero, pass_mark=0, mastery={"links": 70}), "competencies": {"links": "Links"}}
    )
    assert low[-1].message == 'The best possible score in "Links" is 0%, below its mastery threshold of 70%.'


def test_a_scenario_that_cannot_be_taken_is_a_problem_and_stops_the_scoring_checks():
    looping = branching("b", "first", {"first": [("Go on", "second", 1)], "second": [("Back", "first", 0)]})
    problems = publish_problems(snapshot(balanced("a", 0), looping, mastery={"talk": 70}))
    assert len(problems) == 1 and "loops back on itself" in problems[0].message


def test_questions_without_keys_yet_are_judged_by_position():
    first, second = balanced("", 0), single("", [("Lend it", 0), ("Say no", 0)])
    problems = publish_problems(snapshot(first, second))
    assert [(p.field, p.question) for p in problems] == [("questions", 1), ("pass_mark", None)]


# Every way of publishing


def zero_credit_scenario(competency):
    """Raw StreamField data: a branching question whose every path earns nothing."""
    choice = {"text": "Call back", "feedback": "", "next_step": "", "credits": []}
    steps = [item({"name": "first", "situation": "<p>A late text.</p>", "choices": [item(choice)]})]
    return question("branching", "Late text", [competency], start_step="first", steps=steps)


@pytest.fixture
def talk():
    return Competency.objects.get(code="values-communication")


@pytest.fixture
def unpassable(talk):
    """A draft that cannot be passed: its scenario earns nothing, so the best score is 0%."""
    quiz = Quiz(title="Unpassable", questions=[zero_credit_scenario(talk)], live=False)
    quiz.save()
    return quiz


pytestmark = pytest.mark.django_db


def test_publishing_a_revision_in_code_is_refused_and_nothing_is_published(unpassable):
    revision = unpassable.save_revision()
    with pytest.raises(QuizNotPublishable) as refused:
        revision.publish()
    assert [p.field for p in refused.value.problems] == ["questions", "pass_mark"]
    unpassable.refresh_from_db()
    assert not unpassable.live and unpassable.live_revision is None


def test_a_draft_that_cannot_be_passed_saves(unpassable):
    assert unpassable.save_revision() == unpassable.latest_revision
    assert quiz_publish_problems(unpassable)


def test_scheduling_is_refused_and_so_is_a_scheduled_version_going_live(unpassable):
    unpassable.go_live_at = timezone.now() + timedelta(days=1)
    revision = unpassable.save_revision()
    with pytest.raises(QuizNotPublishable):
        revision.publish()
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None
    # A version approved before the rule existed, or approved while it could be passed, is checked again.
    revision.approved_go_live_at = timezone.now() - timedelta(minutes=1)
    revision.save(update_fields=["approved_go_live_at"])
    with pytest.raises(QuizNotPublishable):
        call_command("publish_scheduled")
    unpassable.refresh_from_db()
    assert not unpassable.live


def test_a_passable_quiz_publishes_and_schedules():
    quiz = build_quiz(publish_it=False)
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    assert quiz.live


def test_the_demo_loader_refuses_a_quiz_that_cannot_be_passed():
    data = copy.deepcopy(load_quizzes()[0])
    data.setdefault("mastery", {})["promotes-growth"] = 70  # no scored question of this quiz assesses it
    with pytest.raises(QuizNotPublishable, match='No scored question assesses "Promotes growth and development"'):
        quiz_create_from_data(data)
    assert not Quiz.objects.filter(title=data["title"]).exists()


# The quiz editor


def listblock(values):
    data = {str(i): {"value": value, "deleted": "", "order": str(i), "id": ""} for i, value in enumerate(values)}
    data["count"] = str(len(values))
    return data


def common(title, competency):
    return {
        "title": title,
        "content_note": "",
        "vignette": {"person": "", "setting": "", "text": rich_text("")},
        "stem": rich_text("<p>What do you do?</p>"),
        "competencies": listblock([competency.pk]),
        "points": "1",
        "rationale": rich_text(""),
    }


def editor_form(questions, *, thresholds=(), pass_mark=80, title="Boundaries check"):
    """Editor POST data. ``questions``: (kind, value) pairs; ``thresholds``: (competency, percent) pairs."""
    return nested_form_data(
        {
            "title": title,
            "intro": rich_text(""),
            "questions": streamfield(questions),
            "pass_mark": str(pass_mark),
            "cooldown_minutes": "0",
            "feedback_timing": "immediate",
            "shuffle_options": "on",
            "mastery_thresholds": inline_formset(
                [{"competency": competency.pk, "threshold": str(percent)} for competency, percent in thresholds]
            ),
        }
    )


def single_value(competency):
    options = [
        {"text": "Say no kindly and help her find formula", "credit": "100", "feedback": "Keeps trust."},
        {"text": "Lend her the thirty dollars", "credit": "0", "feedback": "Changes the relationship."},
    ]
    return {**common("Asked to lend money", competency), "options": listblock(options)}


def reflection_value(competency):
    return {**common("What you would do differently", competency), "guidance": ""}


def zero_scenario_value(competency):
    choice = {"text": "Call back", "feedback": "", "next_step": "", "credits": listblock([])}
    step = {"name": "first", "situation": rich_text("<p>A late text.</p>"), "choices": listblock([choice])}
    return {**common("Late text", competency), "start_step": "first", "steps": listblock([step])}


@pytest.fixture
def trainer(client):
    client.force_login(TrainerFactory())
    return client


def test_editor_publish_refuses_with_field_errors_and_saves_nothing(trainer, talk):
    growth = Competency.objects.get(code="promotes-growth")
    # The threshold's competency is assessed only by a reflection, which is not scored.
    data = editor_form(
        [
            ("single", single_value(talk)),
            ("reflection", reflection_value(growth)),
            ("branching", zero_scenario_value(talk)),
        ],
        thresholds=[(growth, 70)],
        pass_mark=70,
    )
    response = trainer.post(ADD_URL, {**data, "action-publish": "action-publish"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "This quiz cannot be published: no one could pass it. Nothing was saved." in content
    assert "no path through the scenario earns credit" in content
    assert "The best possible score is 50%, below the pass mark of 70%, so no one could pass." in content
    assert "No scored question assesses &quot;Promotes growth and development&quot;" in content
    assert not Quiz.objects.exists()

    # The same version saves as a draft: trainers build a quiz step by step.
    assert trainer.post(ADD_URL, data).status_code == 302
    quiz = Quiz.objects.get()
    assert not quiz.live and quiz.latest_revision is not None


def test_editor_publish_of_an_existing_quiz_keeps_the_live_version(trainer, talk):
    quiz = build_quiz()
    live_revision = quiz.live_revision_id
    data = editor_form([("branching", zero_scenario_value(talk))], title=quiz.title)
    response = trainer.post(edit_url(quiz), {**data, "action-publish": "action-publish"})
    assert response.status_code == 200
    assert "no path through the scenario earns credit" in response.content.decode()
    quiz.refresh_from_db()
    assert quiz.live_revision_id == live_revision and quiz.latest_revision_id == live_revision
    # Publishing a version that can be passed works as before.
    response = trainer.post(edit_url(quiz), {**editor_form([("single", single_value(talk))]), "action-publish": "1"})
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert quiz.live_revision_id != live_revision and quiz.title == "Boundaries check"


def test_editor_copy_publish_is_checked_too(trainer, talk):
    quiz = build_quiz()
    data = editor_form([("branching", zero_scenario_value(talk))], title="Copy")
    response = trainer.post(f"/admin/snippets/assessments/quiz/copy/{quiz.pk}/", {**data, "action-publish": "1"})
    assert response.status_code == 200
    assert not Quiz.objects.filter(title="Copy").exists()


def test_editor_shows_problems_and_cue_warnings_before_publish(trainer, unpassable):
    unpassable.save_revision()
    content = trainer.get(edit_url(unpassable)).content.decode()
    assert "Checks before publishing" in content
    assert "This version cannot be published yet: no one could pass it." in content
    assert "no path through the scenario earns credit" in content

    cued = build_quiz(title="Cued")  # the sample quiz: its best answers are the longest options
    content = trainer.get(edit_url(cued)).content.decode()
    assert "Learners could find answers without knowing them." in content
    assert "In 3 of 3 single-answer questions and scenario steps, the best answer is the longest option." in content
    assert "This version cannot be published yet" not in content


def test_editor_says_when_nothing_was_found(trainer):
    quiz = Quiz.objects.get(pk=quiz_create_from_data(load_quizzes()[1])[0].pk)
    content = trainer.get(edit_url(quiz)).content.decode()
    assert "No problems found: this version can be passed" in content
    assert "Learners could find answers without knowing them" not in content


def test_saving_or_publishing_a_quiz_with_cues_ends_with_a_warning(trainer, talk):
    cued = [("single", single_value(talk))] * 3  # the best answer is the longest option every time
    response = trainer.post(ADD_URL, editor_form(cued), follow=True)
    content = response.content.decode()
    assert "Learners could find answers without knowing them: In 3 of 3 single-answer questions" in content
    quiz = Quiz.objects.get()
    response = trainer.post(edit_url(quiz), {**editor_form(cued), "action-publish": "1"}, follow=True)
    content = response.content.decode()
    assert "updated and published" in content
    assert "Learners who always pick the longest option would score 100% and pass." in content


def test_threshold_rows_carry_their_own_error(trainer, talk):
    growth = Competency.objects.get(code="promotes-growth")
    data = editor_form(
        [("single", single_value(talk)), ("reflection", reflection_value(growth))], thresholds=[(growth, 70)]
    )
    response = trainer.post(ADD_URL, {**data, "action-publish": "1"})
    form = response.context["form"]
    threshold_form = form.formsets["mastery_thresholds"].forms[0]
    assert threshold_form.errors["threshold"][0].startswith('No scored question assesses "Promotes growth')
    assert MasteryThreshold.objects.count() == 0


def test_reverting_to_a_version_no_one_could_pass_and_publishing_it_is_refused(trainer, talk, unpassable):
    old = unpassable.save_revision()
    url = reverse("wagtailsnippets_assessments_quiz:revisions_revert", args=[unpassable.pk, old.pk])
    assert "This version cannot be published yet" in trainer.get(url).content.decode()
    data = editor_form([("branching", zero_scenario_value(talk))], title=unpassable.title)
    response = trainer.post(url, {**data, "action-publish": "1"})
    assert response.status_code == 200
    assert "no path through the scenario earns credit" in response.content.decode()
    unpassable.refresh_from_db()
    assert not unpassable.live and unpassable.latest_revision_id == old.pk
