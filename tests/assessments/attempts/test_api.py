"""The attempts API: start, answer, submit, result; own attempts only; errors name the field."""

import pytest
from django.urls import reverse

from assessments.attempts import services
from assessments.models import Response
from tests.factories import LearnerFactory, build_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(learner_client):
    return learner_client


def start(api, quiz):
    return api.post(reverse("api-attempt-start", args=[quiz.pk]))


def test_start_then_resume(api):
    quiz = build_quiz()
    first, again = start(api, quiz), start(api, quiz)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert len(first.json()["questions"]) == 5


def test_questions_carry_no_answer_key_before_answering(api):
    body = start(api, build_quiz()).json()
    text = str(body)
    for secret in ["credit", "correct", "Money changes the relationship.", "keeps the person safe", "next_step"]:
        assert secret not in text


def test_answer_submit_and_result(api):
    quiz = build_quiz()
    attempt = start(api, quiz).json()
    single = next(q for q in attempt["questions"] if q["kind"] == "single")
    best = next(o["key"] for o in single["options"] if o["text"].startswith("Say no kindly"))
    url = reverse("api-attempt-answer", args=[attempt["id"], single["key"]])
    saved = api.put(url, {"answer": best}, content_type="application/json")
    assert saved.status_code == 200
    answered = next(q for q in saved.json()["questions"] if q["key"] == single["key"])
    assert answered["answered"] and "Yes." in str(answered["options"])  # immediate feedback is now allowed
    assert api.get(reverse("api-attempt-result", args=[attempt["id"]])).status_code == 409
    submitted = api.post(reverse("api-attempt-submit", args=[attempt["id"]]))
    again = api.post(reverse("api-attempt-submit", args=[attempt["id"]]))
    assert submitted.json() == again.json()
    result = api.get(reverse("api-attempt-result", args=[attempt["id"]])).json()
    assert result["passed"] is False and result["score"] == 25  # 1 of 4 scored questions
    assert {c["code"] for c in result["competencies"]} >= {"engages-relationships"}


def test_bad_answer_is_a_400_naming_the_field(api):
    attempt = start(api, build_quiz()).json()
    single = next(q for q in attempt["questions"] if q["kind"] == "single")
    url = reverse("api-attempt-answer", args=[attempt["id"], single["key"]])
    assert api.put(url, {"answer": "nope"}, content_type="application/json").json() == {
        "answer": ["Choose one of the options."]
    }
    assert "answer" in api.put(url, {}, content_type="application/json").json()


def test_a_question_not_in_the_attempt_is_404(api):
    attempt = start(api, build_quiz()).json()
    missing = reverse("api-attempt-answer", args=[attempt["id"], "not-a-question"])
    response = api.put(missing, {"answer": "x"}, content_type="application/json")
    assert response.status_code == 404 and response.json() == {"detail": "This question is not part of the attempt."}


