"""Login protection: what django-axes needs from this project, and the lockout for API tokens.

Logins (the site's and the admin's) are counted by django-axes in the database, per email address and
client address together: after ``AXES_FAILURE_LIMIT`` failures that pair is locked out for
``LOGIN_COOLOFF_MINUTES``. Someone guessing passwords from one address cannot lock the real person out
from theirs.

Requests with a bearer token that is not valid are counted per client address in the cache: after
``API_TOKEN_FAILURE_LIMIT`` of them within the cool-off, every bearer request from that address gets a
429 until the cool-off ends.

Password reset requests (the site's and the admin's, one allowance) are limited per client address
(``RATE_LIMITS["password_reset"]``) and per email address asked for (``RATE_LIMITS["password_reset_account"]``),
whether or not it has an account, so a limit never tells which addresses do.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from cms.security.ratelimit import client_ip, rate_limited, too_many_requests

BEARER_FAILURES_KEY = "api-token-failures:{ip}"
BEARER_LOCKOUT_KEY = "api-token-lockout:{ip}"


def login_cooloff(request=None) -> timedelta:
    """``AXES_COOLOFF_TIME``: ``LOGIN_COOLOFF_MINUTES``, read when needed, the one setting for both lockouts."""
    return timedelta(minutes=settings.LOGIN_COOLOFF_MINUTES)


def _cooloff_seconds() -> int:
    return int(login_cooloff().total_seconds())


def email_as_stored(value) -> str:
    """An email address as typed, the way accounts store it: ``" Jordan@Example.org"`` is ``jordan@example.org``."""
    return str(value).strip().lower()


def login_username(request, credentials: dict | None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: the email address as the account stores it, so ``Jordan@…`` and ``jordan@…``
    count as one."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        username = data.get(settings.AXES_USERNAME_FORM_FIELD)
    if not username:
        return None
    return email_as_stored(username)


def password_reset_email_key(request) -> str:
    """What the per-account reset limit counts: the email address posted, as accounts store it, known or not.

    A keyed digest, so the cache holds no addresses and a digest cannot be matched against a list of them.
    """
    email = email_as_stored(request.POST.get("email", ""))
    return salted_hmac("cms.password_reset", email).hexdigest()


def password_reset_limited(view, *, template: str):
    """Wrap a password reset view: submissions are limited per client address and per email address asked for.

    Over either limit the view does not run: ``template`` is shown with status 429 and ``Retry-After``.
    Showing the form is not counted. The per-address limit is checked first, so a client over it cannot use
    up anyone's per-account allowance.
    """
    per_account = rate_limited(
        "password_reset_account", methods=("POST",), ident=password_reset_email_key, template=template
    )
    return rate_limited("password_reset", methods=("POST",), template=template)(per_account(view))


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the site's "too many attempts" page, for the site's login and the admin's."""
    return too_many_requests(request, _cooloff_seconds(), template="registration/locked_out.html")


def api_token_lockout_remaining(request) -> int | None:
    """Seconds until bearer requests from this client address are accepted again, or ``None`` if they are."""
    until = cache.get(BEARER_LOCKOUT_KEY.format(ip=client_ip(request)))
    if until is None:
        return None
    remaining = math.ceil(until - time.time())
    return remaining if remaining > 0 else None


def api_token_failure_record(request) -> int | None:
    """Count a request whose bearer token was not valid.

    Returns the seconds of lockout when this failure reaches ``API_TOKEN_FAILURE_LIMIT``, else ``None``.
    Failures are counted from the first one for the length of the cool-off. A request with a valid token
    does not reset the count: otherwise a holder of one token could guess others without limit.
    """
    ip = client_ip(request)
    cooloff = _cooloff_seconds()
    key = BEARER_FAILURES_KEY.format(ip=ip)
    cache.add(key, 0, timeout=cooloff)
    try:
        failures = cache.incr(key)
    except ValueError:  # evicted between add() and incr()
        cache.set(key, 1, timeout=cooloff)
        failures = 1
    if failures < settings.API_TOKEN_FAILURE_LIMIT:
        return None
    cache.set(BEARER_LOCKOUT_KEY.format(ip=ip), time.time() + cooloff, timeout=cooloff)
    cache.delete(key)
    return cooloff
