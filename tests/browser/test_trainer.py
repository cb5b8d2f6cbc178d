"""A trainer in a real browser: the quiz list with its Status column, an abandoned Add quiz form that
leaves nothing behind, a quiz added by GIFT import showing as a draft, a branching error in the
trainer's own words, and item statistics naming answers by their text.

The quiz list and the statistics page (pages this project builds) must have no serious or critical
axe violations; the editor is Wagtail's own page and is checked for what it says.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from assessments.models import Attempt, Quiz
from tests.browser.conftest import TIMEOUT_MS, admin_log_in
from tests.browser.test_accessibility import BLOCKING_IMPACTS, _format_violations, assert_one_h1

pytestmark = pytest.mark.browser

TRAINER = "trainer@example.org"
LIST_URL = "/admin/snippets/assessments/quiz/"
GIFT = b"::Lending money:: A client asks to borrow $30 for formula. {=Say no kindly and look for resources together ~Lend it once}\n"


def _audit(page, label: str) -> None:
    violations = [v for v in Axe().run(page).response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert not violations, f"axe found violations on {label} ({page.url}):\n" + _format_violations(violations)
    assert_one_h1(page, label)


def _row(page, title: str):
    return page.get_by_role("table").locator("tbody tr").filter(has=page.get_by_role("link", name=title, exact=True))


def test_trainer_authors_quizzes_without_surprises(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    quizzes_before = Quiz.objects.count()
    try:
        page = context.new_page()
        admin_log_in(page, TRAINER)

        # The quiz list says which quizzes learners can see.
        page.goto(LIST_URL)
        expect(page.get_by_role("columnheader", name="Status")).to_be_visible()
        live = Quiz.objects.filter(live=True).first()
        expect(_row(page, live.title)).to_contain_text("live")
        _audit(page, "quiz list")

        # An abandoned Add quiz form: typing, waiting longer than autosave would, leaving.
        page.goto(LIST_URL + "add/")
        expect(page.locator("form[data-controller~='w-autosave']")).to_have_count(0)
        page.locator("#id_title").fill("Half-written quiz")
        page.wait_for_timeout(2000)
        page.goto(LIST_URL)
        expect(page.get_by_text("Half-written quiz")).to_have_count(0)
        assert Quiz.objects.count() == quizzes_before

        # A quiz added by GIFT import is a draft, and the list says so.
        page.goto(LIST_URL + "import-gift/")
        page.get_by_label("GIFT file").set_input_files(
            {"name": "lending.gift", "mimeType": "text/plain", "buffer": GIFT}
        )
        page.get_by_label("Quiz title").fill("Lending money check")
        page.get_by_label("Competency for every imported question").select_option(index=1)
        page.get_by_role("button", name=re.compile("Import")).click()
        page.wait_for_url(re.compile(r"/edit/\d+/"))
        page.goto(LIST_URL)
        expect(_row(page, "Lending money check")).to_contain_text("draft")

        # A branching choice that leads nowhere: the error names the step and the choice by their words.
        quiz = Quiz.objects.get(title="Qualities in practice: scenario quiz")
        index, scenario = next((i, q) for i, q in enumerate(quiz.questions) if q.block_type == "branching")
        step = scenario.value["steps"][0]
        choice = step["choices"][0]
        page.goto(f"{LIST_URL}edit/{quiz.pk}/")
        expect(page.locator("form[data-controller~='w-autosave']")).to_have_count(1)  # a saved quiz autosaves
        field = f"questions-{index}-value-steps-0-value-choices-0-value-next_step"
        page.locator(f"[name='{field}']").evaluate(
            "(el) => { el.value = 'nowhere'; el.dispatchEvent(new Event('input', {bubbles: true})); }"
        )
        page.get_by_role("button", name="Save draft").click()
        message = f'Step "{step["name"]}": choice "{choice["text"]}" leads to step "nowhere", which does not exist.'
        expect(page.get_by_text(message)).to_be_visible()
        expect(page.get_by_text(re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-"))).to_have_count(0)

        # Item statistics: answers by their text, with those nobody chose.
        attempted = Quiz.objects.get(pk=Attempt.objects.filter(submitted_at__isnull=False).first().quiz_id)
        page.goto(f"{LIST_URL}statistics/{attempted.pk}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(attempted.title)
        first = next(q for q in attempted.questions if q.block_type == "single")
        table = page.get_by_role("table")
        expect(table).to_contain_text(first.value["title"])
        for option in first.value["options"]:
            expect(table).to_contain_text(re.compile(re.escape(option["text"][:40])))
        _audit(page, "item statistics")
    finally:
        context.close()
