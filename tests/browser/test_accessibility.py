"""Automated accessibility checks with axe-core, plus the page structure axe does not check.

Every page a learner meets must have no serious or critical axe violations, exactly one h1,
and a skip link that is the first thing Tab reaches and that moves focus to the main content.
Pages are checked on a phone-sized screen; a few also on a desktop-sized one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from courses.progress.selectors import course_outline
from courses.progress.services import enrollment_create, lesson_complete, reflection_save
from tests.browser.conftest import DEMO_LEARNER, log_in

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"serious", "critical"}
TARGETS_SHOWN = 3

# Focusable in sequential (Tab) order unless disabled, hidden, or given a negative tabindex.
FIRST_TABBABLE_JS = """
() => {
  const selector = 'a[href], area[href], button, input, select, textarea, iframe, summary, [tabindex], [contenteditable=""], [contenteditable="true"]';
  const tabbable = [...document.querySelectorAll(selector)].filter((el) =>
    !el.disabled && el.tabIndex >= 0 && !(el.tagName === 'INPUT' && el.type === 'hidden')
    && el.checkVisibility({visibilityProperty: true})
  );
  const first = tabbable[0];
  if (!first) return null;
  return {tag: first.tagName.toLowerCase(), href: first.getAttribute('href'), text: first.textContent.trim(),
          className: first.className, outerHTML: first.outerHTML.slice(0, 200)};
}
"""

# ARIA and label references that point at no element: the description or name silently goes missing.
BROKEN_IDREFS_JS = """
() => {
  const broken = [];
  for (const attr of ['aria-describedby', 'aria-labelledby', 'aria-controls', 'for']) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      for (const id of el.getAttribute(attr).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) broken.push(`${attr}="${id}" on ${el.outerHTML.slice(0, 120)}`);
      }
    }
  }
  return broken;
}
"""

FOCUS_INDICATOR_JS = """
(el) => {
  const style = getComputedStyle(el);
  return {
    focusVisible: el.matches(':focus-visible'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    boxShadow: style.boxShadow !== 'none',
  };
}
"""


@dataclass(frozen=True)
class Target:
    """A page to check: where it is and who looks at it."""

    name: str
    learner: bool = False

    def __str__(self):
        return self.name


def _urls(course, lesson) -> dict[str, str]:
    return {
        "home": "/",
        "catalog": course.get_parent().url,
        "course": course.url,
        "lesson": lesson.url,
        "login": "/account/login/",
        "signup": "/account/signup/",
        "my-learning": "/learn/",
        "my-reflections": "/learn/reflections/",
    }


PHONE_TARGETS = [
    Target("home"),
    Target("catalog"),
    Target("course"),
    Target("login"),
    Target("signup"),
    Target("home", learner=True),
    Target("catalog", learner=True),
    Target("course", learner=True),
    Target("lesson", learner=True),
    Target("my-learning", learner=True),
    Target("my-reflections", learner=True),
]
DESKTOP_TARGETS = [Target("home"), Target("course", learner=True), Target("lesson", learner=True)]


def _target_id(target: Target) -> str:
    return f"{target.name}-{'learner' if target.learner else 'anonymous'}"


@pytest.fixture
def journey(demo):
    """The demo learner part-way through the demo course: enrolled, one lesson done, one reflection written.

    Progress bars, "complete" badges and a saved reflection then show on the pages under test.
    """
    learner = get_user_model().objects.get(email=DEMO_LEARNER)
    enrollment_create(user=learner, course=demo)
    lesson = course_outline(course=demo, user=learner).lessons[0].lesson
    lesson_complete(user=learner, lesson=lesson)
    block = next(block for block in lesson.specific.body if block.block_type == "reflection")
    reflection_save(user=learner, lesson=lesson, block_id=block.id, answer="Two sentences about my story.")
    return _urls(demo, lesson)


def _open(page, journey, target: Target):
    if target.learner:
        log_in(page)
    response = page.goto(journey[target.name])
    assert response is not None and response.ok, f"{target}: {journey[target.name]} answered {response.status}"
    if target.learner:
        # Still logged in, not bounced to the login page (the button is in the folded menu on a phone).
        expect(page.get_by_role("button", name="Log out", include_hidden=True)).to_be_attached()


def _format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}  {violation['helpUrl']}")
        for node in violation["nodes"][:TARGETS_SHOWN]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {node['target']}  {summary[:300]}")
        if len(violation["nodes"]) > TARGETS_SHOWN:
            lines.append(f"    ... and {len(violation['nodes']) - TARGETS_SHOWN} more")
    return "\n".join(lines)


def assert_no_serious_axe_violations(page, label: str) -> None:
    violations = Axe().run(page).response["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe found serious or critical violations on {label} ({page.url}):\n" + _format_violations(
        blocking
    )


def assert_one_h1(page, label: str) -> None:
    headings = page.locator("h1")
    assert headings.count() == 1, f"{label} should have exactly one h1, found: {headings.all_inner_texts()}"


def assert_idrefs_resolve(page, label: str) -> None:
    broken = page.evaluate(BROKEN_IDREFS_JS)
    assert not broken, f"{label} refers to ids that do not exist:\n" + "\n".join(broken)


def assert_skip_link_first_and_reachable(page, label: str) -> None:
    first = page.evaluate(FIRST_TABBABLE_JS)
    assert first is not None, f"{label} has nothing focusable"
    assert first["href"] == "#main" and "skip-link" in first["className"], (
        f"{label}: the first focusable element should be the skip link to #main, found {first['outerHTML']}"
    )
    expect(page.locator("main#main")).to_have_count(1)

    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).not_to_be_in_viewport()
    autofocused = page.evaluate(
        "() => document.activeElement && document.activeElement !== document.body"
        " ? document.activeElement.outerHTML.slice(0, 200) : null"
    )
    if autofocused:
        raise AssertionError(f"{label}: {autofocused} has focus on load, so Tab skips the skip link")
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    indicator = skip_link.evaluate(FOCUS_INDICATOR_JS)
    assert indicator["focusVisible"] and (indicator["outline"] or indicator["boxShadow"]), (
        f"{label}: the focused skip link shows no focus indicator: {indicator}"
    )

    # Following it moves focus to the main content, so the next Tab starts there.
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


@pytest.mark.parametrize("target", PHONE_TARGETS, ids=_target_id)
def test_page_is_accessible_on_a_phone(page, journey, target):
    label = _target_id(target)
    _open(page, journey, target)
    assert_no_serious_axe_violations(page, label)
    assert_one_h1(page, label)
    assert_idrefs_resolve(page, label)
    assert_skip_link_first_and_reachable(page, label)


@pytest.mark.parametrize("target", DESKTOP_TARGETS, ids=_target_id)
def test_page_is_accessible_on_a_desktop(desktop_page, journey, target):
    label = f"{_target_id(target)} (desktop)"
    _open(desktop_page, journey, target)
    assert_no_serious_axe_violations(desktop_page, label)
    assert_one_h1(desktop_page, label)
    assert_idrefs_resolve(desktop_page, label)


@pytest.mark.parametrize("form", ["login", "signup"])
def test_form_errors_are_accessible(page, form):
    """A form sent back with errors: the errors are announced and tied to their fields."""
    page.goto(f"/account/{form}/")
    if form == "login":
        page.get_by_label("Email address").fill("nobody@example.org")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
    else:
        page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    label = f"{form} with errors"
    assert_no_serious_axe_violations(page, label)
    assert_one_h1(page, label)
    assert_idrefs_resolve(page, label)
    if form == "signup":
        full_name = page.get_by_label("Full name")
        expect(full_name).to_have_attribute("aria-invalid", "true")
        expect(full_name).to_have_accessible_description(re.compile("This field is required"))


def test_axe_reports_a_serious_violation(browser):
    """The harness itself: axe runs in this Chromium and a known serious problem is reported, not missed."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content(
            '<html lang="en"><body><main><h1>Canary</h1>'
            '<p style="color:#aaa;background:#fff">Too pale to read.</p>'
            '<input type="text"></main></body></html>'
        )
        with pytest.raises(AssertionError) as failure:
            assert_no_serious_axe_violations(page, "canary")
    finally:
        context.close()
    message = str(failure.value)
    assert "color-contrast (serious)" in message
    assert "label (critical)" in message
