"""Two-factor authentication for everyone with admin access: trainers, supervisors and administrators.

A person with admin access proves who they are twice: their password, then a six-digit code from an
authenticator app (TOTP, django-otp's ``TOTPDevice``) or one of ten single-use recovery codes (a
``StaticDevice``). ``AdminTwoFactorMiddleware`` (in ``enforcement.py``) sends anyone whose session is
not yet verified from every admin page to the set-up page (no confirmed app yet) or to the verify
page, and back to where they were going afterwards. Learners have no admin access and never see any of this.

Wrong codes are throttled by django-otp: after n wrong codes in a row, the next try must wait
2^(n-1) seconds. The wait covers the person, not one device: while either their app or their
recovery codes are waiting, neither is checked.

Personal API tokens are a separate credential and are not affected. The supervisors' integration API
(teams, status, assignments) also accepts the site's session, and then requires a verified session
from people with admin access, exactly as the admin pages do (``AdminSessionVerified``).
"""

from __future__ import annotations

import math
from base64 import b32encode
from dataclasses import dataclass, field
from urllib.parse import urlencode

import qrcode
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cms.audit.log import audit

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# The audit log's action for an administrator's reset, registered in cms/security/two_factor/hooks.py.
TWO_FACTOR_RESET = "pss.user.two_factor_reset"

# Admin pages a person must reach before their session is verified: signing in and out, resetting a
# forgotten password, the set-up and verify pages themselves, and the scripts and icons those pages load.
UNVERIFIED_URL_NAMES = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "two_factor_setup",
        "two_factor_verify",
    }
)


