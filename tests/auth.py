"""Logging people in for tests, with and without two-factor authentication.

Everyone with admin access (trainers, supervisors, administrators) must pass two-factor
authentication before any admin page opens (``cms.security.two_factor``). So that tests of everything else can
simply call ``client.force_login(user)``, ``tests/conftest.py`` replaces Django's test client
``force_login`` (an autouse fixture) with ``force_login_verified``: for a person with admin access it
also gives them a confirmed authenticator app and marks the new session as verified by it, exactly
as if they had typed a code. Learners are logged in as before.

Tests of two-factor authentication itself want the session a real sign-in gives before the code is
entered: they use ``login_without_2fa(client, user)`` (or the ``unverified_login`` fixture, the same
function).

``totp_code(device)`` computes the code an authenticator app would show for a device; the browser
tests use it to get through the verify page.
"""

from __future__ import annotations

import functools
import time

from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.people.access import second_factor_proved
from cms.security.two_factor.services import APP_DEVICE_NAME, has_admin_access

# Django's own, captured before any test replaces it.
DJANGO_FORCE_LOGIN = ClientMixin.force_login


def confirmed_app_device(user) -> TOTPDevice:
    """The person's confirmed authenticator app, created if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for ``device``, or the next one if now's was already used.

    A code is accepted once per 30-second step (and one step early): two sign-ins in the same step
    need the next step's code.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"


@functools.wraps(DJANGO_FORCE_LOGIN)
def force_login_verified(self, user, backend=None):
    """``Client.force_login``, plus a session verified by two-factor authentication for people with admin access."""
    DJANGO_FORCE_LOGIN(self, user, backend)
    # A fresh copy: checking permissions caches them on the object, and the test may change its groups later.
    if has_admin_access(type(user)._default_manager.get(pk=user.pk)):
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = confirmed_app_device(user).persistent_id
        session.save()


def login_without_2fa(client, user, backend=None) -> None:
    """Log ``user`` in with a session that has not passed two-factor authentication (Django's own force_login)."""
    DJANGO_FORCE_LOGIN(client, user, backend)


def verified(user):
    """``user`` as a request carries them after passing two-factor authentication: for calling ``cms.people.access`` directly.

    (django-otp's middleware gives the request's user an ``is_verified()`` answering whether the session passed a
    code; personal API tokens give their owner one that answers yes.)
    """
    return second_factor_proved(user)
