"""Two-factor authentication for everyone with admin access (cms/security/two_factor/services.py, cms/security/two_factor/views.py).

These tests log in with ``login_without_2fa`` (a session that has not passed a code yet), except where
they need an already verified session, which ``client.force_login`` gives (tests/auth.py).
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from cms.models import AuditLogEntry
from cms.security.api_tokens.services import api_token_create
from cms.security.two_factor.services import (
    RECOVERY_CODE_COUNT,
    TWO_FACTOR_RESET,
    recovery_code_digest,
    recovery_codes_generate,
)
from tests.auth import confirmed_app_device, login_without_2fa, totp_code
from tests.factories import AdminFactory, LearnerFactory, SupervisorFactory, TeamFactory, TrainerFactory

pytestmark = pytest.mark.django_db

SETUP = "/admin/two-factor/setup/"
VERIFY = "/admin/two-factor/verify/"
MANAGE = "/admin/two-factor/"

# A sample of admin pages from every part of the admin: Wagtail's own, snippets, reports, the
# certificates and tracking pages, the account area and the two-factor page itself.
ADMIN_URLS = [
    "/admin/",
    "/admin/pages/",
    "/admin/snippets/",
    "/admin/reports/locked/",
    "/admin/reports/certification-status/",
    "/admin/certificates/",
    "/admin/certificate-audit-log/",
    "/admin/ce-hours-review/",
    "/admin/team-certificates/",
    "/admin/teams/status/",
    "/admin/assignments/",
    "/admin/api-tokens/",
    "/admin/users/",
    "/admin/account/",
    "/admin/images/",
    MANAGE,
]


def redirect_target(response) -> tuple[str, str | None]:
    """Where a redirect goes, and its ``next``."""
    assert response.status_code == 302, response.status_code
    url = urlsplit(response["Location"])
    return url.path, parse_qs(url.query).get("next", [None])[0]


def code_for(device: TOTPDevice) -> str:
    """What an authenticator app shows now, computed from the device's key as the app would."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device: TOTPDevice) -> str:
    right = {totp_code(device), code_for(device)}
    return next(code for code in ("000000", "111111", "222222") if code not in right)


def let_time_pass(user, seconds: int = 3600) -> None:
    """As if the throttling wait had passed: move the last failure back in time."""
    earlier = timezone.now() - timedelta(seconds=seconds)
    for model in (TOTPDevice, StaticDevice):
        model.objects.filter(user=user, throttling_failure_count__gt=0).update(throttling_failure_timestamp=earlier)


def field_errors(response, form: str, field: str) -> list[str]:
    errors = list(response.context[form].errors.get(field, []))
    if errors:
        # Each error is tied to its field for screen readers: every id the field refers to exists.
        html = response.content.decode()
        described_by = re.search(rf'<input[^>]*name="{field}"[^>]*aria-describedby="([^"]+)"', html)
        assert described_by, f"{field} has an error but no aria-describedby"
        for element_id in described_by.group(1).split():
            assert f'id="{element_id}"' in html, f"{field} refers to a missing id {element_id}"
    return errors


# Enforcement -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_every_admin_page_sends_a_person_without_an_app_to_set_one_up(client, url):
    login_without_2fa(client, AdminFactory())
    assert redirect_target(client.get(url)) == (SETUP, url)


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_every_admin_page_asks_a_person_with_an_app_for_a_code(client, url):
    admin = AdminFactory()
    confirmed_app_device(admin)
    login_without_2fa(client, admin)
    assert redirect_target(client.get(url)) == (VERIFY, url)


@pytest.mark.parametrize("factory", [TrainerFactory, SupervisorFactory, AdminFactory])
def test_every_role_with_admin_access_must_pass_two_factor(client, factory):
    login_without_2fa(client, factory())
    assert redirect_target(client.get("/admin/?a=1")) == (SETUP, "/admin/?a=1")


def test_a_form_post_is_stopped_too_and_returns_to_the_dashboard(client):
    login_without_2fa(client, AdminFactory())
    response = client.post("/admin/api-tokens/", {"name": "Clinic dashboard"})
    assert redirect_target(response) == (SETUP, "/admin/")


def test_learners_are_not_affected(client):
    learner = LearnerFactory()
    login_without_2fa(client, learner)
    assert client.get("/learn/").status_code == 200
    # The admin stays closed to them as before: Wagtail, not two-factor, turns them away.
    response = client.get("/admin/")
    assert not response["Location"].startswith((SETUP, VERIFY))
    assert not TOTPDevice.objects.filter(user=learner).exists()


def test_the_learning_site_stays_open_to_an_unverified_trainer(client, course):
    login_without_2fa(client, TrainerFactory())
    assert client.get("/learn/").status_code == 200
    assert client.get(course.url).status_code == 200


