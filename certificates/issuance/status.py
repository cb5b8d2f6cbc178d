"""A certificate's status, computed from its dates and flags: nothing stored can go stale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext_lazy as _

EXPIRING_WITHIN_DAYS = 90


@dataclass(frozen=True)
class Status:
    code: str  # valid, expiring, expired, revoked, superseded
    label: str
    days_left: int | None = None

    @property
    def is_valid(self) -> bool:
        """Whether the certificate counts right now: valid or expiring soon."""
        return self.code in {"valid", "expiring"}


VALID_CODES = ("valid", "expiring")


def certificate_status(*, today: date, expires_on: date | None, revoked: bool, superseded: bool) -> Status:
    """Revoked wins over superseded, which wins over expired; a certificate is valid through its expiry date."""
    days_left = (expires_on - today).days if expires_on else None
    if revoked:
        return Status("revoked", _("Revoked"), days_left)
    if superseded:
        return Status("superseded", _("Replaced by a newer certificate"), days_left)
    if days_left is not None and days_left < 0:
        return Status("expired", _("Expired"), days_left)
    if days_left is not None and days_left <= EXPIRING_WITHIN_DAYS:
        return Status("expiring", _("Valid, expiring soon"), days_left)
    return Status("valid", _("Valid"), days_left)


def status_case(today: date) -> Case:
    """``certificate_status`` as a database expression over a certificate's columns, for filters and annotations.

    The same rules in the same order; ``tests/certificates/issuance/test_status.py`` checks the two agree.
    """
    soon = today + timedelta(days=EXPIRING_WITHIN_DAYS)
    return Case(
        When(revoked_at__isnull=False, then=Value("revoked")),
        When(is_current=False, then=Value("superseded")),
        When(expires_on__lt=today, then=Value("expired")),
        When(Q(expires_on__isnull=False) & Q(expires_on__lte=soon), then=Value("expiring")),
        default=Value("valid"),
        output_field=CharField(),
    )
