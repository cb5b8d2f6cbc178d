"""A lesson's model debrief and references on a phone: the debrief opens from the keyboard and, once the
learner has saved a reflection, by itself; the references fit the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from courses.progress.selectors import course_outline
from courses.progress.services import enrollment_create
from tests.browser.conftest import DEMO_LEARNER, log_in
from tests.browser.test_accessibility import assert_idrefs_resolve, assert_no_serious_axe_violations

pytestmark = pytest.mark.browser

DEBRIEF = "<p>A skilled peer notices the fear under the question, and asks about it first.</p>"
LONG_URL = "https://store.samhsa.gov/product/clinical-guidance-treating-pregnant-and-parenting-women-opioid-use-disorder-and-their/sma18-5054"


def _first_lesson_with_sources(course, learner):
    lesson = course_outline(course=course, user=learner).lessons[0].lesson.specific
    body = lesson.body.raw_data
    for child in body:
        if child["type"] == "vignette":
            child["value"] = {**child["value"], "debrief": DEBRIEF}
    lesson.body = body
    lesson.references = [
        {
            "type": "reference",
            "value": {
                "title": "Clinical Guidance for Treating Pregnant and Parenting Women With Opioid Use Disorder and Their Infants",
                "publisher": "SAMHSA",
                "year": 2018,
                "url": LONG_URL,
            },
        },
        {
            "type": "reference",
            "value": {"title": "Core Competencies for Peer Workers", "publisher": "SAMHSA", "year": 2015},
        },
    ]
    lesson.save_revision().publish()
    return lesson


def test_the_debrief_opens_from_the_keyboard_and_after_a_reflection(page, demo, screenshot_dir, django_user_model):
    learner = django_user_model.objects.get(email=DEMO_LEARNER)
    enrollment_create(user=learner, course=demo)
    lesson = _first_lesson_with_sources(demo, learner)
    prompt = next(block.value["prompt"] for block in lesson.body if block.block_type == "reflection")

    log_in(page)
    page.goto(lesson.url)
    debrief = page.locator("details.vignette__debrief")
    summary = debrief.get_by_text("See a model debrief")
    expect(debrief).not_to_have_attribute("open", "")
    expect(page.get_by_text("A skilled peer notices the fear")).to_be_hidden()

    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("A skilled peer notices the fear")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_text("A skilled peer notices the fear")).to_be_hidden()

    references = page.get_by_role("region", name="References")
    expect(references.get_by_role("listitem")).to_have_count(2)
    expect(references.get_by_role("link", name=LONG_URL)).to_be_visible()
    # On a phone, the long address wraps instead of widening the page.
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert_no_serious_axe_violations(page, "lesson with a debrief and references")
    assert_idrefs_resolve(page, "lesson with a debrief and references")

    reflection = page.get_by_role("region", name=prompt)
    reflection.get_by_label("Your answer").fill("I would ask what worries her most.")
    reflection.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_role("status")).to_contain_text("Your reflection is saved.")
    expect(page.get_by_text("A skilled peer notices the fear")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "lesson-debrief-references-phone.png"), full_page=True)
