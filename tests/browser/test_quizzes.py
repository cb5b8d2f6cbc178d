"""The demo learner takes the first module's scenario quiz in a real browser on a phone-sized screen.

The first attempt scores low and fails; the retry picks the best answers and passes. Which answer
is best is read from the attempt's snapshot in the database (the answer key the learner never
sees): the page itself must not give it away before the learner answers.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template.defaultfilters import floatformat
from playwright.sync_api import expect

from assessments.attempts import services as attempt_services
from assessments.models import Attempt, Quiz
from certificates.issuance.models import Certificate
from cms.dates import site_datetime
from courses.models import LessonPage, ModulePage
from courses.progress.services import enrollment_create, lesson_complete
from tests.browser.conftest import DEMO_LEARNER, log_in
from tests.browser.test_accessibility import (
    assert_idrefs_resolve,
    assert_no_serious_axe_violations,
    assert_one_h1,
)

pytestmark = pytest.mark.browser

QUIZ_TITLE = "Qualities in practice: scenario quiz"
REFLECTION = "Someone kept showing up every week, even after I slipped.\nYou got here today, and that took strength."
LOW, BEST = "low", "best"


def _feedback(number: int | str = r"\d+") -> re.Pattern:
    """The feedback section's name. It names its question, so the result page's feedback regions differ."""
    return re.compile(rf"^Feedback\s+on question {number}$")


def _audit(page, label: str) -> None:
    """The same bar as test_accessibility.py: no serious or critical axe violations, one h1, no broken id references."""
    assert_no_serious_axe_violations(page, label)
    assert_one_h1(page, label)
    assert_idrefs_resolve(page, label)


def _attempt_link(outcome: str, number: int) -> str:
    """The accessible name of a result link in the attempts table."""
    return f"Attempt {number}: {outcome.lower()}, see the result"


def _current_attempt(page, learner) -> Attempt:
    """The attempt whose question page is open. Waiting for the page first: the server creates the attempt."""
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/questions/\d+/$"))
    attempt_id = int(re.search(r"/attempts/(\d+)/", page.url)[1])
    return Attempt.objects.get(pk=attempt_id, user=learner, quiz__title=QUIZ_TITLE)


def _question_data(attempt: Attempt, number: int) -> dict:
    key = attempt.question_keys[number - 1]
    return next(q for q in attempt.snapshot["questions"] if q["key"] == key)


def best_path(question: dict) -> list[str]:
    """The choice texts along a branching scenario's highest-credit path, computed from the snapshot."""
    steps = {step["name"]: step for step in question["steps"]}

    def best_from(name: str) -> tuple[float, list[str]]:
        options = []
        for choice in steps[name]["choices"]:
            further, path = best_from(choice["next"]) if choice["next"] else (0.0, [])
            options.append((sum(choice["credits"].values()) + further, [choice["text"], *path]))
        # Ties go to the first choice listed, as in the scoring code.
        return max(options, key=lambda option: option[0])

    return best_from(question["start"])[1]


def _submit_button(page):
    return page.get_by_role("button", name=re.compile(r"^(Check answer|Save and continue)$"))


def _answer_single(page, question: dict, strategy: str) -> dict:
    """Choose an option and return it."""
    group = page.get_by_role("group", name="Choose the best response")
    if strategy == LOW:
        # The lowest-credit option, picked by its text: the first attempt must fail whatever the shuffle.
        chosen = min(question["options"], key=lambda option: option["credit"])
    else:
        chosen = max(question["options"], key=lambda option: option["credit"])
    group.get_by_role("radio", name=chosen["text"], exact=True).check()
    _submit_button(page).click()
    return chosen


def _answer_multiple(page, question: dict, strategy: str) -> None:
    group = page.get_by_role("group", name="Select all that apply")
    if strategy == LOW:
        group.get_by_role("checkbox").first.check()
    else:
        for option in question["options"]:
            if option["correct"]:
                group.get_by_role("checkbox", name=option["text"], exact=True).check()
    _submit_button(page).click()


def _answer_order(page, question: dict, strategy: str) -> None:
    group = page.get_by_role("group", name="Give each step its place, 1 first")
    if strategy == LOW:
        # Places in the order shown: the shuffled order, whatever it is.
        for position, select in enumerate(group.get_by_role("combobox").all(), 1):
            select.select_option(str(position))
    else:
        # The snapshot lists the items in the right order.
        for position, item in enumerate(question["items"], 1):
            group.get_by_label(item["text"], exact=True).select_option(str(position))
    _submit_button(page).click()


