"""Limits per client address (cms/security/ratelimit.py) and the sign-up limit."""

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from cms.security.ratelimit import Rate, client_ip, rate_limit_hit, rate_parse

HERE = "203.0.113.5"
SIGNUP = {"full_name": "Renee Alvarez", "preferred_name": "", "email": "renee@example.org"}


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("60/minute", Rate(60, 60)),
        ("10/hour", Rate(10, 3600)),
        ("5/15m", Rate(5, 900)),
        ("100/s", Rate(100, 1)),
        ("1000/day", Rate(1000, 86400)),
        ("off", None),
        ("", None),
        (None, None),
    ],
)
def test_rates_are_read_like_drf_throttle_rates(rate, parsed):
    assert rate_parse(rate) == parsed


@pytest.mark.parametrize("rate", ["60", "sixty/minute", "60/fortnight", "/minute"])
def test_a_rate_that_is_not_one_is_refused(rate):
    with pytest.raises(ValueError, match="60/minute"):
        rate_parse(rate)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "10.0.0.1"),  # not behind a proxy of ours: the header is the client's to invent
        (1, "", "10.0.0.1"),
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # what the client sent comes first, our proxy's entry last
        (2, "6.6.6.6, 192.0.2.1, 198.51.100.9", "192.0.2.1"),
        (3, "192.0.2.1", "192.0.2.1"),  # fewer entries than proxies: the leftmost
    ],
)
def test_the_client_address(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_counts_are_kept_per_scope_and_per_address():
    assert [rate_limit_hit(scope="a", ident="x", rate="2/minute") for _ in range(2)] == [None, None]
    assert rate_limit_hit(scope="a", ident="x", rate="2/minute") is not None
    assert rate_limit_hit(scope="a", ident="y", rate="2/minute") is None
    assert rate_limit_hit(scope="b", ident="x", rate="2/minute") is None


@pytest.mark.django_db
def test_sign_up_is_limited_per_address(client, settings, home):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "2/hour"}
    for n in range(2):
        response = client.post(reverse("signup"), {**SIGNUP, "email": f"person{n}@example.org"}, REMOTE_ADDR=HERE)
        assert response.status_code == 302
    refused = client.post(reverse("signup"), {**SIGNUP, "email": "person9@example.org"}, REMOTE_ADDR=HERE)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert "Please wait a moment" in refused.content.decode()
    assert len(mail.outbox) == 2
    # Reading the form is not counted; another address may still sign up.
    assert client.get(reverse("signup"), REMOTE_ADDR=HERE).status_code == 200
    other = client.post(reverse("signup"), {**SIGNUP, "email": "person9@example.org"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_the_default_limits():
    from django.conf import settings

    assert settings.RATE_LIMITS == {
        "verify": "60/minute",
        "signup": "10/hour",
        "password_reset": "10/hour",
        "password_reset_account": "3/hour",
    }
