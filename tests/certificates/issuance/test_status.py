"""A certificate's status from its dates and flags: valid through its expiry date, expiring within 90 days."""

from datetime import UTC, date, datetime, timedelta

import pytest

from certificates.issuance.models import Certificate
from certificates.issuance.status import certificate_status

TODAY = date(2026, 11, 27)


def status(expires_on=None, *, revoked=False, superseded=False):
    return certificate_status(today=TODAY, expires_on=expires_on, revoked=revoked, superseded=superseded)


def test_a_certificate_without_an_expiry_date_is_valid_for_good():
    result = status(None)
    assert (result.code, result.days_left, result.is_valid) == ("valid", None, True)
    assert str(result.label) == "Valid"


def test_a_certificate_expiring_today_is_still_valid_with_no_days_left():
    result = status(TODAY)
    assert (result.code, result.days_left, result.is_valid) == ("expiring", 0, True)


def test_a_certificate_that_expired_yesterday_is_expired():
    result = status(TODAY - timedelta(days=1))
    assert (result.code, result.days_left, result.is_valid) == ("expired", -1, False)
    assert str(result.label) == "Expired"


@pytest.mark.parametrize(
    ("days", "code"),
    [(1, "expiring"), (89, "expiring"), (90, "expiring"), (91, "valid"), (730, "valid")],
)
def test_expiring_means_within_90_days(days, code):
    result = status(TODAY + timedelta(days=days))
    assert (result.code, result.days_left, result.is_valid) == (code, days, True)


def test_a_superseded_certificate_is_no_longer_valid_even_before_its_expiry():
    result = status(TODAY + timedelta(days=400), superseded=True)
    assert (result.code, result.is_valid) == ("superseded", False)
    assert str(result.label) == "Replaced by a newer certificate"


def test_a_revoked_certificate_is_not_valid_even_with_years_left():
    result = status(TODAY + timedelta(days=400), revoked=True)
    assert (result.code, result.is_valid) == ("revoked", False)
    assert str(result.label) == "Revoked"


def test_revoked_wins_over_superseded_and_expired():
    assert status(TODAY - timedelta(days=10), revoked=True, superseded=True).code == "revoked"
    assert status(None, revoked=True, superseded=True).code == "revoked"


def test_superseded_wins_over_expired_and_keeps_the_days_count():
    result = status(TODAY - timedelta(days=10), superseded=True)
    assert (result.code, result.days_left) == ("superseded", -10)


def test_expired_wins_over_expiring():
    assert status(TODAY - timedelta(days=91)).code == "expired"


def test_a_stored_certificate_reads_its_status_from_its_own_dates_and_flags():
    certificate = Certificate(expires_on=TODAY + timedelta(days=30), is_current=True)
    assert certificate.status(today=TODAY).code == "expiring"
    certificate.is_current = False
    assert certificate.status(today=TODAY).code == "superseded"
    certificate.revoked_at = datetime(2026, 11, 1, tzinfo=UTC)
    assert certificate.status(today=TODAY).code == "revoked"


# The same rules as a database expression -------------------------------------------------------


@pytest.mark.django_db
def test_the_queryset_status_agrees_with_the_python_status_on_every_boundary(catalog):
    """``Certificate.objects.with_status`` and ``Certificate.status`` are one definition: checked day by day."""
    from certificates.issuance.services import certificate_issue
    from tests.factories import LearnerFactory, build_course, build_program

    program = build_program([build_course(catalog, modules=1, lessons_per_module=1)])
    cases = [
        {"expires_on": None},
        *({"expires_on": TODAY + timedelta(days=days)} for days in (-400, -91, -1, 0, 1, 89, 90, 91, 730)),
        {"expires_on": TODAY + timedelta(days=30), "is_current": False},
        {"expires_on": TODAY - timedelta(days=30), "is_current": False},
        {"expires_on": None, "revoked_at": datetime(2026, 11, 1, tzinfo=UTC)},
        {"expires_on": TODAY - timedelta(days=5), "is_current": False, "revoked_at": datetime(2026, 11, 1, tzinfo=UTC)},
    ]
    for fields in cases:
        certificate, _ = certificate_issue(user=LearnerFactory(), program=program)
        Certificate.objects.filter(pk=certificate.pk).update(**{"is_current": True, **fields})
    for today in (TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=90)):
        annotated = {c.pk: c.status_code for c in Certificate.objects.with_status(today)}
        computed = {c.pk: c.status(today).code for c in Certificate.objects.all()}
        assert annotated == computed
        for code in ("valid", "expiring", "expired", "revoked", "superseded"):
            assert {c.pk for c in Certificate.objects.in_status(code, today=today)} == {
                pk for pk, status_code in computed.items() if status_code == code
            }
        assert {c.pk for c in Certificate.objects.valid(today)} == {
            c.pk for c in Certificate.objects.all() if c.status(today).is_valid
        }
