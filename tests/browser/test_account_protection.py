"""Sign-up by emailed link, the lockout after repeated failed logins, the password reset limit and logging out,
as a person meets them."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_LEARNER, admin_log_in, log_in
from tests.browser.test_accessibility import assert_no_serious_axe_violations, assert_one_h1

pytestmark = pytest.mark.browser


def test_sign_up_by_the_emailed_link(page, demo):
    page.goto("/account/signup/")
    page.get_by_label("Full name").fill("Renee Alvarez")
    page.get_by_label("Preferred name").fill("Renee")
    page.get_by_label("Email address").fill("renee@example.org")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_no_serious_axe_violations(page, "sign-up: check your email")

    [message] = [message for message in mail.outbox if message.to == ["renee@example.org"]]
    link = next(line.strip() for line in message.body.splitlines() if "/account/signup/confirm/" in line)
    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    assert_no_serious_axe_violations(page, "sign-up: choose your password")
    page.locator("#id_password1").fill("a-long-and-unusual-passphrase")
    page.locator("#id_password2").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/learn/")
    expect(page.get_by_role("status")).to_contain_text("Welcome, Renee. Your account is ready.")


def test_repeated_failed_logins_show_the_too_many_attempts_page(page, demo):
    page.goto("/account/login/")
    for _ in range(5):
        page.get_by_label("Email address").fill(DEMO_LEARNER)
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Too many attempts")
    expect(page.get_by_role("link", name="Reset your password")).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"Try again in 15 minutes"))
    assert_no_serious_axe_violations(page, "too many attempts")
    assert_one_h1(page, "too many attempts")


def test_asking_for_too_many_reset_links_shows_the_wait_page(page, demo):
    for _ in range(4):
        page.goto("/account/password/reset/")
        page.get_by_label("Email").fill(DEMO_LEARNER)
        page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please wait before asking again")
    expect(page.locator("main")).to_contain_text("a link is already on its way")
    assert_no_serious_axe_violations(page, "too many reset requests")
    assert_one_h1(page, "too many reset requests")
    assert len([message for message in mail.outbox if message.to == [DEMO_LEARNER]]) == 3


def _signed_in(page) -> bool:
    page.goto("/account/profile/")
    return "/account/login/" not in page.url


def test_a_link_from_another_site_asks_before_logging_out_and_typing_the_address_logs_out(page, demo, live_server):
    log_in(page)
    # A page on another site links to the logout address: the browser marks the request cross-site.
    page.route(
        "http://elsewhere.example/",
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<!DOCTYPE html><a href="{live_server.url}/account/logout/">Win a prize</a>',
        ),
    )
    page.goto("http://elsewhere.example/")
    page.get_by_role("link", name="Win a prize").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log out?")
    assert_no_serious_axe_violations(page, "log out: confirm")
    assert _signed_in(page)

    page.goto("/account/logout/")  # typed in the address bar
    assert not _signed_in(page)


def test_typing_the_admin_logout_address_ends_the_session(page, demo):
    admin_log_in(page, "admin@example.org")
    page.goto("/admin/logout/")
    expect(page.get_by_text("You have been successfully logged out.")).to_be_visible()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
