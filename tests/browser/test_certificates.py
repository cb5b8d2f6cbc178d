"""Certificates in a real browser: earning one, opening and sharing it, and checking it as anyone can.

The demo learner has done all but the end of the demo course (through the services, to keep the
test short), then marks the last lesson complete and passes the last module's quiz in the browser.
The certificate is issued on its own; the learner opens its PDF, copies its verification link and
follows it. The certificate pages must have no axe violations at all (a stricter bar than the rest of
the site's), on a phone and on a desktop, including the public verification page in every state.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Attempt, Quiz
from certificates.demo.certification import quiz_pass
from certificates.issuance.models import Certificate
from courses.models import ModulePage
from courses.progress.selectors import course_outline
from courses.progress.services import enrollment_create, lesson_complete
from tests.browser.conftest import DEMO_LEARNER, TIMEOUT_MS, log_in
from tests.browser.test_accessibility import _format_violations, assert_idrefs_resolve, assert_one_h1
from tests.browser.test_quizzes import (
    BEST,
    REFLECTION,
    _answer_branching,
    _answer_multiple,
    _answer_order,
    _answer_single,
    _question_data,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}
UNKNOWN_CODE = "NoCertificateHasThisCode0"
# Demo people whose certificates load_demo left in each state.
DEMO_STATES = {
    "valid": "alex.rivera@example.org",
    "expiring": "dee.washington@example.org",
    "expired": "emery.brooks@example.org",
    "revoked": "frankie.okoro@example.org",
}
HEADLINES = {
    "valid": "This certificate is valid.",
    "expiring": "This certificate is valid.",
    "expired": "This certificate has expired.",
    "revoked": "This certificate has been revoked.",
}


def _context(browser, live_server, viewport: dict):
    """A fresh browser context (no cookies) at ``viewport``, with URLs relative to the live server."""
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def _audit(page, label: str) -> None:
    """Stricter than test_accessibility.py: no axe violations of any impact; one h1; no broken id references."""
    violations = Axe().run(page).response["violations"]
    assert not violations, f"axe found violations on {label} ({page.url}):\n" + _format_violations(violations)
    assert_one_h1(page, label)
    assert_idrefs_resolve(page, label)


def _open(page, path: str, *, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, f"{path} answered {response and response.status}"


def _all_but_the_end(user, course) -> tuple[object, Quiz]:
    """Enroll ``user`` and do everything but the last lesson and the last module's quiz (the graded final);
    return those two."""
    enrollment_create(user=user, course=course)
    lessons = [entry.lesson for entry in course_outline(course=course, user=user).lessons]
    for lesson in lessons[:-1]:
        lesson_complete(user=user, lesson=lesson)
    quizzes = [module.quiz for module in ModulePage.objects.child_of(course).live().order_by("path") if module.quiz]
    assert len(quizzes) == 12, "the demo course has one quiz per module, the final last"
    for quiz in quizzes[:-1]:
        assert quiz_pass(user, quiz).passed
    assert not Certificate.objects.filter(user=user).exists()
    return lessons[-1], quizzes[-1]


def _pass_quiz(page, learner, quiz: Quiz) -> Attempt:
    """From the quiz page: start, give the best answer to every question, submit on the review page."""
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/questions/\d+/$"))
    attempt = Attempt.objects.get(pk=int(re.search(r"/attempts/(\d+)/", page.url)[1]), user=learner, quiz=quiz)
    total = len(attempt.question_keys)
    for number in range(1, total + 1):
        question = _question_data(attempt, number)
        expect(page.get_by_role("heading", level=1)).to_have_text(question["title"])
        kind = question["kind"]
        if kind == "reflection":
            page.get_by_label("Your answer").fill(REFLECTION)
            page.get_by_role("button", name="Save answer").click()
            continue  # moves on by itself
        if kind == "single":
            _answer_single(page, question, BEST)
        elif kind == "multiple":
            _answer_multiple(page, question, BEST)
        elif kind == "order":
            _answer_order(page, question, BEST)
        elif kind == "branching":
            _answer_branching(page, question, BEST, "", [])
        else:
            raise AssertionError(f"unexpected question kind {kind!r}")
        # A practice quiz stays on the question with its feedback; a graded one (the final) moves on by
        # itself after "Save and continue". Either way, go to the next question or to the review.
        if number < total:
            page.goto(reverse("attempt-question", args=[attempt.pk, number + 1]))
        else:
            page.goto(reverse("attempt-review", args=[attempt.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    page.get_by_role("button", name="Submit attempt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    attempt.refresh_from_db()
    return attempt


def _expect_verified(page, certificate: Certificate, state: str = "valid") -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate verification")
    expect(page.get_by_role("heading", level=2, name=HEADLINES[state])).to_be_visible()
    expect(page.get_by_test_id("certificate-name")).to_have_text(certificate.name)
    expect(page.get_by_text(certificate.serial, exact=True)).to_be_visible()


def test_learner_earns_a_certificate_opens_it_and_shares_its_link(browser, live_server, demo, django_user_model):
    learner = django_user_model.objects.get(email=DEMO_LEARNER)
    last_lesson, last_quiz = _all_but_the_end(learner, demo)
    context = _context(browser, live_server, PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    try:
        log_in(page)

        # The last lesson, then the last module's quiz, the final assessment, from the course page.
        page.goto(last_lesson.url)
        page.get_by_role("button", name="Mark complete").click()
        expect(page.get_by_role("status")).to_contain_text("Lesson marked complete.")
        assert not Certificate.objects.filter(user=learner).exists(), "issued before the last quiz was passed"
        page.goto(demo.url)
        last_module = page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name=re.compile("^Module 12: "))
        )
        last_module.get_by_role("link", name=last_quiz.title).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(last_quiz.title)
        attempt = _pass_quiz(page, learner, last_quiz)
        assert attempt.passed, f"the best answers scored {attempt.score}%"
        expect(page.get_by_role("region", name="Score").get_by_text("Passed", exact=True)).to_be_visible()

        # Issued on its own: My certificates shows it, valid, with its number.
        certificate = Certificate.objects.get(user=learner, is_current=True)
        assert certificate.name == learner.full_name
        main_nav = page.get_by_role("navigation", name="Main")
        if main_nav.get_by_role("button", name="Menu").is_visible():  # a phone: the links are behind the menu
            main_nav.get_by_role("button", name="Menu").click()
        main_nav.get_by_role("link", name="My certificates").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My certificates")
        card = page.get_by_test_id("certificate-card")
        expect(card).to_have_count(1)
        expect(card.get_by_role("heading", level=2)).to_have_text(certificate.program_name)
        expect(card.get_by_test_id("certificate-status")).to_have_text("Valid")
        expect(card).to_contain_text(certificate.serial)
        _audit(page, "my certificates (phone)")

        # The PDF, opened in the browser and downloaded.
        pdf_url = card.get_by_role("link", name=f"Open PDF of {certificate.program_name}").get_attribute("href")
        pdf = page.request.get(pdf_url)
        assert pdf.ok, f"{pdf_url} answered {pdf.status}"
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.body().startswith(b"%PDF-")
        with page.expect_download() as download_info:
            card.get_by_role("link", name="Download PDF").click()
        download = download_info.value
        assert download.suggested_filename == f"{certificate.serial}.pdf"
        assert Path(download.path()).read_bytes().startswith(b"%PDF-")

        # Copy the verification link.
        card.get_by_role("button", name="Copy verification link").click()
        expect(card.get_by_role("status")).to_have_text("Verification link copied.")
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == certificate.verification_url()
        assert copied.endswith(f"/verify/{certificate.code}/")

        # The verification page, from the card's link.
        card.get_by_role("link", name="Verification page").click()
        page.wait_for_url(f"**/verify/{certificate.code}/")
        _expect_verified(page, certificate)
        _audit(page, "verification page (phone)")

        # The other certificate pages the learner reaches.
        _open(page, "/certificates/hours/")
        expect(page.get_by_role("heading", level=1)).to_have_text("My continuing education hours")
        _audit(page, "CE hours (phone)")
        page.get_by_role("contentinfo").get_by_role("link", name="Verify a certificate").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Verify a certificate")
        _audit(page, "verification search (phone)")
        page.get_by_label("Verification code or link").fill(UNKNOWN_CODE)
        page.get_by_role("button", name="Check certificate").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Certificate not found")
        _audit(page, "certificate not found (phone)")
    finally:
        context.close()

    # Anyone with the link: no account, no login.
    anonymous = _context(browser, live_server, PHONE)
    try:
        page = anonymous.new_page()
        _open(page, certificate.get_verification_path())
        _expect_verified(page, certificate)
        expect(page.get_by_role("link", name="Log in", include_hidden=True)).to_be_attached()  # in the phone menu
    finally:
        anonymous.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_certificate_pages_are_accessible(browser, live_server, demo, size):
    """Dee's pages have the most on them: a certificate expiring soon, renewal progress, an entry to review."""
    context = _context(browser, live_server, VIEWPORTS[size])
    try:
        page = context.new_page()
        # Public pages first, while logged out: every state of a certificate, the search, a code not found.
        for state, email in DEMO_STATES.items():
            certificate = Certificate.objects.get(user__email=email, is_current=True)
            assert certificate.status().code == state, f"{email}'s demo certificate is {certificate.status().code}"
            _open(page, certificate.get_verification_path())
            _expect_verified(page, certificate, state)
            _audit(page, f"verification page, {state} ({size})")
        _open(page, "/verify/")
        _audit(page, f"verification search ({size})")
        page.get_by_label("Verification code or link").fill("not a code")
        page.get_by_role("button", name="Check certificate").click()
        expect(page.get_by_text("That does not look like a verification code.")).to_be_visible()
        _audit(page, f"verification search with an error ({size})")
        _open(page, f"/verify/{UNKNOWN_CODE}/", status=404)
        _audit(page, f"certificate not found ({size})")

        log_in(page, "dee.washington@example.org")
        _open(page, "/certificates/")
        expect(page.get_by_test_id("certificate-status")).to_contain_text("Valid, expiring soon")
        _audit(page, f"my certificates ({size})")
        _open(page, "/certificates/hours/")
        expect(page.get_by_role("progressbar")).to_have_count(1)
        expect(page.get_by_role("table", name="Your CE hours entries")).to_contain_text("Awaiting review")
        _audit(page, f"CE hours ({size})")
    finally:
        context.close()
