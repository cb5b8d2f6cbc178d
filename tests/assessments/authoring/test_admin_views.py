"""Trainers see item statistics for a quiz in the admin and export them as CSV."""

import csv
import io

import pytest

from assessments.attempts import services
from assessments.models import Competency
from assessments.scoring.rules import best_response, version_from_snapshot
from tests import factories
from tests.factories import LearnerFactory, SupervisorFactory, TrainerFactory, build_quiz

pytestmark = pytest.mark.django_db


def take(quiz, *, best: bool):
    attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz).attempt
    for question in version_from_snapshot(attempt.snapshot).questions:
        if question.kind == "single":
            pick = best_response(question) if best else min(question.options, key=lambda o: o.credit).key
            services.attempt_answer(attempt=attempt, question_key=question.key, answer=pick)
    return services.attempt_submit(attempt=attempt)


@pytest.fixture
def quiz_with_attempts():
    quiz = build_quiz()
    for best in [True, True, False, True, False, True]:
        take(quiz, best=best)
    return quiz


def url(quiz):
    return f"/admin/snippets/assessments/quiz/statistics/{quiz.pk}/"


def test_trainer_sees_facility_and_option_counts(client, quiz_with_attempts):
    client.force_login(TrainerFactory())
    content = client.get(url(quiz_with_attempts)).content.decode()
    assert "6 submitted attempts" in content
    assert "Asked to lend money" in content
    assert "66.7%" in content  # the single question: 4 of 6 chose the best option
    assert "Say no kindly and find resources together: 4" in content
    listing = client.get("/admin/snippets/assessments/quiz/").content.decode()
    assert url(quiz_with_attempts) in listing


def test_statistics_export_as_csv(client, quiz_with_attempts):
    client.force_login(TrainerFactory())
    response = client.get(url(quiz_with_attempts) + "?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Question", "Title", "Attempts", "Facility (%)"]
    single = next(row for row in rows if row[1] == "Asked to lend money")
    assert single[2:4] == ["6", "66.7"]


def test_questions_and_options_are_labelled_by_their_words_and_unchosen_options_show_zero(client, quiz_with_attempts):
    client.force_login(TrainerFactory())
    content = client.get(url(quiz_with_attempts)).content.decode()
    # Nobody chose "Change the subject": the least-credit answer was "Lend a little".
    assert "Lend a little: 2" in content
    assert "Change the subject: 0" in content
    assert "first: Wait for her: 0" in content
    assert "second: Tell her to rest: 0" in content
    question_keys = [q["key"] for q in quiz_with_attempts.attempts.first().snapshot["questions"]]
    option_keys = [
        o["key"] for q in quiz_with_attempts.attempts.first().snapshot["questions"] for o in q.get("options", [])
    ]
    table = content[content.index("<table") : content.index("</table>")]
    assert not any(key in table for key in question_keys + option_keys)

    rows = list(csv.reader(io.StringIO(client.get(url(quiz_with_attempts) + "?export=csv").content.decode())))
    assert [row[:2] for row in rows[1:]] == [
        ["1", "Asked to lend money"],
        ["2", "Signs to check in"],
        ["3", "Warm hand-off"],
        ["4", "No replies after discharge"],
    ]
    assert rows[1][7] == "Lend a little: 2; Say no kindly and find resources together: 4; Change the subject: 0"
    assert "Posted a baby photo: " in rows[2][7]
    assert not any(key in cell for row in rows for cell in row for key in question_keys + option_keys)


@pytest.mark.parametrize("title", ['=HYPERLINK("http://example.org")', "+1 555 0100", "-2+3", "@SUM(1)", "\tx", "\r=1"])
def test_csv_cells_never_start_a_spreadsheet_formula(client, title):
    quiz = build_quiz()
    quiz.questions[0].value["title"] = title
    quiz.save_revision().publish()
    take(quiz, best=True)
    client.force_login(TrainerFactory())
    rows = list(csv.reader(io.StringIO(client.get(url(quiz) + "?export=csv").content.decode(), newline="")))
    assert f"'{title}" in [row[1] for row in rows]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_supervisors_cannot_see_quiz_statistics(client, quiz_with_attempts):
    client.force_login(SupervisorFactory())
    assert client.get(url(quiz_with_attempts)).status_code in (302, 403)


def test_cue_notes_sit_beside_each_question_and_cue_warnings_above_the_table(client, quiz_with_attempts):
    client.force_login(TrainerFactory())
    content = client.get(url(quiz_with_attempts)).content.decode()
    assert "Learners could find answers without knowing them:" in content
    assert "In 3 of 3 single-answer questions and scenario steps, the best answer is the longest option." in content
    row = content[
        content.index("<td>Asked to lend money</td>") : content.index("</tr>", content.index("Asked to lend money"))
    ]
    assert "The best answer is the longest option." in row
    scenario = content[content.index("<td>No replies after discharge</td>") :]
    assert "At 2 of 2 steps the best choice is the longest." in scenario[: scenario.index("</tr>")]


def test_cues_show_before_anyone_has_taken_the_quiz(client):
    quiz = build_quiz()
    client.force_login(TrainerFactory())
    content = client.get(url(quiz)).content.decode()
    assert "No one has submitted this quiz yet." in content
    assert "the best answer is the longest option" in content


def balanced_single(position, competency):
    """The best answer is neither the longest nor the shortest option, and sits at ``position``."""
    texts = ["Ask her what she needs", "Tell her what to do about it now"]
    texts.insert(position, "Ask what would help her most")
    options = [
        factories.item({"text": text, "credit": "100" if n == position else "0", "feedback": ""})
        for n, text in enumerate(texts)
    ]
    return factories.question("single", f"Balanced {position}", [competency], options=options)


def test_cues_are_those_of_the_version_learners_take_not_of_a_later_draft(client):
    quiz = build_quiz()
    engage = Competency.objects.get(code="engages-relationships")
    quiz.questions = [balanced_single(position, engage) for position in range(3)]
    quiz.save_revision()
    client.force_login(TrainerFactory())
    assert "the best answer is the longest option" in client.get(url(quiz)).content.decode()
    quiz.save_revision().publish()
    content = client.get(url(quiz)).content.decode()
    assert "the best answer is the longest option" not in content
    assert "Learners could find answers without knowing them" not in content


GIFT_URL = "/admin/snippets/assessments/quiz/import-gift/"


def test_statistics_and_gift_import_sit_under_quizzes(client):
    quiz = build_quiz(title="Boundaries")
    client.force_login(TrainerFactory())
    quizzes = {"url": "/admin/snippets/assessments/quiz/", "label": "Quizzes"}

    for page, title in [(url(quiz), "Statistics: Boundaries"), (GIFT_URL, "Import questions from GIFT")]:
        response = client.get(page)
        assert response.status_code == 200
        labels = [{"url": str(i["url"]), "label": str(i["label"])} for i in response.context["breadcrumbs_items"]]
        assert labels == [{"url": "/admin/", "label": "Home"}, quizzes, {"url": "", "label": title}]


def test_statistics_of_an_unknown_quiz_are_not_found_for_anyone(client):
    client.force_login(SupervisorFactory())
    assert client.get("/admin/snippets/assessments/quiz/statistics/999999/").status_code == 404
    assert client.get(GIFT_URL)["Location"] == "/admin/"
