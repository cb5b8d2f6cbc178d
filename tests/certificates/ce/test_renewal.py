"""Renewal by CE hours: which hours count, category minimums, the new validity period, and what triggers it."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.ce.models import CECredit
from certificates.ce.selectors import renewal_progress
from certificates.ce.services import certificate_renew, credit_review, credit_submit, learner_certificates_check
from certificates.issuance.dates import add_months
from certificates.issuance.models import Certificate, RenewalMinimum
from certificates.issuance.services import CertificateRefused, certificate_issue
from tests.auth import verified
from tests.factories import LearnerFactory, SupervisorFactory, TeamFactory, build_course, build_program, ce_category

pytestmark = pytest.mark.django_db


def issued_days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def credit(user, earned_on, hours, category="Ethics", state=CECredit.State.APPROVED, **fields) -> CECredit:
    return CECredit.objects.create(
        user=user,
        title=fields.pop("title", "Trauma-informed care workshop"),
        provider="County health department",
        earned_on=earned_on,
        category=ce_category(category),
        hours=Decimal(str(hours)),
        state=state,
        **fields,
    )


def progress_of(certificate):
    certificate = Certificate.objects.select_related("program").get(pk=certificate.pk)
    credits = list(CECredit.objects.filter(user=certificate.user).select_related("category"))
    return renewal_progress(certificate=certificate, credits=credits)


@pytest.fixture
def small_course(catalog):
    return build_course(catalog, modules=1, lessons_per_module=1, title="Boundaries in peer support")


@pytest.fixture
def renewing(small_course):
    """Valid for 24 months; renews with 10 approved hours, at least 2 of them in Ethics."""
    return build_program([small_course], renewal_hours=10, renewal_minimums={"Ethics": 2})


@pytest.fixture
def holder(db):
    return LearnerFactory(full_name="Renee Alvarez")


# Which hours count --------------------------------------------------------------------------


def test_only_approved_hours_earned_after_the_issue_date_and_by_the_expiry_date_count(renewing, holder):
    certificate, _ = certificate_issue(user=holder, program=renewing, issued_at=issued_days_ago(100))
    issued_on, expires_on = certificate.issued_on, certificate.expires_on
    credit(holder, issued_on, 1, title="Earned the certificate")
    credit(holder, issued_on + timedelta(days=1), 2)
    credit(holder, expires_on, 3, category="Advocacy")
    credit(holder, expires_on + timedelta(days=1), 5, title="After expiry")
    credit(holder, issued_on + timedelta(days=10), 7, state=CECredit.State.PENDING)
    credit(holder, issued_on + timedelta(days=10), 11, state=CECredit.State.REJECTED, review_note="No evidence.")
    credit(LearnerFactory(), issued_on + timedelta(days=10), 13)

    progress = progress_of(certificate)

    assert progress.earned_total == Decimal(5)
    assert progress.required_total == Decimal(10)
    assert progress.minimums == [("Ethics", Decimal(2), Decimal(2))]
    assert (progress.met, progress.percent, progress.missing_total) == (False, 50, Decimal(5))


def test_every_category_minimum_must_be_met_as_well_as_the_total(renewing, holder):
    RenewalMinimum.objects.create(program=renewing, category=ce_category("Peer-specific"), hours=Decimal(3))
    certificate, _ = certificate_issue(user=holder, program=renewing, issued_at=issued_days_ago(100))
    credit(holder, timezone.localdate() - timedelta(days=3), 12, category="Advocacy")
    credit(holder, timezone.localdate() - timedelta(days=2), 1, category="Ethics")

    progress = progress_of(certificate)
    assert progress.earned_total == Decimal(13) and progress.percent == 100 and progress.missing_total == 0
    assert not progress.met
    assert progress.missing == [("Ethics", Decimal(1)), ("Peer-specific", Decimal(3))]

    credit(holder, timezone.localdate() - timedelta(days=1), 1, category="Ethics")
    credit(holder, timezone.localdate() - timedelta(days=1), 3, category="Peer-specific")
    progress = progress_of(certificate)
    assert progress.met and progress.missing == []


def test_programs_that_do_not_renew_by_hours_report_no_progress(small_course, holder):
    no_hours = build_program([small_course], name="No renewal", renewal_hours=0)
    never_expires = build_program([small_course], name="Never expires", validity_months=None, renewal_hours=10)
    for program in (no_hours, never_expires):
        certificate, _ = certificate_issue(user=holder, program=program, issued_at=issued_days_ago(100))
        assert progress_of(certificate) is None


# Renewing -----------------------------------------------------------------------------------


def test_renewing_early_starts_the_new_period_where_the_old_one_ends(renewing, holder, client):
    old, _ = certificate_issue(user=holder, program=renewing, issued_at=issued_days_ago(100))
    credit(holder, timezone.localdate() - timedelta(days=20), 8, category="Peer-specific")
    assert learner_certificates_check(user=holder).renewed == []

    credit(holder, timezone.localdate() - timedelta(days=5), 2, category="Ethics")
    result = learner_certificates_check(user=holder)

    [new] = result.renewed
    old.refresh_from_db()
    assert new.kind == "renewed" and new.is_current and new.name == "Renee Alvarez"
    assert new.issued_on == timezone.localdate()
    assert new.expires_on == add_months(old.expires_on, 24)
    assert not old.is_current and old.superseded_by == new and old.status().code == "superseded"
    assert list(new.events.values_list("action", "note")) == [("renewed", f"Renews {old.serial}.")]
    assert old.events.filter(action="superseded", note=f"Replaced by {new.serial}.").exists()

    response = client.get(old.get_verification_path())
    assert response.status_code == 200
    page = response.content.decode()
    assert "This certificate has been replaced by a newer one." in page
    assert new.get_verification_path() in page

    # The hours that renewed it were earned before the new certificate, so they do not renew it again.
    assert learner_certificates_check(user=holder).renewed == []
    assert Certificate.objects.filter(user=holder).count() == 2


def test_renewing_a_lapsed_certificate_starts_the_new_period_today(renewing, holder):
    issued_on = add_months(timezone.localdate(), -25)
    issued_at = timezone.make_aware(datetime.combine(issued_on, time(12)))
    old, _ = certificate_issue(user=holder, program=renewing, issued_at=issued_at)
    assert old.status().code == "expired"
    credit(holder, timezone.localdate() - timedelta(days=60), 10, category="Ethics")

    [new] = learner_certificates_check(user=holder).renewed

    assert new.expires_on == add_months(timezone.localdate(), 24)
    assert new.status().code == "valid"


def test_a_lapsed_certificate_is_reinstated_only_by_hours_from_the_last_validity_period(renewing, holder):
    issued_on = add_months(timezone.localdate(), -30)
    old, _ = certificate_issue(
        user=holder, program=renewing, issued_at=timezone.make_aware(datetime.combine(issued_on, time(12)))
    )
    # Earned while the certificate was valid, but more than 24 months ago: too old to reinstate it.
    credit(holder, issued_on + timedelta(days=30), 10, category="Ethics")
    assert learner_certificates_check(user=holder).renewed == []
    assert progress_of(old).earned_total == 0
    credit(holder, timezone.localdate() - timedelta(days=10), 10, category="Ethics")
    [new] = learner_certificates_check(user=holder).renewed
    assert new.kind == "renewed" and new.issued_on == timezone.localdate()


def test_renewal_start_is_the_later_of_the_old_expiry_and_today(renewing, holder):
    old, _ = certificate_issue(user=holder, program=renewing, issued_at=issued_days_ago(100))
    credit(holder, timezone.localdate(), 10)
    lapsed_day = old.expires_on + timedelta(days=40)
    new = certificate_renew(certificate=old, today=lapsed_day)
    assert new.expires_on == add_months(lapsed_day, 24)


def test_renewing_twice_returns_the_same_new_certificate(renewing, holder):
    old, _ = certificate_issue(user=holder, program=renewing, issued_at=issued_days_ago(100))
    credit(holder, timezone.localdate(), 10)
    first = certificate_renew(certificate=old)
    again = certificate_renew(certificate=old)
    assert again == first
    assert Certificate.objects.filter(user=holder).count() == 2


def test_renewal_is_refused_until_the_hours_are_met(renewing, holder):
    old, _ = certificate_issue(user=holder, program=renewing, issued_at=issued_days_ago(100))
    credit(holder, timezone.localdate(), 9.75)
    with pytest.raises(CertificateRefused, match="renewal hours for this certificate are not met"):
        certificate_renew(certificate=old)
    old.refresh_from_db()
    assert old.is_current and Certificate.objects.count() == 1


def test_programs_without_renewal_hours_never_renew(small_course, holder):
    program = build_program([small_course], renewal_hours=0)
    old, _ = certificate_issue(user=holder, program=program, issued_at=issued_days_ago(100))
    credit(holder, timezone.localdate() - timedelta(days=1), 40)
    assert learner_certificates_check(user=holder).renewed == []
    with pytest.raises(CertificateRefused):
        certificate_renew(certificate=old)
    assert list(Certificate.objects.all()) == [old]


# What triggers renewal ----------------------------------------------------------------------


@pytest.fixture
def supervisor(holder):
    supervisor = verified(SupervisorFactory(full_name="Dana Okafor"))
    team = TeamFactory()
    team.supervisors.add(supervisor)
    team.members.add(holder)
    return supervisor


def submit_hours(holder, hours):
    return credit_submit(
        user=holder,
        title="Motivational interviewing refresher",
        provider="State peer network",
        earned_on=timezone.localdate() - timedelta(days=2),
        category=ce_category("Ethics"),
        hours=Decimal(hours),
    )


def test_approving_external_hours_renews_the_certificate(
    renewing, holder, supervisor, django_capture_on_commit_callbacks, mailoutbox
):
    old, _ = certificate_issue(user=holder, program=renewing, issued_at=issued_days_ago(100))
    submitted = submit_hours(holder, 10)
    learner_certificates_check(user=holder)
    assert Certificate.objects.current().get(user=holder) == old  # pending hours do not count

    with django_capture_on_commit_callbacks(execute=True):
        credit_review(credit=submitted, reviewer=supervisor, approve=True)

    new = Certificate.objects.current().get(user=holder)
    assert new.kind == "renewed" and new.expires_on == add_months(old.expires_on, 24)
    assert [email.to for email in mailoutbox] == [[holder.email]]


def test_rejecting_external_hours_does_not_renew(renewing, holder, supervisor, django_capture_on_commit_callbacks):
    old, _ = certificate_issue(user=holder, program=renewing, issued_at=issued_days_ago(100))
    submitted = submit_hours(holder, 10)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        credit_review(credit=submitted, reviewer=supervisor, approve=False, note="The attendance letter is unsigned.")

    assert callbacks == []
    assert list(Certificate.objects.all()) == [old]
    submitted.refresh_from_db()
    assert submitted.state == "rejected"
