"""The demo learner's first session, in a real browser on a phone-sized screen.

The data is the real demo curriculum from `load_demo`; the learner finds their way with the
same labels, roles and names a screen reader user would.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from assessments.models import Quiz
from certificates.demo.certification import PROGRAM_NAME, quiz_pass
from certificates.issuance.models import Certificate
from courses.models import LessonCompletion, Reflection
from courses.progress.selectors import course_outline
from courses.progress.services import enrollment_create, lesson_complete
from tests.browser.conftest import DEMO_LEARNER, log_in
from tests.browser.test_accessibility import assert_no_serious_axe_violations
from tests.browser.test_quizzes import BEST, LOW, QUIZ_TITLE, _take_attempt

pytestmark = pytest.mark.browser

REFLECTION = "Being honest about my own slips helped someone trust me.\nThen I would ask: what feels hardest right now?"


def open_main_menu(page):
    """On a phone the main navigation's links are behind its Menu button."""
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Menu").click()


def _progress(page):
    """The page's one course progress bar."""
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_count(1)
    return bar


def test_demo_learner_enrolls_completes_a_lesson_and_reflects(page, demo, screenshot_dir, django_user_model):
    course = demo
    learner = django_user_model.objects.get(email=DEMO_LEARNER)
    lessons = [entry.lesson for entry in course_outline(course=course, user=learner).lessons]
    first = lessons[0]
    assert len(lessons) == 36, "the demo curriculum has 36 lessons and 12 quizzes (11 practice, 1 final)"
    prompt = next(block.value["prompt"] for block in first.specific.body if block.block_type == "reflection")

    # Log in through the form; LOGIN_REDIRECT_URL is "My learning", empty for a new learner.
    log_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    expect(page.get_by_text("You are not enrolled in any course yet.")).to_be_visible()

    # Catalog, then the course.
    open_main_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    page.get_by_role("link", name=course.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(course.title)
    expect(page.get_by_role("progressbar")).to_have_count(0)

    # Enroll.
    page.get_by_role("button", name="Enroll in this course").click()
    expect(page.get_by_role("status")).to_contain_text(f"You are enrolled in {course.title}.")
    expect(_progress(page)).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_role("button", name="Enroll in this course")).to_have_count(0)

    # The first lesson.
    page.get_by_role("link", name="Start the first lesson").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    expect(page.get_by_text("Lesson 1 of 36")).to_be_visible()
    bar = _progress(page)
    before = int(bar.get_attribute("aria-valuenow"))
    assert before == 0
    expect(page.get_by_text("You have completed this lesson")).to_have_count(0)

    # Mark it complete: one step of 48 (36 lessons, 12 quizzes) is 2%. The page comes
    # back to the lesson's footer, where Next is, not to the top.
    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_role("status")).to_contain_text("Lesson marked complete.")
    assert page.url.endswith("#next")
    expect(page.get_by_role("navigation", name="Lessons")).to_be_in_viewport()
    bar = _progress(page)
    expect(bar).to_have_attribute("aria-valuenow", "2")
    after = int(bar.get_attribute("aria-valuenow"))
    assert after > before
    expect(page.get_by_text("1 of 36 lessons complete, 0 of 12 quizzes passed")).to_be_visible()
    expect(page.get_by_text("You have completed this lesson")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    assert LessonCompletion.objects.filter(user=learner, lesson=first).exists()

    # Write a private reflection, save it, and read it back after a reload.
    reflection = page.get_by_role("region", name=prompt)
    reflection.get_by_label("Your answer").fill(REFLECTION)
    reflection.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_role("status")).to_contain_text("Your reflection is saved. Only you can see it.")
    page.reload()
    reflection = page.get_by_role("region", name=prompt)
    expect(reflection.get_by_label("Your answer")).to_have_value(REFLECTION)
    expect(reflection.get_by_role("button", name="Update reflection")).to_be_visible()
    # Browsers submit textarea line breaks as CRLF.
    assert Reflection.objects.get(user=learner, lesson=first).answer.replace("\r\n", "\n") == REFLECTION

    page.screenshot(path=str(screenshot_dir / "lesson-completed-phone.png"), full_page=True)

    # My learning lists the course with its progress and a way back in.
    open_main_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My learning", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    card = page.locator("article.course-card").filter(has=page.get_by_role("link", name=course.title))
    expect(card).to_have_count(1)
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "2")
    expect(card).to_contain_text("1 of 36 lessons complete")
    expect(card.get_by_role("link", name=re.compile(rf"^Continue {re.escape(course.title)}$"))).to_be_visible()


def _nav(page, name: str) -> None:
    menu = page.get_by_role("navigation", name="Main").get_by_role("button", name="Menu")
    if menu.is_visible():  # a phone: the links are behind the menu
        open_main_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def _home(page):
    page.goto("/")
    return page.get_by_role("region", name=re.compile("^(Continue where you left off|Well done)$"))