def _answer_branching(page, question: dict, strategy: str, label: str, audited: list[str]) -> None:
    choices = page.get_by_role("group", name="What do you do?")
    planned = best_path(question) if strategy == BEST else None
    for made in range(len(question["steps"])):
        if planned is None:
            choices.get_by_role("radio").first.check()
        else:
            choices.get_by_role("radio", name=planned[made], exact=True).check()
        page.get_by_role("button", name="Choose").click()
        expect(page.get_by_text("You chose:", exact=True)).to_have_count(made + 1)
        if choices.count() == 0:
            break
        if made == 0 and label:
            # Mid-scenario: one choice made, the next step waiting.
            expect(choices).to_be_visible()
            _audit(page, f"{label}: branching question mid-scenario")
            audited.append("branching mid-scenario")
    if planned is not None:
        expect(page.get_by_text("You chose:", exact=True)).to_have_count(len(planned))
    expect(page.get_by_text("The scenario has ended.")).to_be_visible()


def _feedback_texts(question: dict) -> list[str]:
    return [option["feedback"] for option in question.get("options", []) if option.get("feedback")]


def _take_attempt(page, learner, strategy: str, *, label: str = "", screenshot_dir=None) -> tuple[Attempt, list[str]]:
    """Answer every question, from the first question page to the review page, then submit.

    With a label, the pages along the way are checked for accessibility (and screenshots taken);
    the pages checked are returned with the attempt.
    """
    attempt = _current_attempt(page, learner)
    audited: list[str] = []
    assert not attempt.is_submitted
    total = len(attempt.question_keys)
    seen = set()
    for number in range(1, total + 1):
        question = _question_data(attempt, number)
        kind = question["kind"]
        expect(page.get_by_role("heading", level=1)).to_have_text(question["title"])
        expect(page.get_by_text(f"{QUIZ_TITLE} · Question {number} of {total}")).to_be_visible()
        first_of_kind = kind not in seen
        seen.add(kind)
        if kind == "single" and first_of_kind:
            # The answer key never reaches the learner before answering: no option feedback in the page at all.
            html, text = page.content(), page.locator("html").text_content()
            for feedback in _feedback_texts(question):
                assert feedback not in html and feedback not in text, f"feedback shown before answering: {feedback}"
        expect(page.get_by_role("heading", name=_feedback())).to_have_count(0)

        if kind == "single" and first_of_kind:
            if label:
                _audit(page, f"{label}: single-choice question before answering")
                audited.append("single before answering")
                page.screenshot(path=str(screenshot_dir / "quiz-question-phone.png"), full_page=True)
        if kind == "order" and first_of_kind and label:
            _audit(page, f"{label}: order question")
            audited.append("order")

        chosen = None
        if kind == "single":
            chosen = _answer_single(page, question, strategy)
        elif kind == "multiple":
            _answer_multiple(page, question, strategy)
        elif kind == "order":
            _answer_order(page, question, strategy)
        elif kind == "branching":
            _answer_branching(page, question, strategy, label if first_of_kind else "", audited)
        elif kind == "reflection":
            page.get_by_label("Your answer").fill(REFLECTION)
            page.get_by_role("button", name="Save answer").click()
            continue  # A reflection moves on by itself: to the next question, or to the review.
        else:
            raise AssertionError(f"unexpected question kind {kind!r}")

        # Immediate feedback: the page stays on the question, locked, with feedback.
        expect(page.get_by_role("heading", name=_feedback(number))).to_be_visible()
        expect(page.get_by_role("button", name=re.compile(r"^(Check answer|Save and continue|Choose)$"))).to_have_count(
            0
        )
        if chosen is not None:
            # Now the feedback may show: the chosen option's, and the best option's.
            feedback = page.get_by_role("region", name=_feedback(number))
            expect(feedback).to_contain_text(f"You chose: {chosen['text']}")
            expect(feedback).to_contain_text(chosen["feedback"])
            if label and first_of_kind:
                _audit(page, f"{label}: question showing feedback")
                audited.append("feedback")
                page.screenshot(path=str(screenshot_dir / "quiz-feedback-phone.png"), full_page=True)
        pager = page.get_by_role("navigation", name="Questions")
        if number < total:
            pager.get_by_role("link", name=f"Next Question {number + 1}").click()
        else:
            pager.get_by_role("link", name="Finish Review and submit").click()

    # The review lists every question, all answered.
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    items = page.get_by_role("list").filter(has=page.get_by_role("link", name=_question_data(attempt, 1)["title"]))
    expect(items.get_by_role("listitem")).to_have_count(total)
    for number in range(1, total + 1):
        expect(page.get_by_role("link", name=_question_data(attempt, number)["title"], exact=True)).to_be_visible()
    expect(page.get_by_text("Not answered yet")).to_have_count(0)
    if label:
        _audit(page, f"{label}: review page")
        audited.append("review")
    page.get_by_role("button", name="Submit attempt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    attempt.refresh_from_db()
    assert attempt.is_submitted
    return attempt, audited


def _assert_result_lists_every_question(page, attempt: Attempt) -> None:
    items = page.get_by_role("region", name="Review", exact=True).get_by_role("article")
    expect(items).to_have_count(len(attempt.question_keys))
    for number in range(1, len(attempt.question_keys) + 1):
        title = _question_data(attempt, number)["title"]
        expect(items.nth(number - 1).get_by_role("heading").first).to_contain_text(f"{number}. {title}")


def test_learner_fails_a_scenario_quiz_then_passes_the_retry(page, demo, screenshot_dir, django_user_model):
    learner = django_user_model.objects.get(email=DEMO_LEARNER)

    # Log in, open the course, enroll.
    log_in(page)
    page.goto(demo.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.title)
    expect(page.get_by_role("link", name=QUIZ_TITLE)).to_have_count(0)  # quiz links are for enrolled learners
    page.get_by_role("button", name="Enroll in this course").click()
    expect(page.get_by_role("status")).to_contain_text(f"You are enrolled in {demo.title}.")

    # The first module lists its quiz; open it.
    first_module = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=re.compile("^Module 1: ")))
    first_module.get_by_role("link", name=QUIZ_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUIZ_TITLE)
    expect(page.get_by_role("link", name="Back to the course")).to_be_visible()
    expect(page.get_by_text("Pass mark: 80%")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(0)
    _audit(page, "quiz detail")

    # First attempt: low answers throughout, then "Not passed".
    page.get_by_role("button", name="Start the quiz").click()
    failed, audited = _take_attempt(page, learner, LOW, label="first attempt", screenshot_dir=screenshot_dir)
    assert sorted(audited) == sorted(
        ["single before answering", "feedback", "order", "branching mid-scenario", "review"]
    ), f"the demo quiz no longer has every kind of page to check: {audited}"
    assert failed.passed is False, f"the low answers passed ({failed.score}%): the test must choose worse answers"
    score = page.get_by_role("region", name="Score")
    expect(score).to_contain_text("Not passed")
    expect(score).to_contain_text(f"{floatformat(failed.score, 0)}%")
    _assert_result_lists_every_question(page, failed)
    _audit(page, "failed result")
    page.screenshot(path=str(screenshot_dir / "quiz-result-failed-phone.png"), full_page=True)

    # Try again: back to the quiz, which now shows the first attempt, and start the second.
    score.get_by_role("link", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUIZ_TITLE)
    expect(page.get_by_role("link", name=_attempt_link("Not passed", 1))).to_be_visible()
    page.get_by_role("button", name="Try again").click()
    retry, _audited = _take_attempt(page, learner, BEST)
    assert retry.pk != failed.pk and retry.number == 2
    assert retry.passed is True and retry.score == 100, f"the best answers scored {retry.score}%"

    # The result: passed, one bar per competency, every question reviewed.
    score = page.get_by_role("region", name="Score")
    expect(score.get_by_text("Passed", exact=True)).to_be_visible()
    expect(score).to_contain_text("100%")
    expect(page.get_by_text("Not passed")).to_have_count(0)
    expect(score.get_by_role("link", name="Try again")).to_have_count(0)
    bars = page.get_by_role("img", name=re.compile("percent"))
    expect(bars).to_have_count(len(retry.result["competencies"]))
    for code in retry.result["competencies"]:
        name = retry.snapshot["competencies"].get(code, code)
        expect(page.get_by_role("img", name=f"{name}: 100 percent")).to_have_count(1)
    _assert_result_lists_every_question(page, retry)
    _audit(page, "passed result")
    page.screenshot(path=str(screenshot_dir / "quiz-result-passed-phone.png"), full_page=True)

    # The quiz page lists both attempts, and the best one counts.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=QUIZ_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUIZ_TITLE)
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(3)  # header and two attempts
    expect(rows.nth(1)).to_contain_text(f"{floatformat(failed.score, 0)}%")
    expect(rows.nth(1).get_by_role("link", name=_attempt_link("Not passed", 1))).to_be_visible()
    expect(rows.nth(2)).to_contain_text("100%")
    expect(rows.nth(2).get_by_role("link", name=_attempt_link("Passed", 2))).to_be_visible()
    expect(page.get_by_text("Best score: 100%")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    _audit(page, "quiz detail with attempts")


# The quiz pages' keyboard, screen-reader and what-next behaviour. Attempts are made through the
# services where the journey above already covers answering in the browser.


def _demo_quiz(**settings) -> Quiz:
    quiz = Quiz.objects.get(title=QUIZ_TITLE)
    for name, value in settings.items():
        setattr(quiz, name, value)
    if settings:
        quiz.save_revision().publish()
    return Quiz.objects.get(pk=quiz.pk)


def _best_keys(question: dict) -> list[str]:
    """The choice keys along a branching scenario's best path (``best_path`` gives their texts)."""
    texts = iter(best_path(question))
    keys, name = [], question["start"]
    while name:
        step = next(s for s in question["steps"] if s["name"] == name)
        text = next(texts)
        choice = next(c for c in step["choices"] if c["text"] == text)
        keys.append(choice["key"])
        name = choice["next"]
    return keys


def _attempt_by_services(learner, quiz, *, best: bool) -> Attempt:
    """A submitted attempt: the best answers (it passes), or none at all (0%)."""
    attempt = attempt_services.attempt_start(user=learner, quiz=quiz).attempt
    for key in attempt.question_keys if best else []:
        question = next(q for q in attempt.snapshot["questions"] if q["key"] == key)
        kind, answers = question["kind"], []
        if kind == "single":
            answers = [max(question["options"], key=lambda option: option["credit"])["key"]]
        elif kind == "multiple":
            answers = [[option["key"] for option in question["options"] if option["correct"]]]
        elif kind == "order":
            answers = [[item["key"] for item in question["items"]]]
        elif kind == "branching":
            answers = _best_keys(question)
        elif kind == "reflection":
            answers = [REFLECTION]
        for answer in answers:
            attempt_services.attempt_answer(attempt=attempt, question_key=key, answer=answer)
    return attempt_services.attempt_submit(attempt=attempt)


def _first_module(course) -> ModulePage:
    return ModulePage.objects.child_of(course).order_by("path").first()


def test_question_page_works_by_keyboard_and_tells_screen_readers(page, demo, django_user_model):
    learner = django_user_model.objects.get(email=DEMO_LEARNER)
    enrollment_create(user=learner, course=demo)
    quiz = _demo_quiz()
    log_in(page)
    page.goto(f"/quizzes/{quiz.pk}/")
    page.get_by_role("button", name="Start the quiz").click()
    attempt = _current_attempt(page, learner)
    number = next(n for n in range(1, len(attempt.question_keys) + 1) if _question_data(attempt, n)["kind"] == "single")
    page.goto(f"/quizzes/attempts/{attempt.pk}/questions/{number}/")
    group = page.get_by_role("group", name="Choose the best response")
    radio, cards = group.get_by_role("radio").first, group.locator("label.choice")

    # The focus ring outlines the whole option card, not only the small radio button.
    page.keyboard.press("Tab")  # the page has had keyboard use: focus rings as a keyboard user sees them
    radio.focus()
    ring = "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth]; }"
    assert cards.first.evaluate(ring) == ["solid", "3px"]
    assert cards.nth(1).evaluate(ring)[0] == "none"

    # Enter on a radio with nothing chosen sends nothing: it says what is missing, and focus goes there.
    url = page.url
    radio.press("Enter")
    error = page.locator("#answer-error")
    expect(error).to_have_text("Choose one of the options.")
    expect(error).to_be_focused()
    assert page.url == url and not attempt.responses.exists()
    _audit(page, "question with an empty answer refused")

    # Choose by keyboard and check: focus moves to the feedback, and a live region says what happened.
    radio.focus()
    page.keyboard.press("Space")
    expect(radio).to_be_checked()
    page.get_by_role("button", name="Check answer").click()
    expect(page.get_by_role("heading", name=_feedback(number))).to_be_focused()
    status = page.get_by_role("status").filter(has_text="Answer checked")
    expect(status).to_have_text(re.compile(r"^Answer checked: (the best|an acceptable|not the best) response\. "))
    expect(status).to_contain_text("The feedback follows.")
    _audit(page, "question after Check answer")


def test_failed_result_waits_out_the_cool_down_and_says_what_next(page, demo, django_user_model, screenshot_dir):
    learner = django_user_model.objects.get(email=DEMO_LEARNER)
    enrollment_create(user=learner, course=demo)
    quiz = _demo_quiz(max_attempts=2, cooldown_minutes=60)
    failed = _attempt_by_services(learner, quiz, best=False)
    ready = site_datetime(failed.submitted_at + timedelta(minutes=60))
    log_in(page)
    page.goto(f"/quizzes/attempts/{failed.pk}/result/")

    # Try again waits: a disabled button with the time, in the site's one format, and the attempts left.
    score = page.get_by_role("region", name="Score")
    expect(score).to_contain_text("1 of 2 attempts used, 1 left")
    expect(score).to_contain_text(f"You can try again from {ready}.")
    expect(score.get_by_role("button", name="Try again")).to_be_disabled()
    expect(score.get_by_role("link", name="Try again")).to_have_count(0)
    next_steps = page.get_by_role("region", name="What happens next")
    expect(next_steps.get_by_role("link", name="Back to the module")).to_have_attribute(
        "href", f"{demo.url}#module-{_first_module(demo).pk}"
    )

    # The review starts folded; one control opens every question, another folds them again.
    review = page.get_by_role("region", name="Review", exact=True)
    expect(review.get_by_role("region", name=_feedback())).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollHeight") < 4000
    _audit(page, "failed result in the cool-down")
    page.screenshot(path=str(screenshot_dir / "quiz-result-cool-down-phone.png"), full_page=True)
    review.get_by_role("button", name="Show every question").click()
    expect(review.get_by_role("region", name=_feedback())).to_have_count(len(failed.question_keys))
    review.get_by_role("button", name="Hide every question").click()
    expect(review.get_by_role("region", name=_feedback())).to_have_count(0)
    review.locator("summary").first.press("Enter")  # one question, by keyboard
    expect(review.get_by_role("region", name=_feedback(1))).to_be_visible()

    # The quiz page says the same.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=QUIZ_TITLE).click()
    expect(page.get_by_text("1 of 2 attempts used, 1 left")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_be_disabled()
    expect(page.get_by_text(f"You can try again from {ready}.")).to_be_visible()
    _audit(page, "quiz page in the cool-down")


def test_passed_result_leads_to_the_next_module(desktop_page, demo, django_user_model, screenshot_dir):
    page = desktop_page
    learner = django_user_model.objects.get(email=DEMO_LEARNER)
    enrollment_create(user=learner, course=demo)
    passed = _attempt_by_services(learner, _demo_quiz(), best=True)
    assert passed.passed
    second = ModulePage.objects.child_of(demo).order_by("path")[1]
    lesson = LessonPage.objects.child_of(second).live().order_by("path").first()
    log_in(page)
    page.goto(f"/quizzes/attempts/{passed.pk}/result/")
    next_steps = page.get_by_role("region", name="What happens next")
    expect(next_steps).to_contain_text(f"Next module: {second.title}.")
    expect(page.get_by_text("Your certificate is ready")).to_have_count(0)
    _audit(page, "passed result")
    page.screenshot(path=str(screenshot_dir / "quiz-result-next-module-desktop.png"), full_page=True)

    # The competency bars all start at the same x, with or without a mastery note.
    starts = page.locator(".bar__track").evaluate_all(
        "els => els.map(el => Math.round(el.getBoundingClientRect().left))"
    )
    assert len(set(starts)) == 1 and len(starts) > 1, starts
    next_steps.get_by_role("link", name=f"Start with {lesson.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)


def test_the_quiz_that_completes_the_program_links_to_the_certificate(page, demo, django_user_model):
    learner = django_user_model.objects.get(email=DEMO_LEARNER)
    enrollment_create(user=learner, course=demo)
    for lesson in LessonPage.objects.descendant_of(demo).live():
        lesson_complete(user=learner, lesson=lesson)
    *earlier, last = ModulePage.objects.child_of(demo).order_by("path").select_related("quiz")
    for module in earlier:
        assert _attempt_by_services(learner, module.quiz, best=True).passed
    assert not Certificate.objects.filter(user=learner, is_current=True).exists()
    passed = _attempt_by_services(learner, last.quiz, best=True)
    certificate = Certificate.objects.get(user=learner, is_current=True)
    log_in(page)
    page.goto(f"/quizzes/attempts/{passed.pk}/result/")
    next_steps = page.get_by_role("region", name="What happens next")
    expect(next_steps.get_by_role("listitem").first).to_contain_text(
        f"You have completed {certificate.program_name}. Your certificate is ready."
    )
    expect(next_steps).to_contain_text(f"That was the last module of {demo.title}.")
    expect(next_steps.get_by_role("link", name="Back to the course")).to_have_attribute("href", demo.url)
    _audit(page, "result of the quiz that completed the program")
    next_steps.get_by_role("link", name="Open My certificates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My certificates")
    expect(page.get_by_text(certificate.serial)).to_be_visible()