def has_admin_access(user) -> bool:
    """Active people who may open the admin: trainers, supervisors, administrators."""
    return bool(user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin"))


def two_factor_required(user) -> bool:
    """Whether this person must pass two-factor authentication before the admin opens (``ADMIN_2FA_REQUIRED``)."""
    return settings.ADMIN_2FA_REQUIRED and has_admin_access(user)


def session_verified(user) -> bool:
    """Whether the session of ``request.user`` has passed a code (set by django-otp's ``OTPMiddleware``)."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def needs_verification(user) -> bool:
    """Admin access, two-factor required, and the session has not passed a code yet."""
    return two_factor_required(user) and not session_verified(user)


def app_device(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_two_factor(user) -> bool:
    """Whether the person has finished setting up an authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_remaining(user) -> int:
    """How many unused recovery codes the person has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def safe_next(request: HttpRequest, url: str | None) -> str:
    """``url`` if it stays on this site, else the admin dashboard: never an open redirect."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("wagtailadmin_home")


def with_next(url_name: str, next_url: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': next_url})}"


# Codes -----------------------------------------------------------------------------------------------


@dataclass
class CodeCheck:
    """The answer to a code: accepted, wrong, or not checked because the person must wait first."""

    accepted: bool
    wait_seconds: int = 0
    recovery_codes: list[str] = field(default_factory=list)


def _wait_seconds(devices) -> int:
    """Seconds until every one of ``devices`` accepts a code again (0: no wait)."""
    now = timezone.now()
    wait = 0.0
    for device in devices:
        allowed, details = device.verify_is_allowed()
        if not allowed and details and details.get("locked_until"):
            wait = max(wait, (details["locked_until"] - now).total_seconds())
    return math.ceil(wait)


def _person_devices(user) -> list:
    return [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]


def _mark_verified(request: HttpRequest, device) -> None:
    otp_login(request, device)
    # A verified session is worth more than a password-only one: give it a new key.
    request.session.cycle_key()


def normalize_recovery_code(code: str) -> str:
    """Recovery codes are shown as ``abcd-efgh``; accept them with or without the dash, spaces or capitals."""
    return "".join(code.split()).replace("-", "").lower()


def format_recovery_code(token: str) -> str:
    return f"{token[:4]}-{token[4:]}"


def app_secret(device: TOTPDevice) -> str:
    """The device's key in base32, for typing into an authenticator app by hand."""
    return b32encode(device.bin_key).decode().rstrip("=")


def app_secret_for_reading(device: TOTPDevice) -> str:
    secret = app_secret(device)
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def qr_code_svg(text: str, *, label: str) -> SafeString:
    """An inline SVG QR code of ``text``, drawn here: no network, no script, no inline style."""
    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    path = "".join(f"M{x},{y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark)
    # Every value below is generated here (numbers and a fixed path alphabet) or escaped by format_html.
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="two-factor-qr" viewBox="0 0 {size} {size}" '
        'width="240" height="240" role="img" aria-label="{label}" shape-rendering="crispEdges">'
        '<rect width="{size}" height="{size}" fill="#ffffff"/><path fill="#000000" d="{path}"/></svg>',
        size=size,
        label=label,
        path=mark_safe(path),  # noqa: S308 -- only digits and the letters M, h, v, z
    )


# Services --------------------------------------------------------------------------------------------


@transaction.atomic
def app_device_start(*, user) -> TOTPDevice:
    """The person's unconfirmed authenticator app for the set-up page, created the first time.

    The same key is shown until it is confirmed, so reloading the page never invalidates a QR code
    the person has already scanned.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def app_device_confirm(*, request: HttpRequest, device: TOTPDevice, code: str) -> CodeCheck:
    """Confirm a new authenticator app with a code from it.

    On success the app replaces any earlier one, ten new recovery codes replace any earlier ones
    (returned here to be shown once; only their digests are stored), and the session is verified.
    """
    wait = _wait_seconds([device])
    if wait:
        return CodeCheck(accepted=False, wait_seconds=wait)
    if verify_token(request.user, device.persistent_id, code) is None:
        return CodeCheck(accepted=False)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.refresh_from_db()
        codes = recovery_codes_generate(user=request.user)
    _mark_verified(request, device)
    return CodeCheck(accepted=True, recovery_codes=codes)


def two_factor_verify(*, request: HttpRequest, code: str, recovery: bool) -> CodeCheck:
    """Check a code from the authenticator app (``recovery=False``) or a recovery code, and verify the session.

    A recovery code works once: it is deleted when accepted.
    """
    user = request.user
    wait = _wait_seconds(_person_devices(user))
    if wait:
        return CodeCheck(accepted=False, wait_seconds=wait)
    model = StaticDevice if recovery else TOTPDevice
    for device in model.objects.filter(user=user, confirmed=True).order_by("-pk"):
        token = _stored_recovery_token(device, code) if recovery else code
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            _mark_verified(request, verified)
            return CodeCheck(accepted=True)
    return CodeCheck(accepted=False)


def recovery_code_digest(code: str, *, secret: str | None = None) -> str:
    """What is stored for a recovery code: a keyed hash (HMAC-SHA256 with ``SECRET_KEY``), never the code.

    Someone who reads the database cannot use the codes. Cut to the 16 characters django-otp's
    ``StaticToken`` holds (64 bits, against ten codes per person).
    """
    return salted_hmac(
        "cms.two_factor.recovery_code", normalize_recovery_code(code), secret=secret, algorithm="sha256"
    ).hexdigest()[:16]


def _stored_recovery_token(device: StaticDevice, code: str) -> str:
    """The stored digest of ``code``, under the current key or a retired one (``SECRET_KEY_FALLBACKS``).

    One digest goes to django-otp, so a wrong code counts once towards the wait.
    """
    digests = [recovery_code_digest(code, secret=key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
    stored = set(device.token_set.filter(token__in=digests).values_list("token", flat=True))
    return next((digest for digest in digests if digest in stored), digests[0])


@transaction.atomic
def recovery_codes_generate(*, user) -> list[str]:
    """Replace the person's recovery codes with ten new ones and return them, formatted for reading.

    Only their digests are stored (``recovery_code_digest``): the codes exist only in this answer.
    """
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_code_digest(code)) for code in codes])
    return [format_recovery_code(code) for code in sorted(codes)]


@transaction.atomic
def two_factor_reset(*, actor, user) -> int:
    """Remove a person's authenticator app and recovery codes (a lost phone).

    They set up a new app the next time they open the admin. Returns how many devices were removed.
    """
    was_set_up = has_two_factor(user)
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    audit(
        user,
        TWO_FACTOR_RESET,
        user=actor,
        before={"two_factor": "set up" if was_set_up else "not set up"},
        after={"two_factor": "not set up"},
    )
    return removed