def test_the_module_quiz_is_part_of_the_path_and_the_certificate_arrives(page, demo, django_user_model):
    """Complete means complete everywhere: with the lessons read and a quiz not passed, every page says what is left."""
    course = demo
    learner = django_user_model.objects.get(email=DEMO_LEARNER)
    quiz_step = f"Quiz: {QUIZ_TITLE}"
    # Everything but Module 1's last lesson and its quiz is done already.
    enrollment_create(user=learner, course=course)
    outline = course_outline(course=course, user=learner)
    last_of_module_one = outline.modules[0].lessons[-1].lesson
    for entry in outline.lessons:
        if entry.lesson.pk != last_of_module_one.pk:
            lesson_complete(user=learner, lesson=entry.lesson)
    for module in outline.modules[1:]:
        quiz_pass(learner, Quiz.objects.get(pk=module.module.quiz_id))

    log_in(page)
    panel = _home(page)
    expect(panel.get_by_role("heading")).to_have_text("Continue where you left off")
    expect(panel).to_contain_text("35 of 36 lessons complete, 11 of 12 quizzes passed")
    expect(panel.get_by_test_id("still-to-do")).to_contain_text("1 lesson to read")
    expect(panel.get_by_test_id("still-to-do")).to_contain_text(f"{quiz_step} — not started")
    assert_no_serious_axe_violations(page, "home with a lesson and a quiz left")

    # Read the last lesson of Module 1; Next then leads to the module's quiz.
    panel.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(last_of_module_one.title)
    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_role("status")).to_contain_text("Lesson marked complete.")
    assert page.url.endswith("#next")
    pager = page.get_by_role("navigation", name="Lessons")
    expect(pager).to_be_in_viewport()
    next_link = pager.get_by_role("link", name=re.compile(rf"^Next {re.escape(quiz_step)}$"))
    expect(next_link).to_be_visible()
    assert_no_serious_axe_violations(page, "lesson leading to its module quiz")

    # The outline lists the quiz in its module, not started.
    page.goto(course.url)
    module_one = page.locator(f"#module-{outline.modules[0].module.pk}")
    expect(module_one.get_by_test_id("module-quiz")).to_contain_text(quiz_step)
    expect(module_one.get_by_test_id("module-quiz")).to_contain_text("Not started")
    expect(page.get_by_test_id("still-to-do")).to_contain_text(f"{quiz_step} — not started")
    assert_no_serious_axe_violations(page, "course page with a quiz left")

    # Take the quiz from Next, and fail it.
    page.go_back()
    page.get_by_role("navigation", name="Lessons").get_by_role(
        "link", name=re.compile(rf"^Next {re.escape(quiz_step)}$")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUIZ_TITLE)
    page.get_by_role("button", name="Start the quiz").click()
    failed, _ = _take_attempt(page, learner, LOW)
    assert failed.passed is False

    # Every page says the same: not complete, and what is left.
    panel = _home(page)
    expect(panel.get_by_role("heading")).to_have_text("Continue where you left off")
    expect(page.get_by_text("Well done")).to_have_count(0)
    expect(panel.get_by_test_id("still-to-do")).to_have_text(re.compile(rf"{re.escape(quiz_step)} — not passed yet"))
    expect(panel.get_by_test_id("still-to-do")).not_to_contain_text("to read")
    expect(panel).to_contain_text(f"Next up: {quiz_step}")
    assert_no_serious_axe_violations(page, "home with a quiz not passed")
    _nav(page, "My learning")
    card = page.locator("article.course-card").filter(has=page.get_by_role("link", name=course.title))
    expect(card).not_to_contain_text("Course complete")
    expect(card.get_by_test_id("still-to-do")).to_contain_text(f"{quiz_step} — not passed yet")
    assert_no_serious_axe_violations(page, "My learning with a quiz not passed")
    _nav(page, "My certificates")
    standing = page.get_by_test_id("program-standing")
    expect(standing).to_contain_text(f"{PROGRAM_NAME}: still to complete: {course.title}.")
    expect(standing).to_contain_text(f"{quiz_step} — not passed yet")
    expect(page.get_by_test_id("certificate-card")).to_have_count(0)
    assert_no_serious_axe_violations(page, "My certificates with a quiz not passed")
    assert not Certificate.objects.filter(user=learner).exists()

    # Pass it on the retry, from the course page's outline.
    page.goto(course.url)
    page.locator(f"#module-{outline.modules[0].module.pk}").get_by_role("link", name=quiz_step).click()
    page.get_by_role("button", name="Try again").click()
    passed, _ = _take_attempt(page, learner, BEST)
    assert passed.passed is True

    # The certificate has arrived, and every page says the course is complete.
    _nav(page, "My certificates")
    expect(page.get_by_test_id("certificate-card")).to_have_count(1)
    expect(page.get_by_test_id("certificate-card")).to_contain_text(PROGRAM_NAME)
    expect(page.get_by_test_id("program-standing")).to_contain_text(f"{PROGRAM_NAME}: certified")
    expect(page.get_by_test_id("still-to-do")).to_have_count(0)
    assert_no_serious_axe_violations(page, "My certificates with the certificate")
    assert Certificate.objects.filter(user=learner, revoked_at=None).count() == 1
    _nav(page, "My learning")
    expect(page.locator("article.course-card")).to_contain_text("Course complete")
    panel = _home(page)
    expect(panel.get_by_role("heading")).to_have_text("Well done")
    expect(panel).to_contain_text("every lesson read and every module quiz passed")
