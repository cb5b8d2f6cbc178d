"""Request limits per client address (or per another key, such as an email address), kept in the Django cache.

A limit is a rate such as ``"60/minute"`` in ``settings.RATE_LIMITS``, under a scope name (``"verify"``,
``"signup"``). Requests are counted per client address, or per another key a view names (the email address
a password reset asks for), in fixed windows: with ``"60/minute"`` the 61st request in a minute is
refused until the minute is over. Site pages use :func:`rate_limited`; API views use a
:class:`ClientRateThrottle` subclass. Pages and API views with the same scope share one allowance.

The counters live in the default cache: with Redis (``REDIS_URL``) every app server shares them; with the
local-memory cache each server process counts on its own, so the effective limit is multiplied by the
number of processes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}
OFF = {"", "off", "none"}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def rate_parse(rate: str | None) -> Rate | None:
    """``"60/minute"``, ``"10/hour"``, ``"5/15m"`` (5 per 15 minutes); ``None``, ``""`` or ``"off"`` for no limit."""
    if rate is None or rate.strip().lower() in OFF:
        return None
    count, _, period = rate.strip().partition("/")
    period = period.strip().lower()
    multiple = "".join(character for character in period if character.isdigit())
    unit = period[len(multiple) :][:1]
    if unit not in PERIODS or not count.strip().isdigit():
        raise ValueError(f"A rate looks like “60/minute” or “5/15m”, not {rate!r}.")
    return Rate(count=int(count), seconds=int(multiple or 1) * PERIODS[unit])


def client_ip(request) -> str:
    """The address of the person making the request.

    ``REMOTE_ADDR`` unless ``settings.TRUSTED_PROXY_COUNT`` says how many proxies of ours stand in front of
    the app (a load balancer, a TLS terminator). Then the address comes from ``X-Forwarded-For``, counting
    that many entries from the right: those are the ones our proxies added. Entries further left were
    sent by the client and could be anything.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote_addr = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
    if not addresses:
        return remote_addr
    return addresses[-min(proxies, len(addresses))]


def rate_limit_hit(*, scope: str, ident: str, rate: str | None = None) -> int | None:
    """Count one request for ``ident`` under ``scope``.

    Returns ``None`` while within the limit, or the number of seconds until the window ends when over it.
    ``rate`` defaults to ``settings.RATE_LIMITS[scope]``.
    """
    limit = rate_parse(rate if rate is not None else settings.RATE_LIMITS.get(scope))
    if limit is None:
        return None
    now = time.time()
    window = int(now // limit.seconds)
    key = f"ratelimit:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=limit.seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # the key was evicted between add() and incr()
        cache.set(key, 1, timeout=limit.seconds)
        count = 1
    if count <= limit.count:
        return None
    return max(1, math.ceil((window + 1) * limit.seconds - now))


def too_many_requests(request, wait: int, *, template: str = "429.html"):
    """The page shown over a limit: status 429 with ``Retry-After``."""
    minutes = max(1, math.ceil(wait / 60))
    response = render(request, template, {"wait_seconds": wait, "wait_minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response


def rate_limited(
    scope: str,
    *,
    methods: tuple[str, ...] | None = None,
    ident: Callable[[HttpRequest], str] = client_ip,
    template: str = "429.html",
):
    """View decorator: limit requests to ``settings.RATE_LIMITS[scope]`` per client address, or per whatever
    ``ident(request)`` names.

    Only the given HTTP ``methods`` count (all of them when ``None``); over the limit the view is not run and
    ``template`` is shown with status 429.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods is None or request.method in methods:
                wait = rate_limit_hit(scope=scope, ident=ident(request))
                if wait is not None:
                    return too_many_requests(request, wait, template=template)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class ClientRateThrottle(BaseThrottle):
    """DRF throttle: ``settings.RATE_LIMITS[scope]`` per client address, sharing counts with site pages.

    Over the limit DRF answers 429 with a ``Retry-After`` header.
    """

    scope: str = ""

    def allow_request(self, request, view):
        self._wait = rate_limit_hit(scope=self.scope, ident=client_ip(request))
        return self._wait is None

    def wait(self):
        return self._wait


class VerifyRateThrottle(ClientRateThrottle):
    """Certificate verification lookups (``RATE_LIMITS["verify"]``)."""

    scope = "verify"
