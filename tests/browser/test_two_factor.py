"""A trainer sets up two-factor authentication in a real browser, then signs in again with a recovery code.

The trainer signs in to the admin and is sent to the set-up page. They read the key from the page,
compute the app's code from it (as an authenticator app would), mistype a code first, then see their
recovery codes and land on the dashboard. Signing in again, they use a recovery code. Every page must
have no serious or critical axe violations, exactly one h1 and no broken id references.
"""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from cms.security.two_factor.services import RECOVERY_CODE_COUNT
from tests.browser.test_accessibility import (
    assert_idrefs_resolve,
    assert_no_serious_axe_violations,
    assert_one_h1,
)
from tests.factories import PASSWORD, TrainerFactory

pytestmark = pytest.mark.browser

CODE_LABEL = "6-digit code from your authenticator app"


def _audit(page, label: str) -> None:
    assert_no_serious_axe_violations(page, label)
    assert_one_h1(page, label)
    assert_idrefs_resolve(page, label)


def _app_code(secret: str) -> str:
    """What an authenticator app shows for a key typed in by hand."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key):06d}"


def _sign_in(page, email: str) -> None:
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_trainer_sets_up_two_factor_and_signs_in_with_a_recovery_code(page, browser_db):
    trainer = TrainerFactory(email="morgan.hart@example.org")

    _sign_in(page, trainer.email)
    page.wait_for_url(re.compile(r"/admin/two-factor/setup/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    # No admin menu before the second step.
    expect(page.locator("#wagtail-sidebar")).to_have_count(0)
    _audit(page, "two-factor set-up page")

    # A mistyped code: a clear error on the field.
    page.get_by_label(CODE_LABEL).fill("12345")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_text("Enter the 6 digits your app shows, for example 123456.")).to_be_visible()
    expect(page.get_by_label(CODE_LABEL)).to_have_attribute("aria-invalid", "true")
    _audit(page, "two-factor set-up page with an error")

    secret = page.get_by_test_id("totp-secret").inner_text()
    page.get_by_label(CODE_LABEL).fill(_app_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Save your recovery codes")
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(RECOVERY_CODE_COUNT)
    _audit(page, "recovery codes after set-up")
    recovery_code = codes.first.inner_text().strip()

    page.get_by_role("link", name="I have saved my codes, continue").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.locator("#wagtail-sidebar")).to_have_count(1)

    # Another sign-in, this time with a recovery code instead of the app.
    page.context.clear_cookies()
    _sign_in(page, trainer.email)
    page.wait_for_url(re.compile(r"/admin/two-factor/verify/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    expect(page.get_by_label(CODE_LABEL)).to_have_attribute("autocomplete", "one-time-code")
    _audit(page, "two-factor verify page")

    page.get_by_label("Recovery code").fill(recovery_code)
    page.get_by_role("button", name="Use recovery code").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.get_by_text(f"You used a recovery code. You have {RECOVERY_CODE_COUNT - 1} left.")).to_be_visible()
