"""What a person may get back from a URL, as named outcomes for the matrix table."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

REDIRECTS = (301, 302, 303, 307, 308)


def _location(response) -> str:
    return urlsplit(response.get("Location", "")).path


def _site_login() -> str:
    return resolve_url(settings.LOGIN_URL)


def _admin_login() -> str:
    return resolve_url(getattr(settings, "WAGTAILADMIN_LOGIN_URL", None) or reverse("wagtailadmin_login"))


@dataclass(frozen=True)
class Outcome:
    name: str
    description: str

    def matches(self, response) -> bool:
        return CHECKS[self.name](response)

    def __repr__(self) -> str:
        return self.name


def _redirect_elsewhere(response) -> bool:
    return response.status_code in REDIRECTS and _location(response) not in {
        _site_login(),
        _admin_login(),
        reverse("wagtailadmin_home"),
    }


CHECKS = {
    "OK": lambda r: r.status_code == 200,
    "CREATED": lambda r: r.status_code == 201,
    "NO_CONTENT": lambda r: r.status_code == 204,
    "REDIRECT": _redirect_elsewhere,
    "LOGIN": lambda r: r.status_code in REDIRECTS and _location(r) == _site_login(),
    "ADMIN_LOGIN": lambda r: r.status_code in REDIRECTS and _location(r) == _admin_login(),
    # Wagtail's answer when someone with admin access lacks a page's permission: back to the dashboard.
    "DENIED": lambda r: r.status_code in REDIRECTS and _location(r) == reverse("wagtailadmin_home"),
    "DASHBOARD": lambda r: r.status_code in REDIRECTS and _location(r) == reverse("wagtailadmin_home"),
    "TWO_FACTOR": lambda r: (
        r.status_code in REDIRECTS and _location(r) in {reverse("two_factor_verify"), reverse("two_factor_setup")}
    ),
    "BAD_REQUEST": lambda r: r.status_code == 400,
    # The bearer scheme's challenge: the API asks for credentials rather than refusing outright.
    "NO_CREDENTIALS": lambda r: r.status_code == 401 and r.get("WWW-Authenticate", "").startswith("Bearer "),
    "FORBIDDEN": lambda r: r.status_code == 403,
    "NOT_FOUND": lambda r: r.status_code == 404,
    "NOT_ALLOWED": lambda r: r.status_code == 405,
}

OK = Outcome("OK", "200: the page or data")
CREATED = Outcome("CREATED", "201: created (API)")
NO_CONTENT = Outcome("NO_CONTENT", "204: done (API)")
REDIRECT = Outcome("REDIRECT", "a redirect somewhere other than a login page or the admin dashboard")
LOGIN = Outcome("LOGIN", "a redirect to the site's sign-in page")
ADMIN_LOGIN = Outcome("ADMIN_LOGIN", "a redirect to the admin's sign-in page (no admin access)")
DENIED = Outcome("DENIED", "Wagtail's permission denied: a redirect to the admin dashboard with a message")
DASHBOARD = Outcome("DASHBOARD", "a redirect to the admin dashboard, not a refusal (the admin's sign-in page)")
TWO_FACTOR = Outcome("TWO_FACTOR", "a redirect to the two-factor verify (or set-up) page: not verified yet")
BAD_REQUEST = Outcome("BAD_REQUEST", "400: refused as invalid (a form or API field error)")
NO_CREDENTIALS = Outcome("NO_CREDENTIALS", "401 with a bearer challenge: the API asks for credentials")
FORBIDDEN = Outcome("FORBIDDEN", "403")
NOT_FOUND = Outcome("NOT_FOUND", "404: does not exist for this person")
NOT_ALLOWED = Outcome("NOT_ALLOWED", "405: method not allowed")

#: Outcomes that mean "the action was carried out" for a state-changing request.
SUCCESSES = {OK, CREATED, NO_CONTENT, REDIRECT}
