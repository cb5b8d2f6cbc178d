"""Quiz authoring: impossible quizzes are refused with field messages; a published quiz freezes faithfully."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from assessments.models import Competency, MasteryThreshold, Quiz
from assessments.quizzes.blocks import QuizQuestionsBlock
from assessments.quizzes.freezing import quiz_snapshot
from assessments.scoring.rules import best_response, score, version_from_snapshot
from tests.factories import TrainerFactory, build_quiz, item, question, sample_questions

pytestmark = pytest.mark.django_db


def clean_question(raw):
    stream = QuizQuestionsBlock()
    child = stream.child_blocks[raw["type"]]
    return child.clean(child.to_python(raw["value"]))


def test_every_sample_question_is_valid():
    for raw in sample_questions():
        clean_question(raw)


def test_single_best_response_needs_a_best_option():
    raw = sample_questions()[0]
    for option in raw["value"]["options"]:
        option["value"]["credit"] = "0"
    with pytest.raises(StructBlockValidationError) as error:
        clean_question(raw)
    assert "best answer" in str(error.value.block_errors["options"])


def test_select_all_needs_a_correct_option():
    raw = sample_questions()[1]
    for option in raw["value"]["options"]:
        option["value"]["correct"] = False
    with pytest.raises(StructBlockValidationError) as error:
        clean_question(raw)
    assert "at least one correct option" in str(error.value.block_errors["options"])


def test_branching_scenario_with_a_dangling_link_names_the_step():
    raw = sample_questions()[3]
    raw["value"]["steps"][0]["value"]["choices"][1]["value"]["next_step"] = "nowhere"
    with pytest.raises(StructBlockValidationError) as error:
        clean_question(raw)
    assert error.value.block_errors["steps"].messages == [
        'Step "first": choice "Wait for her" leads to step "nowhere", which does not exist.'
    ]


def test_branching_scenario_with_a_loop_is_refused():
    raw = sample_questions()[3]
    raw["value"]["steps"][1]["value"]["choices"][1]["value"]["next_step"] = "first"
    with pytest.raises(StructBlockValidationError) as error:
        clean_question(raw)
    assert "loops back" in str(error.value.block_errors["steps"])


def test_every_question_needs_a_competency():
    raw = question("reflection", "Untagged", [], guidance="")
    with pytest.raises(StructBlockValidationError) as error:
        clean_question(raw)
    assert "competencies" in error.value.block_errors


@pytest.mark.parametrize("pass_mark", [-1, 101])
def test_pass_mark_outside_0_to_100_is_a_field_error(pass_mark):
    quiz = build_quiz(publish_it=False)
    quiz.pass_mark = pass_mark
    with pytest.raises(ValidationError) as error:
        quiz.full_clean()
    assert "pass_mark" in error.value.message_dict


def test_a_pool_smaller_than_the_draw_is_a_field_error():
    quiz = Quiz(title="Too small a pool", questions=sample_questions(), draw_count=9)
    with pytest.raises(ValidationError) as error:
        quiz.full_clean()
    assert "only 5 questions" in error.value.message_dict["draw_count"][0]


def test_a_quiz_of_only_reflections_is_refused():
    competency = Competency.objects.first()
    quiz = build_quiz(publish_it=False)
    quiz.questions = [question("reflection", "Only this", [competency], guidance="")]
    with pytest.raises(ValidationError) as error:
        quiz.full_clean()
    assert "at least one scored question" in error.value.message_dict["questions"][0]


def test_snapshot_keeps_the_answer_key_and_scores_like_the_quiz():
    quiz = build_quiz(pass_mark=75)
    MasteryThreshold.objects.create(
        quiz=quiz, competency=Competency.objects.get(code="links-to-resources"), threshold=60
    )
    snapshot = quiz_snapshot(quiz, revision_id=quiz.live_revision_id)
    assert [q["kind"] for q in snapshot["questions"]] == ["single", "multiple", "order", "branching", "reflection"]
    assert snapshot["mastery"] == {"links-to-resources": 60}
    assert snapshot["competencies"]["values-communication"] == "Values communication"
    single = snapshot["questions"][0]
    assert [o["credit"] for o in single["options"]] == [0, 1, 0.5]
    multiple = snapshot["questions"][1]
    assert [round(o["credit"], 3) for o in multiple["options"]] == [0.5, 0.5, -0.5]
    version = version_from_snapshot(snapshot)
    perfect = score(version, {q.key: best_response(q) for q in version.questions})
    assert perfect.percent == 100 and perfect.passed
    assert set(perfect.competencies) == {"engages-relationships", "values-communication", "links-to-resources"}


def test_snapshot_does_not_change_when_the_quiz_is_edited_later():
    quiz = build_quiz()
    snapshot = quiz_snapshot(quiz)
    quiz.title = "Renamed"
    quiz.questions = sample_questions()[:1]
    quiz.save_revision().publish()
    assert snapshot["title"] == "Scenario quiz" and len(snapshot["questions"]) == 5


def test_drawn_questions_limit_the_scoring_version():
    snapshot = quiz_snapshot(build_quiz())
    keys = [snapshot["questions"][0]["key"], snapshot["questions"][2]["key"]]
    version = version_from_snapshot(snapshot, keys)
    assert [q.key for q in version.questions] == keys


def test_trainer_opens_the_quiz_editor_and_preview(client):
    quiz = build_quiz()
    client.force_login(TrainerFactory())
    assert client.get("/admin/snippets/assessments/quiz/").status_code == 200
    assert client.get(f"/admin/snippets/assessments/quiz/edit/{quiz.pk}/").status_code == 200
    assert client.get("/admin/snippets/assessments/quiz/add/").status_code == 200


def test_quiz_preview_shows_every_question(home):
    quiz = build_quiz()
    response = quiz.make_preview_request()
    content = response.rendered_content if hasattr(response, "rendered_content") else response.content.decode()
    assert response.status_code == 200
    for title in ["Asked to lend money", "Signs to check in", "Warm hand-off", "No replies after discharge"]:
        assert title in content


def test_item_helper_makes_unique_ids():
    assert item("a")["id"] != item("a")["id"]


def listblock(items):
    data = {str(i): {"value": value, "deleted": "", "order": str(i), "id": ""} for i, value in enumerate(items)}
    data["count"] = str(len(items))
    return data


def admin_quiz_form(competency, threshold_competency, *, credit="100"):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

    single = {
        "title": "Asked to lend money",
        "content_note": "",
        "vignette": {"person": "", "setting": "", "text": rich_text("")},
        "stem": rich_text("<p>What do you say?</p>"),
        "competencies": listblock([competency.pk]),
        "points": "1",
        "rationale": rich_text(""),
        "options": listblock(
            [
                {"text": "Say no kindly", "credit": credit, "feedback": "Keeps trust."},
                {"text": "Lend it", "credit": "0", "feedback": "Changes the relationship."},
            ]
        ),
    }
    return nested_form_data(
        {
            "title": "Boundaries check",
            "intro": rich_text(""),
            # Three questions: a mastery bar needs at least three in every attempt.
            "questions": streamfield([("single", single)] * 3),
            "pass_mark": "80",
            "cooldown_minutes": "0",
            "feedback_timing": "immediate",
            "shuffle_options": "on",
            "mastery_thresholds": inline_formset([{"competency": threshold_competency.pk, "threshold": "70"}]),
        }
    )


def test_trainer_creates_a_quiz_in_the_admin(client):
    client.force_login(TrainerFactory())
    engage = Competency.objects.get(code="engages-relationships")
    response = client.post("/admin/snippets/assessments/quiz/add/", admin_quiz_form(engage, engage))
    assert response.status_code == 302
    quiz = Quiz.objects.get(title="Boundaries check")
    assert not quiz.live and quiz.latest_revision is not None
    assert [t.competency for t in quiz.mastery_thresholds.all()] == [engage]


def test_admin_refuses_a_quiz_without_a_best_option(client):
    client.force_login(TrainerFactory())
    engage = Competency.objects.get(code="engages-relationships")
    response = client.post("/admin/snippets/assessments/quiz/add/", admin_quiz_form(engage, engage, credit="50"))
    assert response.status_code == 200
    assert "Mark one option as the best answer" in response.content.decode()
    assert not Quiz.objects.exists()


def test_admin_refuses_a_threshold_for_a_competency_no_question_assesses(client):
    client.force_login(TrainerFactory())
    engage = Competency.objects.get(code="engages-relationships")
    other = Competency.objects.get(code="promotes-growth")
    response = client.post("/admin/snippets/assessments/quiz/add/", admin_quiz_form(engage, other))
    assert response.status_code == 200
    assert "No question in this quiz assesses Promotes growth and development" in response.content.decode()
    assert not Quiz.objects.exists()


def test_a_quiz_with_attempts_is_not_deleted_but_kept_for_its_results(client):
    from assessments.attempts import services
    from tests.factories import LearnerFactory

    quiz = build_quiz()
    services.attempt_submit(attempt=services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt)
    client.force_login(TrainerFactory())
    response = client.post(f"/admin/snippets/assessments/quiz/delete/{quiz.pk}/", follow=True)
    assert response.status_code == 200
    assert "Unpublish it instead." in response.content.decode()
    assert Quiz.objects.filter(pk=quiz.pk).exists()


def test_a_quiz_without_attempts_can_be_deleted(client):
    quiz = build_quiz()
    client.force_login(TrainerFactory())
    client.post(f"/admin/snippets/assessments/quiz/delete/{quiz.pk}/")
    assert not Quiz.objects.filter(pk=quiz.pk).exists()
