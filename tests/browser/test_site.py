"""The site's frame on a phone and a desktop: the title, and navigation that fits the screen.

On a 390-px phone the links fold behind a "Menu" button that the keyboard opens and Escape closes; on a
desktop they sit in one row. Nothing in the navigation runs past the edge of the screen.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import assert_no_serious_axe_violations

pytestmark = pytest.mark.browser

# Each link and button of the main navigation that is shown, with its box.
NAV_BOXES_JS = """
() => [...document.querySelectorAll('.site-nav a, .site-nav button')]
  .filter((el) => el.checkVisibility())
  .map((el) => { const r = el.getBoundingClientRect();
                 return {text: el.textContent.trim(), left: r.left, right: r.right, top: r.top}; })
"""


def nav_boxes(page) -> list[dict]:
    return page.evaluate(NAV_BOXES_JS)


def assert_inside_the_viewport(page, boxes) -> None:
    width = page.viewport_size["width"]
    outside = [box for box in boxes if box["left"] < 0 or box["right"] > width]
    assert not outside, f"navigation items run past the {width}-px screen: {outside}"


def test_the_home_page_title_names_the_site_once(page, demo):
    page.goto("/")
    assert page.title() == "Peer Support Training"
    page.goto("/verify/")
    assert page.title() == "Verify a certificate · Peer Support Training"


def test_on_a_phone_the_navigation_is_a_menu_the_keyboard_opens_and_closes(page, demo):
    log_in(page)  # signed in: the most links
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="My reflections")).to_be_hidden()
    assert [box["text"] for box in nav_boxes(page)] == ["Menu"]
    assert_inside_the_viewport(page, nav_boxes(page))

    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="My reflections")).to_be_visible()
    boxes = nav_boxes(page)
    assert {"Courses", "My learning", "My reflections", "My certificates", "Profile", "Log out"} <= {
        box["text"] for box in boxes
    }
    assert_inside_the_viewport(page, boxes)
    assert_no_serious_axe_violations(page, "the open menu")

    courses = page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses", exact=True)
    page.keyboard.press("Tab")  # into the links
    expect(courses).to_be_focused()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(courses).to_be_hidden()


def test_on_a_desktop_the_navigation_is_one_row_without_a_menu(desktop_page, demo):
    log_in(desktop_page)
    expect(desktop_page.get_by_role("button", name="Menu")).to_be_hidden()
    boxes = nav_boxes(desktop_page)
    assert len(boxes) >= 6
    assert len({round(box["top"]) for box in boxes}) == 1, boxes
    assert_inside_the_viewport(desktop_page, boxes)
