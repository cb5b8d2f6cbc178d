"""The learner's quiz pages: no answer key before it may be shown, own attempts only, full flow, fixed queries."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks

from assessments.attempts import selectors, services
from assessments.attempts.next_steps import QUIZ_RESULT_NEXT_STEP_HOOK, NextStep
from assessments.models import Attempt, Quiz, Response
from cms.dates import site_datetime
from tests.factories import LearnerFactory, build_quiz, sample_questions

pytestmark = pytest.mark.django_db


def start(client, quiz):
    response = client.post(reverse("quiz-start", args=[quiz.pk]))
    assert response.status_code == 302
    return Attempt.objects.latest("started_at")


def question_number(attempt, kind):
    return next(
        n for n, key in enumerate(attempt.question_keys, 1) if selectors.question_data(attempt, key)["kind"] == kind
    )


def single(attempt):
    number = question_number(attempt, "single")
    return number, selectors.question_data(attempt, attempt.question_keys[number - 1])


def test_question_page_never_carries_the_answer_key_before_answering(learner_client):
    quiz = build_quiz()
    attempt = start(learner_client, quiz)
    number, data = single(attempt)
    page = learner_client.get(reverse("attempt-question", args=[attempt.pk, number])).content.decode()
    assert data["options"][1]["text"] in page
    for secret in [
        "Money changes the relationship.",
        "Safe, but unhelpful.",
        "keeps the person safe",
        "(best response)",
    ]:
        assert secret not in page


def test_immediate_feedback_appears_once_answered(learner_client):
    quiz = build_quiz()
    attempt = start(learner_client, quiz)
    number, data = single(attempt)
    url = reverse("attempt-question", args=[attempt.pk, number])
    learner_client.post(url, {"answer": data["options"][0]["key"]})
    page = learner_client.get(url).content.decode()
    assert "Money changes the relationship." in page and "keeps the person safe" in page
    assert 'name="answer"' not in page  # locked once the feedback is shown


def test_a_second_post_from_a_stale_page_cannot_change_a_practice_answer(learner_client):
    """The question page and the API share one lock: a form posted again after the feedback changes nothing."""
    attempt = start(learner_client, build_quiz())
    number, data = single(attempt)
    url = reverse("attempt-question", args=[attempt.pk, number])
    first, second = data["options"][0]["key"], data["options"][1]["key"]
    learner_client.post(url, {"answer": first})
    response = learner_client.post(url, {"answer": second}, follow=True)
    assert response.redirect_chain[-1][0] == url
    assert "You have already answered this question" in response.content.decode()
    assert Response.objects.get(attempt=attempt, question_key=data["key"]).answer == first


def test_graded_quiz_keeps_feedback_until_submission(learner_client):
    quiz = build_quiz(feedback_timing="after_submission")
    attempt = start(learner_client, quiz)
    number, data = single(attempt)
    url = reverse("attempt-question", args=[attempt.pk, number])
    response = learner_client.post(url, {"answer": data["options"][0]["key"]})
    assert response.status_code == 302
    page = learner_client.get(url).content.decode()
    assert "Money changes the relationship." not in page and 'name="answer"' in page
    learner_client.post(reverse("attempt-submit", args=[attempt.pk]))
    result = learner_client.get(reverse("attempt-result", args=[attempt.pk])).content.decode()
    assert "Money changes the relationship." in result and "keeps the person safe" in result


def test_a_graded_scenario_says_it_has_ended_and_keeps_its_feedback_until_submission(learner_client):
    attempt = start(learner_client, build_quiz(feedback_timing="after_submission"))
    number = question_number(attempt, "branching")
    data = selectors.question_data(attempt, attempt.question_keys[number - 1])
    url = reverse("attempt-question", args=[attempt.pk, number])
    steps, current, feedback = {step["name"]: step for step in data["steps"]}, data["start"], []
    while current:
        choice = steps[current]["choices"][0]
        assert "The scenario has ended" not in learner_client.get(url).content.decode()
        learner_client.post(url, {"choice": choice["key"]})
        feedback.append(choice["feedback"])
        current = choice["next"]
    page = learner_client.get(url).content.decode()
    assert "The scenario has ended. You will see the feedback after you submit the quiz." in page
    assert not any(text and text in page for text in feedback)


def test_another_learners_attempt_is_a_404(client, learner_client):
    attempt = start(learner_client, build_quiz())
    client.force_login(LearnerFactory())
    for name, args in [
        ("attempt-question", [attempt.pk, 1]),
        ("attempt-review", [attempt.pk]),
        ("attempt-result", [attempt.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.post(reverse("attempt-submit", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("attempt-question", args=[attempt.pk, 1]), {"answer": "x"}).status_code == 404
    assert not Response.objects.exists()


def test_invalid_answer_is_a_clear_error_and_saves_nothing(learner_client):
    attempt = start(learner_client, build_quiz())
    number = question_number(attempt, "order")
    response = learner_client.post(reverse("attempt-question", args=[attempt.pk, number]), {})
    assert response.status_code == 400
    assert "Give every item a place in the order." in response.content.decode()
    assert not Response.objects.exists()


def test_order_question_takes_positions_without_javascript(learner_client):
    attempt = start(learner_client, build_quiz())
    number = question_number(attempt, "order")
    data = selectors.question_data(attempt, attempt.question_keys[number - 1])
    positions = {f"position-{item['key']}": str(i) for i, item in enumerate(data["items"], 1)}
    learner_client.post(reverse("attempt-question", args=[attempt.pk, number]), positions)
    assert Response.objects.get().answer == [item["key"] for item in data["items"]]


def test_whole_flow_to_a_result_with_competency_bars(learner_client):
    quiz = build_quiz()
    attempt = start(learner_client, quiz)
    number, data = single(attempt)
    learner_client.post(reverse("attempt-question", args=[attempt.pk, number]), {"answer": data["options"][1]["key"]})
    review = learner_client.get(reverse("attempt-review", args=[attempt.pk])).content.decode()
    assert "Not answered yet" in review and "Answered" in review
    learner_client.post(reverse("attempt-submit", args=[attempt.pk]))
    again = learner_client.post(reverse("attempt-submit", args=[attempt.pk]))
    assert again.url == reverse("attempt-result", args=[attempt.pk])
    result = learner_client.get(reverse("attempt-result", args=[attempt.pk])).content.decode()
    assert "Not passed" in result and "Engages peers in collaborative and caring relationships" in result
    assert 'role="img" aria-label="Engages peers in collaborative and caring relationships: 100 percent"' in result
    assert Attempt.objects.filter(submitted_at__isnull=False).count() == 1


def test_cool_down_message_on_the_quiz_page(learner_client, learner):
    quiz = build_quiz(cooldown_minutes=30)
    attempt = start(learner_client, quiz)
    learner_client.post(reverse("attempt-submit", args=[attempt.pk]))
    response = learner_client.post(reverse("quiz-start", args=[quiz.pk]), follow=True)
    assert "You can try again from" in response.content.decode()
    assert Attempt.objects.count() == 1


def test_unpublished_quiz_is_not_found(learner_client):
    quiz = build_quiz(publish_it=False)
    assert learner_client.get(reverse("quiz-detail", args=[quiz.pk])).status_code == 404


def test_quiz_pages_need_login(client):
    quiz = build_quiz()
    assert client.get(reverse("quiz-detail", args=[quiz.pk])).url.startswith(reverse("login"))


def test_submit_queries_do_not_grow_with_questions(learner_client):
    def submit_queries(copies):
        quiz = build_quiz(title=f"Quiz of {copies * 5}")
        quiz.questions = [q for _ in range(copies) for q in sample_questions()]
        quiz.save_revision().publish()
        attempt = start(learner_client, Quiz.objects.get(pk=quiz.pk))
        for key in attempt.question_keys:
            data = selectors.question_data(attempt, key)
            if data["kind"] == "single":
                services.attempt_answer(attempt=attempt, question_key=key, answer=data["options"][1]["key"])
        with CaptureQueriesContext(connection) as queries:
            learner_client.post(reverse("attempt-submit", args=[attempt.pk]))
        return len(queries)

    assert submit_queries(1) == submit_queries(6)


def test_course_page_links_the_module_quiz(learner_client, learner, course):
    from courses.progress import services as course_services

    quiz = build_quiz()
    module = course.get_children().first().specific
    module.quiz = quiz
    module.save_revision().publish()
    course_services.enrollment_create(user=learner, course=course)
    content = learner_client.get(course.url).content.decode()
    assert f'href="{reverse("quiz-detail", args=[quiz.pk])}?next=' in content
    assert "End-of-module quiz" in content


def test_graded_questions_save_as_you_go_with_javascript(learner_client):
    attempt = start(learner_client, build_quiz(feedback_timing="after_submission"))
    number, data = single(attempt)
    page = learner_client.get(reverse("attempt-question", args=[attempt.pk, number])).content.decode()
    assert f'data-autosave-url="{reverse("api-attempt-answer", args=[attempt.pk, data["key"]])}"' in page
    assert "assessments/autosave.js" in page


def test_practice_questions_do_not_autosave_because_saving_reveals_feedback(learner_client):
    attempt = start(learner_client, build_quiz())
    number, _data = single(attempt)
    page = learner_client.get(reverse("attempt-question", args=[attempt.pk, number])).content.decode()
    assert "data-autosave-url" not in page


def test_result_review_shows_the_learners_order_and_the_best_order(learner_client):
    attempt = start(learner_client, build_quiz())
    number = question_number(attempt, "order")
    data = selectors.question_data(attempt, attempt.question_keys[number - 1])
    reversed_positions = {
        f"position-{item['key']}": str(len(data["items"]) - i) for i, item in enumerate(data["items"])
    }
    learner_client.post(reverse("attempt-question", args=[attempt.pk, number]), reversed_positions)
    learner_client.post(reverse("attempt-submit", args=[attempt.pk]))
    page = learner_client.get(reverse("attempt-result", args=[attempt.pk])).content.decode()
    yours = page.index("Your order:")
    best = page.index("The order that works best:")
    assert page.index("Introduce", yours) < page.index("Ask consent", yours) < best
    assert best < page.index("Ask consent", best) < page.index("Introduce", best)


def submitted(client, quiz):
    attempt = start(client, quiz)
    client.post(reverse("attempt-submit", args=[attempt.pk]))
    attempt.refresh_from_db()
    return attempt


def test_failed_result_inside_the_cool_down_disables_try_again_and_says_when(learner_client):
    quiz = build_quiz(max_attempts=2, cooldown_minutes=60)
    attempt = submitted(learner_client, quiz)
    page = learner_client.get(reverse("attempt-result", args=[attempt.pk])).content.decode()
    ready = site_datetime(attempt.submitted_at + timedelta(minutes=60))
    assert "1 of 2 attempts used, 1 left" in page
    assert f'id="retry-reason">You can try again from {ready}.</p>' in page
    assert '<button type="button" class="button" disabled aria-describedby="retry-reason">Try again</button>' in page
    assert f'href="{reverse("quiz-detail", args=[quiz.pk])}">Try again' not in page


def test_failed_result_after_the_cool_down_links_to_try_again(learner_client):
    quiz = build_quiz(max_attempts=3, cooldown_minutes=60)
    attempt = submitted(learner_client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now() - timedelta(minutes=61))
    page = learner_client.get(reverse("attempt-result", args=[attempt.pk])).content.decode()
    assert f'<a class="button" href="{reverse("quiz-detail", args=[quiz.pk])}">Try again</a>' in page
    assert "1 of 3 attempts used, 2 left" in page and "disabled" not in page


def test_no_try_again_once_every_attempt_is_used(learner_client):
    quiz = build_quiz(max_attempts=1)
    attempt = submitted(learner_client, quiz)
    for url in [reverse("attempt-result", args=[attempt.pk]), reverse("quiz-detail", args=[quiz.pk])]:
        page = learner_client.get(url).content.decode()
        assert "You have used your one attempt at this quiz." in page
        assert ">Try again<" not in page


def test_quiz_page_counts_attempts_and_waits_out_the_cool_down(learner_client):
    quiz = build_quiz(max_attempts=2, cooldown_minutes=30)
    attempt = submitted(learner_client, quiz)
    page = learner_client.get(reverse("quiz-detail", args=[quiz.pk])).content.decode()
    assert "1 of 2 attempts used, 1 left" in page
    assert "You can try again from " + site_datetime(attempt.submitted_at + timedelta(minutes=30)) in page
    assert "disabled" in page and 'action="' + reverse("quiz-start", args=[quiz.pk]) not in page
    assert site_datetime(attempt.started_at) in page  # the attempts table, in the site's one format


def test_unlimited_quiz_result_says_nothing_of_attempts_left(learner_client):
    attempt = submitted(learner_client, build_quiz())
    page = learner_client.get(reverse("attempt-result", args=[attempt.pk])).content.decode()
    assert "attempts used" not in page and ">Try again</a>" in page


def test_result_page_shows_the_next_steps_other_apps_offer(learner_client):
    attempt = submitted(learner_client, build_quiz())

    def step(request, seen):
        return NextStep(f"Attempt {seen.number} is done.", "Carry on", "/somewhere/")

    with hooks.register_temporarily(QUIZ_RESULT_NEXT_STEP_HOOK, step):
        page = learner_client.get(reverse("attempt-result", args=[attempt.pk])).content.decode()
    assert "What happens next" in page
    assert 'Attempt 1 is done. <a href="/somewhere/">Carry on</a>' in page


def test_result_review_is_folded_with_one_control_for_all(learner_client):
    attempt = submitted(learner_client, build_quiz())
    page = learner_client.get(reverse("attempt-result", args=[attempt.pk])).content.decode()
    assert page.count("<details>") == len(attempt.question_keys)
    assert 'data-review-toggle="open">Show every question' in page


def test_result_page_queries_do_not_grow_with_attempts(learner_client, django_assert_max_num_queries):
    quiz = build_quiz()
    for _ in range(3):
        attempt = submitted(learner_client, quiz)
    with django_assert_max_num_queries(14):
        assert learner_client.get(reverse("attempt-result", args=[attempt.pk])).status_code == 200


def test_check_answer_sends_the_learner_to_the_feedback(learner_client):
    attempt = start(learner_client, build_quiz())
    number, data = single(attempt)
    url = reverse("attempt-question", args=[attempt.pk, number])
    response = learner_client.post(url, {"answer": data["options"][0]["key"]})
    assert response.url == f"{url}?checked=1"
    page = learner_client.get(response.url).content.decode()
    assert f'id="feedback-{data["key"]}" tabindex="-1" data-focus-on-load' in page
    assert (
        'role="status" aria-live="polite" data-announce="Answer checked: not the best response. The feedback follows.'
        in page
    )
    later = learner_client.get(url).content.decode()  # coming back later: no focus move, nothing announced
    assert "data-focus-on-load" not in later and "check-announcer" not in later


def test_an_empty_single_answer_is_a_field_error_and_saves_nothing(learner_client):
    attempt = start(learner_client, build_quiz())
    number, data = single(attempt)
    response = learner_client.post(reverse("attempt-question", args=[attempt.pk, number]), {})
    page = response.content.decode()
    assert response.status_code == 400
    assert '<fieldset class="choices" aria-describedby="answer-error">' in page
    assert 'id="answer-error" tabindex="-1" data-focus-on-load>Choose one of the options.</p>' in page
    assert "<title>Error: " in page and not Response.objects.exists()


def test_a_refused_order_keeps_the_places_given(learner_client):
    attempt = start(learner_client, build_quiz())
    number = question_number(attempt, "order")
    data = selectors.question_data(attempt, attempt.question_keys[number - 1])
    first = data["items"][0]["key"]
    response = learner_client.post(reverse("attempt-question", args=[attempt.pk, number]), {f"position-{first}": "2"})
    assert response.status_code == 400
    assert re.search(rf'id="position-{first}".*?<option value="2" selected>', response.content.decode(), re.S)
    assert not Response.objects.exists()


# The session and user, the attempt (with its quiz) and the answer shown: the page's navigation and
# the header's admin link come from the cache. The ceiling for this page is 10.
QUESTION_PAGE_QUERIES = 4


def question_page_queries(client, learner, *, copies: int, earlier_attempts: int) -> tuple[int, int]:
    """Queries of showing a question and of saving an answer to it, on a quiz of ``copies`` times the
    sample questions, for a learner who has submitted ``earlier_attempts`` before."""
    quiz = build_quiz(title=f"Quiz of {copies * 5}", feedback_timing="after_submission")
    quiz.questions = [q for _ in range(copies) for q in sample_questions()]
    quiz.save_revision().publish()
    quiz = Quiz.objects.get(pk=quiz.pk)
    for _ in range(earlier_attempts):
        services.attempt_submit(attempt=services.attempt_start(user=learner, quiz=quiz).attempt)
    attempt = start(client, quiz)
    number, data = single(attempt)
    url = reverse("attempt-question", args=[attempt.pk, number])
    client.get(url)  # the first request of a session may set things up once
    with CaptureQueriesContext(connection) as shown:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as saved:
        assert client.post(url, {"answer": data["options"][0]["key"]}).status_code == 302
    return len(shown), len(saved)


def test_question_page_and_answer_save_queries_do_not_grow_with_questions_or_attempts(learner_client, learner):
    small = question_page_queries(learner_client, learner, copies=1, earlier_attempts=0)
    large = question_page_queries(learner_client, learner, copies=6, earlier_attempts=4)
    assert small == large
    shown, saved = small
    assert shown <= QUESTION_PAGE_QUERIES
    # Session, user, the attempt; then, locked, its state, the saved answer and the write (with the
    # savepoint the test's transaction wraps it in).
    assert saved <= 8
