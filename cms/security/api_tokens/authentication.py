"""Personal API tokens: authenticating API requests, and how often a token may be used.

Tokens are Wagtail's own ``APIToken`` records: only a keyed SHA-256 digest is stored, with a short
prefix to tell tokens apart, and the token itself is shown once, when it is created. Supervisors
and administrators hold tokens to read their teams' status from other systems; a token acts with
exactly its owner's access.
"""

from __future__ import annotations

import math

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from wagtail.models import APIToken

from cms.api.routing import BEARER_CHALLENGE
from cms.people.access import second_factor_proved
from cms.security.login_protection import api_token_failure_record, api_token_lockout_remaining

THROTTLE_SCOPE = "api_token"
DEFAULT_RATE = "120/minute"
# ``last_used_at`` is written at most this often per token, so busy integrations do not write on every request.
LAST_USED_INTERVAL_SECONDS = 60


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``. An unknown or revoked token, or one whose owner is inactive, gets a 401.
    So does a request without any credentials where some are needed, with ``WWW-Authenticate: Bearer realm="api"``.

    After ``API_TOKEN_FAILURE_LIMIT`` such failures from one client address, every bearer request from it gets
    a 429 with ``Retry-After`` until the cool-off ends (``cms/security/login_protection.py``).

    Requests without a bearer token fall through to the other authentication classes (the site's sessions),
    and a bearer token takes precedence over a session cookie sent with it.
    """

    keyword = "Bearer"

    def authenticate(self, request):
        parts = self._bearer_parts(request)
        if parts is None:
            return None
        # Too many tokens that were not valid from this address: refuse before looking this one up.
        locked_for = api_token_lockout_remaining(request)
        if locked_for is not None:
            raise self._locked_out(locked_for)
        if len(parts) != 2:  # noqa: PLR2004
            self._failed(request)
            raise exceptions.AuthenticationFailed("The Authorization header must be “Bearer” and one token.")
        try:
            presented = parts[1].decode()
        except UnicodeDecodeError as error:
            self._failed(request)
            raise exceptions.AuthenticationFailed("This token is not valid.") from error
        token = (
            APIToken.objects.select_related("user")
            .filter(key_hash__in=APIToken.candidate_key_hashes(presented), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            self._failed(request)
            raise exceptions.AuthenticationFailed("This token is not valid or has been revoked.")
        self._touch(token)
        # A personal token is made in a session that passed two-factor authentication and is shown once:
        # it stands as the second factor for the privileges of its owner's staff role (``cms.people.access``).
        return second_factor_proved(token.user), token

    def _failed(self, request) -> None:
        locked_for = api_token_failure_record(request)
        if locked_for is not None:
            raise self._locked_out(locked_for)

    @staticmethod
    def _locked_out(seconds: int) -> exceptions.Throttled:
        minutes = max(1, math.ceil(seconds / 60))
        return exceptions.Throttled(
            wait=seconds,
            detail=(
                f"Too many requests with a token that is not valid came from this address. "
                f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
            ),
        )

    def authenticate_header(self, request):
        # Every refusal for want of credentials is a 401 with this challenge, session or not: a bearer token
        # is always an accepted way in. RFC 6750 adds the error only when a token was sent.
        tried_a_token = self._bearer_parts(request) is not None
        return f'{BEARER_CHALLENGE}, error="invalid_token"' if tried_a_token else BEARER_CHALLENGE

    def _bearer_parts(self, request) -> list[bytes] | None:
        """The parts of the ``Authorization`` header when it names this scheme, else ``None``."""
        parts = get_authorization_header(request).split()
        return parts if parts and parts[0].lower() == self.keyword.lower().encode() else None

    @staticmethod
    def _touch(token: APIToken) -> None:
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_INTERVAL_SECONDS:
            APIToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now


class ApiTokenRateThrottle(SimpleRateThrottle):
    """Limits requests per token (``DEFAULT_THROTTLE_RATES["api_token"]``, 120 a minute unless set).

    Requests made with the site's session are not limited here.
    """

    scope = THROTTLE_SCOPE

    def get_rate(self):
        # Read at request time, so a changed REST_FRAMEWORK setting applies without a restart of the class.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or DEFAULT_RATE

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, APIToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "cms.security.api_tokens.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, created under “API tokens” in the admin.",
        }