def test_sign_in_sign_out_and_the_pages_they_load_open_before_verification(client):
    admin = AdminFactory()
    login_without_2fa(client, admin)
    assert client.get(reverse("wagtailadmin_javascript_catalog")).status_code == 200
    assert client.get(reverse("wagtailadmin_password_reset")).status_code == 200
    assert client.get(SETUP).status_code == 200
    response = client.post(reverse("wagtailadmin_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_not_required_when_switched_off(client, settings):
    settings.ADMIN_2FA_REQUIRED = False
    login_without_2fa(client, AdminFactory())
    assert client.get("/admin/").status_code == 200


def test_the_verified_force_login_of_the_test_suite_opens_the_admin(client):
    client.force_login(TrainerFactory())
    assert client.get("/admin/").status_code == 200


# Setting up an app -----------------------------------------------------------------------------------


def test_set_up_end_to_end(client):
    trainer = TrainerFactory(email="morgan@example.org")
    login_without_2fa(client, trainer)

    page = client.get(SETUP + "?next=/admin/images/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    # A standalone page: no admin menu before the session is verified, no inline script.
    assert 'id="wagtail-sidebar"' not in html
    # Scripts come from files; a JSON data block (Wagtail's config) is not run.
    assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", html), "inline script"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"
    assert "<svg" in html
    assert 'role="img"' in html
    device = TOTPDevice.objects.get(user=trainer)
    assert not device.confirmed
    secret = page.context["secret_plain"]
    assert secret in html.replace(" ", "")
    assert "otpauth://totp/" in device.config_url
    assert "Peer%20Support%20Training" in device.config_url
    # The field is made for one-time codes.
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html

    # Reloading shows the same key, so an app that already scanned it still works.
    assert client.get(SETUP).context["secret_plain"] == secret

    done = client.post(SETUP, {"code": code_for(device), "next": "/admin/images/"})
    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    codes = done.context["codes"]
    assert len(codes) == len(set(codes)) == RECOVERY_CODE_COUNT
    for code in codes:
        assert code in done.content.decode()
    assert 'href="/admin/images/"' in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=trainer).count() == RECOVERY_CODE_COUNT

    # The session is verified: the admin opens, with its menu.
    dashboard = client.get("/admin/images/")
    assert dashboard.status_code == 200
    assert 'id="wagtail-sidebar"' in dashboard.content.decode()

    # Set up once: the set-up page now just moves on.
    assert client.get(SETUP + "?next=/admin/images/")["Location"] == "/admin/images/"


def test_set_up_accepts_a_code_with_a_space(client):
    admin = AdminFactory()
    login_without_2fa(client, admin)
    client.get(SETUP)
    code = code_for(TOTPDevice.objects.get(user=admin))
    response = client.post(SETUP, {"code": f"{code[:3]} {code[3:]}"})
    assert response.status_code == 200
    assert response.context["codes"]


def test_set_up_with_a_wrong_code_shows_an_error_and_turns_nothing_on(client):
    admin = AdminFactory()
    login_without_2fa(client, admin)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin)

    response = client.post(SETUP, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert field_errors(response, "form", "code") == [
        "That code didn't work. Check that you typed the newest code from your app and try again."
    ]
    # The error is tied to the field for screen readers.
    html = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="id_code_error"' in html
    assert 'id="id_code_error"' in html

    response = client.post(SETUP, {"code": "12ab"})
    assert field_errors(response, "form", "code") == ["Enter the 6 digits your app shows, for example 123456."]

    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticDevice.objects.filter(user=admin).exists()
    assert redirect_target(client.get("/admin/"))[0] == SETUP


def test_set_up_cannot_replace_an_app_without_verifying(client):
    admin = AdminFactory()
    confirmed_app_device(admin)
    login_without_2fa(client, admin)
    assert redirect_target(client.get(SETUP + "?next=/admin/pages/")) == (VERIFY, "/admin/pages/")
    assert client.post(SETUP, {"code": "123456"}).status_code == 302
    assert TOTPDevice.objects.filter(user=admin).count() == 1


# Verifying -------------------------------------------------------------------------------------------


def test_verify_with_a_code_from_the_app(client):
    supervisor = SupervisorFactory()
    TeamFactory().supervisors.add(supervisor)
    device = confirmed_app_device(supervisor)
    login_without_2fa(client, supervisor)

    page = client.get(VERIFY + "?next=/admin/teams/status/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="wagtail-sidebar"' not in html
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert '<label class="w-field__label" for="id_code"' in html
    key_before = client.session.session_key

    response = client.post(VERIFY, {"code": code_for(device), "next": "/admin/teams/status/"})
    assert response["Location"] == "/admin/teams/status/"
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.session_key != key_before, "a verified session gets a new key"
    assert client.get("/admin/teams/status/").status_code == 200
    # Verified: the verify page moves straight on.
    assert client.get(VERIFY + "?next=/admin/pages/")["Location"] == "/admin/pages/"


def test_a_code_is_accepted_only_once(client, django_user_model):
    admin = AdminFactory()
    device = confirmed_app_device(admin)
    login_without_2fa(client, admin)
    code = code_for(device)
    assert client.post(VERIFY, {"code": code}).status_code == 302

    other = type(client)()
    login_without_2fa(other, admin)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert field_errors(response, "form", "code")


def test_verify_with_a_wrong_code_shows_a_field_error(client):
    admin = AdminFactory()
    device = confirmed_app_device(admin)
    login_without_2fa(client, admin)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert field_errors(response, "form", "code") == [
        "That code didn't work. Check that you typed the newest code from your app and try again."
    ]
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert redirect_target(client.get("/admin/"))[0] == VERIFY


def test_wrong_codes_are_throttled_and_the_message_says_to_wait(client):
    admin = AdminFactory()
    device = confirmed_app_device(admin)
    login_without_2fa(client, admin)

    client.post(VERIFY, {"code": wrong_code(device)})
    # Straight after a wrong code, even the right one is not checked: the person must wait.
    response = client.post(VERIFY, {"code": code_for(device)})
    assert field_errors(response, "form", "code") == [
        "Too many codes that didn't work. Please wait 1 second, then try again."
    ]
    assert DEVICE_ID_SESSION_KEY not in client.session

    # Each wrong code doubles the wait.
    for _ in range(2):
        let_time_pass(admin)
        client.post(VERIFY, {"code": wrong_code(device)})
    response = client.post(VERIFY, {"code": code_for(device)})
    assert field_errors(response, "form", "code") == [
        "Too many codes that didn't work. Please wait 4 seconds, then try again."
    ]
    # Recovery codes wait too: the wait is for the person, not one device.
    codes = recovery_codes_generate(user=admin)
    response = client.post(VERIFY, {"recovery_code": codes[0]})
    assert field_errors(response, "recovery_form", "recovery_code") == [
        "Too many codes that didn't work. Please wait 4 seconds, then try again."
    ]

    let_time_pass(admin)
    assert client.post(VERIFY, {"code": code_for(device)}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_works_once_and_only_once(client):
    admin = AdminFactory()
    confirmed_app_device(admin)
    codes = recovery_codes_generate(user=admin)
    login_without_2fa(client, admin)

    # Typed in capitals and without the dash, as people do.
    response = client.post(VERIFY, {"recovery_code": codes[0].replace("-", "").upper(), "next": "/admin/pages/"})
    assert response["Location"] == "/admin/pages/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["You used a recovery code. You have 9 left."]
    assert client.get("/admin/pages/").status_code == 200
    assert StaticToken.objects.filter(device__user=admin).count() == RECOVERY_CODE_COUNT - 1

    again = type(client)()
    login_without_2fa(again, admin)
    response = again.post(VERIFY, {"recovery_code": codes[0]})
    assert response.status_code == 200
    assert field_errors(response, "recovery_form", "recovery_code") == [
        "That recovery code didn't work. It may have been used already. Check it and try again."
    ]
    assert redirect_target(again.get("/admin/"))[0] == VERIFY


def test_running_low_on_recovery_codes_says_to_make_new_ones(client):
    admin = AdminFactory()
    confirmed_app_device(admin)
    codes = recovery_codes_generate(user=admin)
    StaticToken.objects.filter(device__user=admin).exclude(
        token__in=[recovery_code_digest(c) for c in codes[:3]]
    ).delete()
    login_without_2fa(client, admin)
    response = client.post(VERIFY, {"recovery_code": codes[0]})
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "warning"
    assert "You have 2 left." in str(message)
    assert "Make new ones" in str(message)


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example/", "//evil.example/admin/", "http://testserver.evil.example/", "javascript:alert(1)"],
)
def test_next_never_leaves_the_site(client, next_url):
    admin = AdminFactory()
    device = confirmed_app_device(admin)
    login_without_2fa(client, admin)
    page = client.get(VERIFY, {"next": next_url})
    assert page.context["next"] == "/admin/"
    response = client.post(VERIFY, {"code": code_for(device), "next": next_url})
    assert response["Location"] == "/admin/"


def test_next_for_set_up_never_leaves_the_site(client):
    admin = AdminFactory()
    login_without_2fa(client, admin)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=admin)
    done = client.post(SETUP, {"code": code_for(device), "next": "https://evil.example/"})
    assert done.context["next"] == "/admin/"
    assert "evil.example" not in done.content.decode()


# Recovery codes in the account area ------------------------------------------------------------------


def test_recovery_codes_page_counts_and_makes_new_codes(client):
    admin = AdminFactory()
    client.force_login(admin)
    old = recovery_codes_generate(user=admin)
    StaticToken.objects.filter(token=recovery_code_digest(old[0])).delete()

    page = client.get(MANAGE)
    assert page.status_code == 200
    assert "You have 9 of 10 recovery codes left." in page.content.decode()
    assert "Two-factor authentication" in client.get("/admin/account/").content.decode()

    response = client.post(MANAGE)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    new = response.context["codes"]
    assert len(new) == RECOVERY_CODE_COUNT
    assert not set(new) & set(old)
    assert "You have 10 of 10 recovery codes left." in response.content.decode()
    tokens = set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert tokens == {recovery_code_digest(code) for code in new}


def test_making_new_recovery_codes_needs_a_verified_session(client):
    admin = AdminFactory()
    confirmed_app_device(admin)
    old = recovery_codes_generate(user=admin)
    login_without_2fa(client, admin)
    assert redirect_target(client.post(MANAGE))[0] == VERIFY
    tokens = set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert tokens == {recovery_code_digest(code) for code in old}


# An administrator's reset ----------------------------------------------------------------------------


def test_an_administrator_resets_a_persons_two_factor(client):
    trainer = TrainerFactory()
    confirmed_app_device(trainer)
    recovery_codes_generate(user=trainer)
    trainer_client = type(client)()
    trainer_client.force_login(trainer)
    assert trainer_client.get("/admin/").status_code == 200

    admin = AdminFactory()
    client.force_login(admin)
    listing = client.get("/admin/users/").content.decode()
    assert f"/admin/two-factor/reset/{trainer.pk}/" in listing
    page = client.get(f"/admin/two-factor/reset/{trainer.pk}/")
    assert page.status_code == 200
    assert "Reset two-factor authentication" in page.content.decode()

    response = client.post(f"/admin/two-factor/reset/{trainer.pk}/")
    assert response["Location"] == reverse("wagtailusers_users:edit", args=[trainer.pk])
    [entry] = AuditLogEntry.objects.filter(action=TWO_FACTOR_RESET, object_id=str(trainer.pk))
    assert entry.user == admin
    assert entry.data == {"before": {"two_factor": "set up"}, "after": {"two_factor": "not set up"}}
    assert not TOTPDevice.objects.filter(user=trainer).exists()
    assert not StaticDevice.objects.filter(user=trainer).exists()
    # The trainer's session lost its verification with the app: next time, they set up a new one.
    assert redirect_target(trainer_client.get("/admin/"))[0] == SETUP


@pytest.mark.parametrize("factory", [TrainerFactory, SupervisorFactory])
def test_only_administrators_may_reset(client, factory):
    person = TrainerFactory()
    device = confirmed_app_device(person)
    client.force_login(factory())
    # Wagtail answers a refused admin page by returning to the dashboard with a message.
    assert client.get(f"/admin/two-factor/reset/{person.pk}/")["Location"] == "/admin/"
    assert client.post(f"/admin/two-factor/reset/{person.pk}/")["Location"] == "/admin/"
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


# The supervisors' API --------------------------------------------------------------------------------


def test_staff_api_with_the_session_needs_a_verified_session_but_a_token_does_not(client):
    supervisor = SupervisorFactory()
    TeamFactory().supervisors.add(supervisor)
    confirmed_app_device(supervisor)
    login_without_2fa(client, supervisor)
    response = client.get("/api/v1/teams/")
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]
    assert client.post("/api/v1/assignments/", {}, content_type="application/json").status_code == 403

    _, token = api_token_create(user=supervisor, name="Dashboard")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/teams/").status_code == 200

    verified = type(client)()
    verified.force_login(supervisor)
    assert verified.get("/api/v1/teams/").status_code == 200


def test_learner_api_is_not_affected(client):
    login_without_2fa(client, TrainerFactory())
    assert client.get("/api/v1/me/enrollments/").status_code == 200


def test_recovery_codes_are_stored_only_as_keyed_digests(client, settings):
    admin = AdminFactory()
    confirmed_app_device(admin)
    codes = recovery_codes_generate(user=admin)
    stored = set(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert not stored & {c.replace("-", "") for c in codes}
    assert not stored & set(codes)
    # The stored digests cannot be typed in as codes.
    login_without_2fa(client, admin)
    assert client.post(VERIFY, {"recovery_code": next(iter(stored))}).status_code == 200

    # After a key rotation (the old key kept as a fallback) the codes still work.
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-test-only-key"  # noqa: S105
    let_time_pass(admin)
    client = type(client)()
    login_without_2fa(client, admin)
    assert client.post(VERIFY, {"recovery_code": codes[1]}).status_code == 302
