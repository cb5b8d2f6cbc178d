"""The attempts API: start, answer, submit, result; own attempts only; errors name the field."""

import pytest
from django.urls import reverse

from assessments import services
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
    missing = reverse("api-attempt-answer", args=[attempt["id"], "not-a-question"])
    assert "question_key" in api.put(missing, {"answer": "x"}, content_type="application/json").json()


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
