"""Login protection: lockout after repeated failures (site, admin and API tokens), limits on password reset
requests, and answers that never tell whether an email address has an account (login, sign-up, password reset)."""

import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django_tasks import default_task_backend
from rest_framework.test import APIClient

from cms.security.api_tokens.services import api_token_create
from tests.factories import PASSWORD, LearnerFactory, SupervisorFactory, TeamFactory, TrainerFactory

pytestmark = pytest.mark.django_db

LOGIN = "/account/login/"
ADMIN_LOGIN = "/admin/login/"
SITE_RESET, ADMIN_RESET = "/account/password/reset/", "/admin/password_reset/"
HERE, ELSEWHERE = "203.0.113.5", "198.51.100.7"


def _log_in(client, email, password, *, url=LOGIN, ip=HERE, **extra):
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=ip, **extra)


def _fail(client, email, times, **kwargs):
    return [_log_in(client, email, "not-the-password", **kwargs).status_code for _ in range(times)]


def _page(response) -> bytes:
    """The page, without its CSRF tokens (masked differently every time)."""
    return re.sub(rb"[A-Za-z0-9]{64}", b"<token>", response.content)


def _alert(response) -> str:
    """The error announced above the site's login form."""
    return re.search(r'<div class="message message--error" role="alert">(.*?)</div>', response.content.decode()).group(
        1
    )


@pytest.fixture
def jordan(db):
    return LearnerFactory(email="jordan@example.org", full_name="Jordan Ellis")


# Lockout on the site's login ---------------------------------------------------------------


