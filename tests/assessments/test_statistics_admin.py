"""Trainers see item statistics for a quiz in the admin and export them as CSV."""

import csv
import io

import pytest

from assessments import services
from assessments.freezing import version_from_snapshot
from assessments.scoring import best_response
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
