"""The quiz editor: the add form leaves nothing behind until saved, autosave of a half-written quiz is an
everyday answer, and the quiz list says which quizzes are live and which are drafts."""

import html
import json
import logging

import pytest

from assessments.models import Competency, Quiz
from tests.assessments.quizzes.test_publishing import ADD_URL, editor_form, single_value, zero_scenario_value
from tests.factories import TrainerFactory, build_quiz

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/assessments/quiz/"


def edit_url(quiz):
    return f"/admin/snippets/assessments/quiz/edit/{quiz.pk}/"


@pytest.fixture
def trainer(client):
    client.force_login(TrainerFactory())
    return client


@pytest.fixture
def talk():
    return Competency.objects.get(code="values-communication")


def autosave(client, url, data):
    return client.post(url, data, HTTP_ACCEPT="application/json")


def test_the_add_form_does_not_autosave(trainer):
    page = trainer.get(ADD_URL).content.decode()
    edit_page = trainer.get(edit_url(build_quiz())).content.decode()
    assert "data-w-autosave-interval-value" in edit_page
    assert "data-w-autosave-interval-value" not in page


@pytest.mark.parametrize("title", ["Boundaries check", ""])
def test_an_autosave_of_a_new_quiz_creates_nothing(trainer, talk, title):
    response = autosave(trainer, ADD_URL, editor_form([("single", single_value(talk))], title=title))
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert response.json()["error_code"] == "validation_error"
    assert not Quiz.objects.exists()


def test_saving_the_add_form_still_creates_a_draft(trainer, talk):
    assert trainer.post(ADD_URL, editor_form([("single", single_value(talk))])).status_code == 302
    assert not Quiz.objects.get().live


def test_an_invalid_autosave_is_a_validation_answer_not_a_logged_error(trainer, talk, caplog):
    quiz = build_quiz()
    broken = zero_scenario_value(talk)
    broken["start_step"] = "nowhere"
    data = {**editor_form([("branching", broken)]), "overwrite_revision_id": str(quiz.latest_revision_id)}
    with caplog.at_level(logging.INFO):
        response = autosave(trainer, edit_url(quiz), data)
    assert response.status_code == 200
    assert response.json() == {
        "success": False,
        "error_code": "validation_error",
        "error_message": "There are validation errors, click save to highlight them.",
    }
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert Quiz.objects.get().latest_revision_id == quiz.latest_revision_id


def test_a_valid_autosave_of_an_existing_quiz_saves_a_draft_revision(trainer, talk):
    quiz = build_quiz()
    data = editor_form([("single", single_value(talk))])
    response = autosave(trainer, edit_url(quiz), data)
    assert response.json()["success"] is True, response.json()
    quiz.refresh_from_db()
    assert quiz.live and quiz.has_unpublished_changes


def test_the_quiz_list_says_live_or_draft(trainer):
    build_quiz(title="Live quiz")
    build_quiz(title="Draft quiz", publish_it=False)
    changed = build_quiz(title="Changed quiz")
    changed.save_revision()
    page = trainer.get(LIST_URL).content.decode()
    assert "Status" in page

    def row(title):
        start = page.index(title)
        return page[start : page.index("</tr>", start)]

    assert "draft" in row("Draft quiz") and "live" not in row("Draft quiz").replace("data-", "")
    assert "live + draft" in row("Changed quiz")
    assert "live" in row("Live quiz") and "draft" not in row("Live quiz")


def test_branching_errors_in_the_editor_quote_the_trainers_words(trainer, talk):
    scenario = zero_scenario_value(talk)
    scenario["steps"]["0"]["value"]["name"] = "The phone call"
    scenario["start_step"] = "The phone call"
    scenario["steps"]["0"]["value"]["choices"]["0"]["value"].update(
        text="Tell her you'll call CPS", next_step="After the call"
    )
    scenario["steps"]["0"]["value"]["choices"]["0"]["id"] = "5b0e4c1a-2f0d-4a53-9a47-d3c8e1f0a9b2"
    response = trainer.post(ADD_URL, editor_form([("single", single_value(talk)), ("branching", scenario)]))
    # The editor draws block errors from JSON in the page; the messages sit after the block data.
    errors = html.unescape(response.content.decode()).split('{"blockErrors"', 1)[1]
    message = 'Step "The phone call": choice "Tell her you\'ll call CPS" leads to step "After the call", which does not exist.'
    assert json.dumps(message) in errors
    assert "5b0e4c1a" not in errors
    assert not Quiz.objects.exists()