def test_the_fifth_wrong_password_locks_that_email_out_from_that_address(client, jordan):
    assert _fail(client, "jordan@example.org", 4) == [200, 200, 200, 200]
    locked = _log_in(client, "jordan@example.org", "not-the-password")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    content = locked.content.decode()
    assert "Too many attempts" in content
    assert "Try again in 15 minutes, or reset your password now." in content
    assert f'href="{reverse("password_reset")}"' in content
    assert 'class="site-header"' in content  # the site's own page, not a bare message
    # Even the right password is refused now, and nobody is logged in.
    assert _log_in(client, "jordan@example.org", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_reaches_neither_other_addresses_nor_other_accounts(client, jordan):
    LearnerFactory(email="sam@example.org")
    _fail(client, "jordan@example.org", 5)
    # Someone guessing from one address cannot lock the real person out from theirs.
    assert _log_in(client, "jordan@example.org", PASSWORD, ip=ELSEWHERE).status_code == 302
    client.post(reverse("logout"))
    assert _log_in(client, "sam@example.org", PASSWORD).status_code == 302


def test_the_email_counts_whatever_its_case(client, jordan):
    for email in ["jordan@example.org", "JORDAN@example.org", "Jordan@Example.org", " jordan@example.org"]:
        _log_in(client, email, "not-the-password")
    assert _log_in(client, "jordan@EXAMPLE.org", "not-the-password").status_code == 429


def test_the_lockout_ends_after_the_cool_off(client, jordan):
    _fail(client, "jordan@example.org", 5)
    assert _log_in(client, "jordan@example.org", PASSWORD).status_code == 429
    # Fourteen minutes after the last try: still locked.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=14))
    assert _log_in(client, "jordan@example.org", PASSWORD).status_code == 429
    # That try restarted the wait; sixteen minutes after it, the right password works again.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    response = _log_in(client, "jordan@example.org", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("my-learning")


def test_the_cool_off_and_limit_come_from_settings(client, jordan, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.LOGIN_COOLOFF_MINUTES = 30
    assert _fail(client, "jordan@example.org", 2) == [200, 429]
    locked = _log_in(client, "jordan@example.org", PASSWORD)
    assert locked["Retry-After"] == "1800"
    assert "Try again in 30 minutes" in locked.content.decode()


def test_a_successful_login_clears_the_count(client, jordan):
    _fail(client, "jordan@example.org", 4)
    assert _log_in(client, "jordan@example.org", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert _fail(client, "jordan@example.org", 4) == [200, 200, 200, 200]
    assert _log_in(client, "jordan@example.org", PASSWORD).status_code == 302


def test_an_email_without_an_account_is_locked_out_the_same_way(client, jordan):
    # Otherwise the lockout itself would tell which addresses have accounts.
    assert _fail(client, "nobody@example.org", 5) == [200, 200, 200, 200, 429]


def test_client_addresses_from_a_proxy_count_only_when_configured(client, jordan, settings):
    # By default X-Forwarded-For is ignored: changing it does not escape the lockout.
    for n in range(5):
        _log_in(client, "jordan@example.org", "not-the-password", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert _log_in(client, "jordan@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429
    # Behind one proxy of ours, the address it adds is the client's: the proxy's own is not locked out.
    settings.TRUSTED_PROXY_COUNT = 1
    response = _log_in(client, "jordan@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9, 192.0.2.99")
    assert response.status_code == 302
    client.post(reverse("logout"))
    _fail(client, "jordan@example.org", 5, HTTP_X_FORWARDED_FOR="192.0.2.50")
    assert _log_in(client, "jordan@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 429
    assert _log_in(client, "jordan@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.51").status_code == 302


# The admin's login -------------------------------------------------------------------------


def test_the_admin_login_locks_out_too_with_the_sites_page(client):
    TrainerFactory(email="morgan@example.org")
    assert _fail(client, "morgan@example.org", 4, url=ADMIN_LOGIN) == [200, 200, 200, 200]
    locked = _log_in(client, "morgan@example.org", "not-the-password", url=ADMIN_LOGIN)
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert _log_in(client, "morgan@example.org", PASSWORD, url=ADMIN_LOGIN).status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_on_the_site_and_the_admin_add_up(client):
    TrainerFactory(email="morgan@example.org")
    _fail(client, "morgan@example.org", 3)
    _fail(client, "morgan@example.org", 1, url=ADMIN_LOGIN)
    assert _log_in(client, "morgan@example.org", "not-the-password", url=ADMIN_LOGIN).status_code == 429
    assert _log_in(client, "morgan@example.org", PASSWORD).status_code == 429


# The same answer whether or not the address has an account ------------------------------------


def test_a_failed_login_says_the_same_for_known_unknown_and_inactive_addresses(client, jordan):
    LearnerFactory(email="paused@example.org", is_active=False)
    known = _log_in(client, "jordan@example.org", "not-the-password")
    unknown = _log_in(client, "nobody@example.org", "not-the-password")
    inactive = _log_in(client, "paused@example.org", PASSWORD)
    assert _alert(known) == _alert(unknown) == _alert(inactive)
    assert "That email and password don&#x27;t match an account." in _alert(known)


def test_the_admin_login_says_the_same_for_known_and_unknown_addresses(client):
    TrainerFactory(email="morgan@example.org")
    known = _log_in(client, "morgan@example.org", "not-the-password", url=ADMIN_LOGIN)
    unknown = _log_in(client, "nobody@example.org", "not-the-password", url=ADMIN_LOGIN)
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert known.context["form"].non_field_errors()


SIGNUP = {"full_name": "Jordan Ellis", "preferred_name": "", "email": "Jordan@Example.org"}


def test_sign_up_answers_the_same_for_a_new_and_an_existing_address(client, jordan):
    existing = client.post(reverse("signup"), SIGNUP, follow=True)
    new = client.post(reverse("signup"), {**SIGNUP, "email": "new.person@example.org"}, follow=True)
    assert existing.redirect_chain == new.redirect_chain == [(reverse("signup_sent"), 302)]
    assert _page(existing) == _page(new)
    [to_holder, to_new] = mail.outbox
    # The account holder hears that someone tried, with the way in; nothing about the account changes.
    assert to_holder.to == ["jordan@example.org"]
    assert to_holder.subject == "Someone tried to sign up with your email address"
    assert "You already have an account, so nothing was changed." in to_holder.body
    assert "/account/login/" in to_holder.body and "/account/password/reset/" in to_holder.body
    assert "/account/signup/confirm/" not in to_holder.body
    assert jordan.check_password(PASSWORD)
    # The new address gets the link that finishes the sign-up.
    assert to_new.to == ["new.person@example.org"]
    assert "/account/signup/confirm/" in to_new.body
    assert list(type(jordan).objects.values_list("email", flat=True)) == ["jordan@example.org"]


def test_sign_up_with_the_address_of_an_inactive_account_sends_nothing(client):
    LearnerFactory(email="jordan@example.org", is_active=False)
    response = client.post(reverse("signup"), SIGNUP)
    assert response.url == reverse("signup_sent")
    assert mail.outbox == []


def test_sign_up_never_waits_for_the_mail_server_nor_looks_the_address_up(client, jordan, settings):
    """The email goes out from a background task whose arguments are only what was typed: the request does the
    same work for a new and an existing address."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    for email in ["jordan@example.org", "new.person@example.org"]:
        client.post(reverse("signup"), {**SIGNUP, "email": email})
    assert mail.outbox == []
    calls = [(result.task.name, result.args, result.kwargs) for result in default_task_backend.results]
    assert calls == [
        ("signup_email_send", ["jordan@example.org"], {"full_name": "Jordan Ellis", "preferred_name": ""}),
        ("signup_email_send", ["new.person@example.org"], {"full_name": "Jordan Ellis", "preferred_name": ""}),
    ]


@pytest.mark.parametrize(
    ("reset_url", "confirm_prefix"),
    [("/account/password/reset/", "/account/password/reset/"), ("/admin/password_reset/", "/admin/password_reset/")],
    ids=["site", "admin"],
)
def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, jordan, reset_url, confirm_prefix):
    known = client.post(reset_url, {"email": "jordan@example.org"}, follow=True)
    unknown = client.post(reset_url, {"email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain
    assert _page(known) == _page(unknown)
    assert b"Check your email" in known.content
    [message] = mail.outbox
    assert message.to == ["jordan@example.org"]
    link = next(line for line in message.body.splitlines() if confirm_prefix in line)
    assert client.get(urlsplit(link.strip()).path, follow=True).context["validlink"]


RESET_PAGES = pytest.mark.parametrize("reset_url", [SITE_RESET, ADMIN_RESET], ids=["site", "admin"])


def _queued() -> list[tuple[str, list, dict]]:
    return [(result.task.name, result.args, result.kwargs) for result in default_task_backend.results]


@RESET_PAGES
def test_password_reset_queues_one_task_for_any_address_and_the_task_decides_who_gets_mail(
    client, jordan, settings, reset_url
):
    """The request does the same work for every address: it queues the address typed. The task looks it up."""
    LearnerFactory(email="paused@example.org", is_active=False)
    no_password = LearnerFactory(email="no-password@example.org")
    no_password.set_unusable_password()
    no_password.save()
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    typed = ["Jordan@Example.org", "nobody@example.org", "paused@example.org", "no-password@example.org"]
    for email in typed:
        assert client.post(reset_url, {"email": email}).status_code == 302
    assert mail.outbox == []
    queued = _queued()
    assert [(name, args) for name, args, _ in queued] == [("password_reset_email_send", [email]) for email in typed]
    assert all("token" not in kwargs and "uid" not in kwargs for _, _, kwargs in queued)

    for result in default_task_backend.results:
        result.task.call(*result.args, **result.kwargs)
    [message] = mail.outbox
    assert message.to == ["jordan@example.org"]
    assert "/password" in message.body and "reset" in message.body


# Password reset limits ----------------------------------------------------------------------


def _reset(client, email, *, url=SITE_RESET, ip=HERE):
    return client.post(url, {"email": email}, REMOTE_ADDR=ip)


@pytest.fixture
def reset_limits(settings):
    def set_limits(*, per_address="off", per_account="off"):
        settings.RATE_LIMITS = {
            **settings.RATE_LIMITS,
            "password_reset": per_address,
            "password_reset_account": per_account,
        }

    return set_limits


@RESET_PAGES
def test_password_reset_is_limited_per_client_address(client, reset_limits, reset_url):
    reset_limits(per_address="2/hour")
    assert [_reset(client, f"person{n}@example.org", url=reset_url).status_code for n in range(2)] == [302, 302]
    refused = _reset(client, "person9@example.org", url=reset_url)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert "Please wait before asking again" in refused.content.decode()
    # Showing the form is not counted; another address may still ask.
    assert client.get(reset_url, REMOTE_ADDR=HERE).status_code == 200
    assert _reset(client, "person9@example.org", url=reset_url, ip=ELSEWHERE).status_code == 302


@RESET_PAGES
def test_password_reset_is_limited_per_email_address_from_any_client(client, jordan, reset_limits, reset_url):
    reset_limits(per_account="2/hour")
    first = _reset(client, "jordan@example.org", url=reset_url, ip="192.0.2.1")
    second = _reset(client, " JORDAN@example.org ", url=reset_url, ip="192.0.2.2")
    assert (first.status_code, second.status_code) == (302, 302)
    refused = _reset(client, "Jordan@Example.org", url=reset_url, ip="192.0.2.3")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    # Another address from the same client is not held back.
    assert _reset(client, "sam@example.org", url=reset_url, ip="192.0.2.3").status_code == 302


def test_the_limit_pages_look_like_the_page_they_refuse(client, reset_limits):
    reset_limits(per_account="1/hour")
    _reset(client, "jordan@example.org")
    site = _reset(client, "jordan@example.org").content.decode()
    admin = _reset(client, "jordan@example.org", url=ADMIN_RESET).content.decode()
    assert 'class="site-header"' in site
    assert f'href="{reverse("login")}"' in site
    assert 'class="site-header"' not in admin
    assert "wagtailadmin/css/core.css" in admin and 'class="login' in admin
    assert f'href="{reverse("wagtailadmin_login")}"' in admin
    for page in (site, admin):
        assert "Please wait before asking again" in page
        assert re.search(r"Please wait \d+ minutes? and try again\.", page)


def test_the_site_and_the_admin_share_one_allowance(client, reset_limits):
    reset_limits(per_address="3/hour", per_account="3/hour")
    assert _reset(client, "jordan@example.org").status_code == 302
    assert _reset(client, "jordan@example.org", url=ADMIN_RESET).status_code == 302
    assert _reset(client, "jordan@example.org").status_code == 302
    assert _reset(client, "jordan@example.org", url=ADMIN_RESET).status_code == 429


def test_the_per_account_limit_answers_the_same_for_known_and_unknown_addresses(client, jordan, reset_limits):
    reset_limits(per_account="2/hour")
    known = [_reset(client, "jordan@example.org", ip=f"192.0.2.{n}") for n in range(3)]
    unknown = [_reset(client, "nobody@example.org", ip=f"198.51.100.{n}") for n in range(3)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [302, 302, 429]
    assert _page(known[-1]) == _page(unknown[-1])
    assert known[-1]["Retry-After"] == unknown[-1]["Retry-After"]


def test_a_client_over_its_own_limit_does_not_use_up_the_accounts_allowance(client, jordan, reset_limits):
    reset_limits(per_address="1/hour", per_account="3/hour")
    assert [_reset(client, "jordan@example.org").status_code for _ in range(5)] == [302, 429, 429, 429, 429]
    assert _reset(client, "jordan@example.org", ip=ELSEWHERE).status_code == 302
    assert _reset(client, "jordan@example.org", ip="192.0.2.77").status_code == 302


def test_a_flood_of_requests_sends_one_account_no_more_emails_than_the_limit(client, jordan, settings):
    """With the default limits, 80 requests for one address from 80 client addresses: three emails."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    statuses = [
        _reset(client, "jordan@example.org", url=url, ip=f"192.0.2.{n}").status_code
        for n, url in zip(range(80), [SITE_RESET, ADMIN_RESET] * 40, strict=True)
    ]
    assert statuses == [302] * 3 + [429] * 77
    assert len(_queued()) == 3
    for result in default_task_backend.results:
        result.task.call(*result.args, **result.kwargs)
    assert [message.to for message in mail.outbox] == [["jordan@example.org"]] * 3


# API tokens ---------------------------------------------------------------------------------


@pytest.fixture
def token(db):
    supervisor = SupervisorFactory()
    TeamFactory().supervisors.add(supervisor)
    return api_token_create(user=supervisor, name="Reports")[1]


def _bearer(token_value, ip=HERE):
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_value}")
    return client


def test_invalid_bearer_tokens_lock_the_address_out_until_the_cool_off_ends(token, settings, monkeypatch):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    guesses = [_bearer(f"guess-{n}").get("/api/v1/teams/") for n in range(3)]
    assert [response.status_code for response in guesses] == [401, 401, 429]
    # Now even a valid token from that address waits; the answer says how long.
    locked = _bearer(token).get("/api/v1/teams/")
    assert locked.status_code == 429
    assert 890 <= int(locked["Retry-After"]) <= 900
    assert "Try again in 15 minutes" in locked.json()["detail"]
    # From another address, the valid token works.
    assert _bearer(token, ip=ELSEWHERE).get("/api/v1/teams/").status_code == 200
    # After the cool-off, it works from the first address too.
    later = time.time() + 15 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert _bearer(token).get("/api/v1/teams/").status_code == 200


def test_malformed_bearer_headers_count_as_failures(token, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 2
    client = APIClient(REMOTE_ADDR=HERE)
    client.credentials(HTTP_AUTHORIZATION="Bearer two parts")
    assert client.get("/api/v1/teams/").status_code == 401
    assert client.get("/api/v1/teams/").status_code == 429


def test_a_valid_token_does_not_reset_the_count(token, settings):
    settings.API_TOKEN_FAILURE_LIMIT = 3
    statuses = []
    for n in range(3):
        statuses.append(_bearer(f"guess-{n}").get("/api/v1/teams/").status_code)
        statuses.append(_bearer(token).get("/api/v1/teams/").status_code)
    assert statuses == [401, 200, 401, 200, 429, 429]


def test_requests_without_a_bearer_token_are_not_locked_out(token, settings, jordan):
    settings.API_TOKEN_FAILURE_LIMIT = 1
    assert _bearer("guess").get("/api/v1/teams/").status_code == 429
    client = APIClient(REMOTE_ADDR=HERE)
    client.force_login(jordan)
    assert client.get("/api/v1/me/certificates/").status_code == 200
