"""The Content-Security-Policy in a real browser: no page of the site or the admin breaks it.

Chromium reports every blocked script, style, image, frame or connection as a
`securitypolicyviolation` event and a console error. A listener added before any page script
runs (Playwright's init scripts are not subject to the page's policy) hands each event to the
test, across navigations. The tour covers learner pages, the API docs and the admin pages that
use the most of Wagtail's JavaScript: the dashboard, the page editor with its StreamField and
inline panels, the live preview, snippet editing, the image chooser and the reports.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import Quiz
from certificates.documents.models import CertificateTemplate
from courses.models import CECategory, LessonPage
from tests.browser.conftest import DEMO_LEARNER, TIMEOUT_MS

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    [event.effectiveDirective, event.blockedURI, event.sourceFile + ":" + event.lineNumber, event.sample].join(" | ")
  );
});
"""


class PolicyWatch:
    """Collects CSP violations and CSP console errors from every page the context opens."""

    def __init__(self, context):
        self.violations: list[str] = []
        context.expose_binding(
            "reportCspViolation", lambda source, text: self.violations.append(f"{source['page'].url}: {text}")
        )
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.violations.append(f"console: {message.text}")


def session_context(browser, live_server, email: str):
    """A browser context already signed in (two-factor authentication passed, for admin access)."""
    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, f"{url} answered {response and response.status}"
    page.wait_for_load_state("networkidle")


def test_learner_pages_and_api_docs_break_no_policy(browser, live_server, demo):
    lesson = LessonPage.objects.live().order_by("path").first()
    quiz = Quiz.objects.filter(live=True).first()
    context = session_context(browser, live_server, DEMO_LEARNER)
    watch = PolicyWatch(context)
    page = context.new_page()
    try:
        urls = [
            "/",
            demo.url,
            lesson.url,
            reverse("my-learning"),
            reverse("my-reflections"),
            reverse("my-certificates"),
            reverse("ce-ledger"),
            reverse("profile"),
            reverse("quiz-detail", args=[quiz.pk]),
            reverse("certificate-verify-search"),
            reverse("api-docs"),
        ]
        for url in urls:
            visit(page, url)
        # Swagger UI started from its static file: the operations are listed.
        expect(page.locator(".opblock").first).to_be_visible()
        # Anonymous pages too.
        context.clear_cookies()
        for url in [reverse("login"), reverse("password_reset"), "/"]:
            visit(page, url)
    finally:
        context.close()
    assert watch.violations == []


def test_admin_pages_break_no_policy(browser, live_server, demo):
    lesson = LessonPage.objects.live().order_by("path").first()
    quiz = Quiz.objects.first()
    category = CECategory.objects.first()
    template = CertificateTemplate.objects.first()
    context = session_context(browser, live_server, "admin@example.org")
    watch = PolicyWatch(context)
    page = context.new_page()
    try:
        for url in [
            reverse("wagtailadmin_home"),
            reverse("wagtailadmin_explore", args=[demo.pk]),
            reverse("wagtailadmin_pages:edit", args=[demo.pk]),  # inline panel (CE hours)
            reverse("wagtailadmin_pages:edit", args=[lesson.pk]),  # StreamField
            reverse("wagtailsnippets_assessments_quiz:edit", args=[quiz.pk]),
            reverse("wagtailsnippets_courses_cecategory:edit", args=[category.pk]),
            reverse("certification_status_report"),
            reverse("wagtailimages:index"),
            reverse("wagtaildocs:index"),
        ]:
            visit(page, url)

        # The live preview: a same-origin iframe in the page editor.
        visit(page, reverse("wagtailadmin_pages:edit", args=[lesson.pk]))
        page.get_by_role("button", name=re.compile("Toggle preview", re.I)).click()
        preview = page.frame_locator("iframe[data-w-preview-target='iframe']").last
        expect(preview.locator("h1")).to_have_text(lesson.title)

        # The image chooser, opened from the certificate template's logo field.
        visit(page, reverse("wagtailsnippets_certificates_certificatetemplate:edit", args=[template.pk]))
        page.locator("[data-chooser-action-choose], .chooser__choose-button").first.click()
        expect(
            page.locator(".modal-content").get_by_role("heading", name=re.compile("Choose an image", re.I))
        ).to_be_visible()
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert watch.violations == []
