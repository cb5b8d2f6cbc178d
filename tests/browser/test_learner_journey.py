"""The demo learner's first session, in a real browser on a phone-sized screen.

The data is the real demo curriculum from `load_demo`; the learner finds their way with the
same labels, roles and names a screen reader user would.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from courses.models import LessonCompletion, Reflection
from courses.progress.selectors import course_outline
from tests.browser.conftest import DEMO_LEARNER, log_in

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
    assert len(lessons) == 9, "the demo curriculum has nine lessons"
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
    expect(page.get_by_text("Lesson 1 of 9")).to_be_visible()
    bar = _progress(page)
    before = int(bar.get_attribute("aria-valuenow"))
    assert before == 0
    expect(page.get_by_text("You have completed this lesson")).to_have_count(0)

    # Mark it complete: one lesson of nine is 11%.
    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_role("status")).to_contain_text("Lesson marked complete.")
    bar = _progress(page)
    expect(bar).to_have_attribute("aria-valuenow", "11")
    after = int(bar.get_attribute("aria-valuenow"))
    assert after > before
    expect(page.get_by_text("1 of 9 lessons complete")).to_be_visible()
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
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "11")
    expect(card).to_contain_text("1 of 9 lessons complete")
    expect(card.get_by_role("link", name=re.compile(rf"^Continue {re.escape(course.title)}$"))).to_be_visible()