def _question(attempt: dict, kind: str) -> dict:
    return next(q for q in attempt["questions"] if q["kind"] == kind)


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("single", {"a": 1}),
        ("single", ["x"]),
        ("single", 3),
        ("single", None),
        ("single", True),
        ("multiple", [["x"]]),
        ("multiple", [{"a": 1}]),
        ("multiple", []),
        ("multiple", "x"),
        ("order", [1, "a"]),
        ("order", [None, "a"]),
        ("order", [["a"]]),
        ("order", {"a": 1}),
        ("branching", ["x"]),
        ("branching", 7),
        ("reflection", {"text": "hi"}),
        ("reflection", ""),
        ("reflection", ["words"]),
    ],
)
def test_answers_of_the_wrong_shape_are_a_400_naming_answer_and_save_nothing(api, kind, answer):
    """Every kind checks its answer's shape before anything is stored; no shape is a server error."""
    attempt = start(api, build_quiz(feedback_timing="after_submission")).json()
    question = _question(attempt, kind)
    url = reverse("api-attempt-answer", args=[attempt["id"], question["key"]])
    response = api.put(url, {"answer": answer}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["answer"]
    assert not Response.objects.exists()


def test_every_shape_the_schema_describes_is_accepted_for_its_kind(api):
    """What the schema allows (a string, or a list of strings) the server takes when it fits the question."""
    attempt = start(api, build_quiz(feedback_timing="after_submission")).json()
    for kind, answer in [
        ("single", lambda q: q["options"][0]["key"]),
        ("multiple", lambda q: [q["options"][0]["key"]]),
        ("order", lambda q: [o["key"] for o in q["options"]]),
        ("branching", lambda q: q["step"]["choices"][0]["key"]),
        ("reflection", lambda q: "I would listen first."),
    ]:
        question = _question(attempt, kind)
        url = reverse("api-attempt-answer", args=[attempt["id"], question["key"]])
        assert api.put(url, {"answer": answer(question)}, content_type="application/json").status_code == 200, kind
    assert Response.objects.count() == 5


def test_the_answer_schema_is_a_string_or_a_list_of_strings_never_null(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    answer = schema["components"]["schemas"]["AnswerRequest"]["properties"]["answer"]
    assert [shape["type"] for shape in answer["oneOf"]] == ["string", "array"]
    assert answer["oneOf"][1]["items"] == {"type": "string"}
    assert not answer.get("nullable")


def test_a_practice_answer_cannot_be_changed_through_the_api_once_its_feedback_is_shown(api):
    """Answer wrong, read the right option from the attempt, put it: refused, and the score keeps the first answer."""
    attempt = start(api, build_quiz()).json()
    single = _question(attempt, "single")
    url = reverse("api-attempt-answer", args=[attempt["id"], single["key"]])
    wrong = next(o["key"] for o in single["options"] if not o["text"].startswith("Say no kindly"))
    shown = api.put(url, {"answer": wrong}, content_type="application/json").json()
    revealed = _question(shown, "single")
    assert revealed["locked"] is True
    right = next(o["key"] for o in revealed["options"] if o["correct"])
    changed = api.put(url, {"answer": right}, content_type="application/json")
    assert changed.status_code == 409
    assert "already answered" in changed.json()["detail"]
    result = api.post(reverse("api-attempt-submit", args=[attempt["id"]])).json()
    assert next(q for q in result["review"] if q["key"] == single["key"])["answer"] == wrong


def test_refused_start_says_when_to_retry(api, learner):
    quiz = build_quiz(cooldown_minutes=30)
    attempt = services.attempt_start(user=learner, quiz=quiz).attempt
    services.attempt_submit(attempt=attempt)
    response = start(api, quiz)
    assert response.status_code == 409
    assert "You can try again from" in response.json()["detail"] and response.json()["retry_at"]


def test_other_learners_attempts_are_404(api, client):
    attempt = start(api, build_quiz()).json()
    other = client.__class__()
    other.force_login(LearnerFactory())
    for name in ["api-attempt", "api-attempt-result"]:
        assert other.get(reverse(name, args=[attempt["id"]])).status_code == 404
    assert other.post(reverse("api-attempt-submit", args=[attempt["id"]])).status_code == 404
    url = reverse("api-attempt-answer", args=[attempt["id"], attempt["questions"][0]["key"]])
    assert other.put(url, {"answer": "x"}, content_type="application/json").status_code == 404


def test_api_needs_authentication(client):
    assert client.post(reverse("api-attempt-start", args=[build_quiz().pk])).status_code == 401


def test_schema_and_browsable_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/attempts/{attempt_id}/submit/" in schema["paths"]
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "cdn." not in docs and "unpkg" not in docs


def test_result_says_attempts_used_and_when_the_next_may_start(api):
    quiz = build_quiz(max_attempts=2, cooldown_minutes=60)
    attempt = start(api, quiz).json()
    body = api.post(reverse("api-attempt-submit", args=[attempt["id"]])).json()
    attempts = body["attempts"]
    assert (attempts["used"], attempts["allowed"], attempts["left"], attempts["may_start"]) == (1, 2, 1, False)
    assert attempts["retry_at"] and attempts["refusal"].startswith("You can try again from ")
    assert body["next_steps"] == []  # a quiz in no module: nothing to go on to
    again = api.get(reverse("api-attempt-result", args=[attempt["id"]])).json()
    assert again["attempts"] == attempts
