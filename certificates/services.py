"""Writes for certification: issuing, renewing, reissuing, revoking, reminding, and the CE hours ledger.

Issuance is idempotent and safe under concurrency: the person's row is locked while their
certificates are decided, and the database allows one current certificate per person and
program, so two simultaneous triggers produce one certificate.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from cms.ops.tasks.retry import task_failure_record
from cms.people.access import may_see_person
from courses.models import CoursePage
from courses.progress.completion import course_completions

from .audit import certificate_audit, credit_review_audit
from .models import (
    CECredit,
    Certificate,
    CertificateEvent,
    ExpiryReminder,
    Program,
    ProgramCourse,
    SerialCounter,
)
from .requirements import program_requirements

logger = logging.getLogger(__name__)
User = get_user_model()

REMINDER_DAYS = (90, 30, 7)


class CertificateRefused(Exception):
    """An action that does not apply to this certificate, with a message for the person who asked."""


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (Jan 31 + 1 month = Feb 28/29)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def _actor_name(actor) -> str:
    return actor.full_name if actor else "System"


def _log(
    certificate: Certificate, action: str, *, actor=None, note: str = "", before: str | None = None
) -> CertificateEvent:
    """Record a certificate event; one that changes its status also goes to the site's audit log.

    ``before`` is the certificate's status code before the change (None for a new certificate).
    """
    event = CertificateEvent.objects.create(
        certificate=certificate, action=action, actor=actor, actor_name=_actor_name(actor), note=note
    )
    certificate_audit(certificate, action, actor=actor, before=before, note=note)
    return event


def _next_serial(year: int) -> str:
    counter, _ = SerialCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"PSS-{year}-{counter.last:06d}"


def programs_for_issuing():
    """Active programs with everything issuance reads, prefetched."""
    return (
        Program.objects.filter(active=True)
        .prefetch_related(
            Prefetch("required_courses", queryset=ProgramCourse.objects.select_related("course")),
            "hours__category",
            "renewal_minimums__category",
        )
        .select_related("template", "template__logo", "template__signature")
    )


FROZEN_FIELDS = (
    "program_name",
    "program_description",
    "program_version",
    "organisation",
    "signatory_name",
    "signatory_title",
    "hours",
    "total_hours",
    "template",
)


def _program_facts(program: Program) -> dict:
    """What a certificate issued under ``program`` today would print."""
    return {
        "program_name": program.name,
        "program_description": program.description,
        "program_version": program.version,
        "organisation": program.organisation,
        "signatory_name": program.signatory_name,
        "signatory_title": program.signatory_title,
        "hours": [
            {"category": row.category.name, "hours": format(row.hours.normalize(), "f")} for row in program.hours.all()
        ],
        "total_hours": program.total_hours,
        "template": program.template.snapshot(),
    }


def _create(
    *,
    user,
    program: Program,
    kind: str,
    issued_at: datetime,
    expires_on: date | None,
    actor=None,
    note: str = "",
    facts: dict | None = None,
) -> Certificate:
    """Number and write one certificate: the person's name as it is now, and ``facts`` or the program's as they are now."""
    certificate = Certificate.objects.create(
        user=user,
        program=program,
        kind=kind,
        serial=_next_serial(timezone.localdate(issued_at).year),
        name=user.full_name,
        issued_at=issued_at,
        issued_on=timezone.localdate(issued_at),
        expires_on=expires_on,
        **(facts if facts is not None else _program_facts(program)),
    )
    _log(certificate, kind, actor=actor, note=note)
    transaction.on_commit(lambda: _after_issue(certificate.pk))
    return certificate


def _after_issue(certificate_id: int) -> None:
    from .tasks import certificate_email_issued, certificate_render_pdf

    certificate_render_pdf.enqueue(certificate_id)
    certificate_email_issued.enqueue(certificate_id)


def pdf_render_failed(*, certificate: Certificate, error: Exception) -> None:
    """Rendering a PDF on request failed: log it and let the background task retry it with back-off."""
    from .tasks import certificate_render_pdf

    try:
        task_failure_record(task=certificate_render_pdf, args=[certificate.pk], error=error)
    except DatabaseError:
        logger.exception("Could not record the failed rendering of %s's PDF.", certificate.serial)


def _supersede(
    old: Certificate, new_kind: str, *, user, issued_at, expires_on, actor=None, note="", facts=None
) -> Certificate:
    before = old.status().code
    old.is_current = False
    old.save(update_fields=["is_current"])
    new = _create(
        user=user,
        program=old.program,
        kind=new_kind,
        issued_at=issued_at,
        expires_on=expires_on,
        actor=actor,
        note=note,
        facts=facts,
    )
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    if new.expires_on == old.expires_on:
        # Same expiry date (a reissue): reminders already sent for it are not sent again.
        ExpiryReminder.objects.bulk_create(
            [ExpiryReminder(certificate=new, days_before=r.days_before, sent_at=r.sent_at) for r in old.reminders.all()]
        )
    _log(old, CertificateEvent.Action.SUPERSEDED, actor=actor, note=f"Replaced by {new.serial}.", before=before)
    return new


def _enrolled_courses(user) -> list[CoursePage]:
    return list(CoursePage.objects.live().prefetch_related("ce_hours__category").filter(enrollments__user=user))


def course_credits_record(*, user, courses: list[CoursePage] | None = None, completed: dict | None = None) -> int:
    """Add the CE hours of every course this person has completed to their ledger; returns how many rows were added.

    ``courses`` (enrolled, with ``ce_hours`` prefetched) and ``completed`` may be passed by a caller that has them.
    """
    courses = _enrolled_courses(user) if courses is None else courses
    completed = course_completions(user=user, courses=courses) if completed is None else completed
    existing = set(
        CECredit.objects.filter(user=user, source=CECredit.Source.COURSE).values_list("course_id", "category_id")
    )
    rows = [
        CECredit(
            user=user,
            source=CECredit.Source.COURSE,
            course=course,
            title=course.title,
            provider="",
            earned_on=timezone.localdate(completed[course.pk]),
            category=hours.category,
            hours=hours.hours,
            state=CECredit.State.APPROVED,
        )
        for course in courses
        if completed.get(course.pk)
        for hours in course.ce_hours.all()
        if (course.pk, hours.category_id) not in existing
    ]
    # Another trigger may have recorded the same course meanwhile: the unique constraint keeps one row.
    CECredit.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def certificate_issue(
    *, user, program: Program, actor=None, issued_at: datetime | None = None
) -> tuple[Certificate, bool]:
    """Issue ``program``'s certificate to ``user`` unless they already hold a current one. Returns (certificate, created).

    The caller has checked the requirements. Safe to call twice at once: the person's row is
    locked first, and the unique constraint is the last line of defence.
    """
    issued_at = issued_at or timezone.now()
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=user.pk).first()
            existing = Certificate.objects.current().filter(user=user, program=program).first()
            if existing:
                return existing, False
            expires_on = (
                add_months(timezone.localdate(issued_at), program.validity_months) if program.validity_months else None
            )
            certificate = _create(
                user=user,
                program=program,
                kind=Certificate.Kind.ISSUED,
                issued_at=issued_at,
                expires_on=expires_on,
                actor=actor,
            )
            return certificate, True
    except IntegrityError:
        return Certificate.objects.current().get(user=user, program=program), False


@dataclass
class RenewalProgress:
    """A person's approved CE hours in a certificate's validity window against the program's renewal rule."""

    certificate: Certificate
    required_total: Decimal
    earned_total: Decimal
    minimums: list[tuple[str, Decimal, Decimal]]  # (category, required, earned)

    @property
    def met(self) -> bool:
        return self.earned_total >= self.required_total and all(earned >= need for _, need, earned in self.minimums)

    @property
    def percent(self) -> int:
        if not self.required_total:
            return 100
        return min(100, int(100 * self.earned_total / self.required_total))

    @property
    def missing_total(self) -> Decimal:
        return max(self.required_total - self.earned_total, Decimal(0))

    @property
    def missing(self) -> list[tuple[str, Decimal]]:
        return [(category, need - earned) for category, need, earned in self.minimums if earned < need]


def renewal_window(certificate: Certificate, today: date) -> tuple[date, date]:
    """The dates whose hours renew ``certificate``: after its issue date and on or before its expiry.

    Once it has lapsed, the window is the validity period before ``today`` (never reaching back
    to the issue date), so a lapsed certificate is reinstated by hours as recent as a renewal's.
    The hours that earned the certificate never count towards renewing it.
    """
    if today <= certificate.expires_on:
        return certificate.issued_on, certificate.expires_on
    return max(certificate.issued_on, add_months(today, -certificate.program.validity_months)), today


def renewal_progress(
    *, certificate: Certificate, credits: list[CECredit], today: date | None = None
) -> RenewalProgress | None:
    """How far ``credits`` go towards renewing ``certificate``; None if its program does not renew by hours.

    Approved hours earned inside ``renewal_window`` (the start date excluded) count.
    """
    program = certificate.program
    if not program.renews or not certificate.expires_on:
        return None
    start, end = renewal_window(certificate, today or timezone.localdate())
    window = [c for c in credits if c.state == CECredit.State.APPROVED and start < c.earned_on <= end]
    by_category: dict[int, Decimal] = {}
    for credit in window:
        by_category[credit.category_id] = by_category.get(credit.category_id, Decimal(0)) + credit.hours
    minimums = [
        (row.category.name, row.hours, by_category.get(row.category_id, Decimal(0)))
        for row in program.renewal_minimums.all()
    ]
    return RenewalProgress(
        certificate=certificate,
        required_total=program.renewal_hours,
        earned_total=sum(by_category.values(), Decimal(0)),
        minimums=minimums,
    )


def certificate_renew(*, certificate: Certificate, actor=None, today: date | None = None) -> Certificate:
    """Replace a certificate whose renewal hours are met with one valid for a new period.

    The new period starts where the old one ends (or today, if it has already lapsed), so
    renewing early loses no time. The old certificate is marked superseded and keeps its
    verification page.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        old = (
            Certificate.objects.select_for_update(of=("self",)).select_related("program", "user").get(pk=certificate.pk)
        )
        if not old.is_current:
            return old.superseded_by
        if old.revoked_at:
            raise CertificateRefused("A revoked certificate cannot be renewed.")
        credits = list(CECredit.objects.filter(user=old.user).select_related("category"))
        progress = renewal_progress(certificate=old, credits=credits, today=today)
        if progress is None or not progress.met:
            raise CertificateRefused("The renewal hours for this certificate are not met yet.")
        start = max(old.expires_on, today)
        return _supersede(
            old,
            Certificate.Kind.RENEWED,
            user=old.user,
            issued_at=timezone.now(),
            expires_on=add_months(start, old.program.validity_months),
            actor=actor,
            note=f"Renews {old.serial}.",
        )


def certificate_reissue(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """A new certificate with the person's name as it is now, the same dates, replacing this one (e.g. after a name change)."""
    with transaction.atomic():
        old = (
            Certificate.objects.select_for_update(of=("self",)).select_related("program", "user").get(pk=certificate.pk)
        )
        if not old.is_current:
            raise CertificateRefused("This certificate has already been replaced; reissue the newest one.")
        if old.revoked_at:
            raise CertificateRefused("A revoked certificate cannot be reissued; withdraw the revocation first.")
        if old.user is None:
            raise CertificateRefused("The person's account no longer exists, so there is no name to reissue under.")
        return _supersede(
            old,
            Certificate.Kind.REISSUED,
            user=old.user,
            issued_at=old.issued_at,
            expires_on=old.expires_on,
            actor=actor,
            note=f"Reissues {old.serial}. {reason}".strip(),
            facts={field: getattr(old, field) for field in FROZEN_FIELDS},  # only the name changes
        )


def certificate_revoke(*, certificate: Certificate, actor, reason: str, reason_public: bool = False) -> Certificate:
    """Revoke a certificate. Its verification page keeps working and says it is revoked, and since when."""
    if not reason.strip():
        raise CertificateRefused("Give a reason for the revocation; it is kept in the audit log.")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.revoked_at:
            raise CertificateRefused("This certificate is already revoked.")
        before = locked.status().code
        locked.revoked_at = timezone.now()
        locked.revoked_reason = reason.strip()
        locked.revoked_reason_public = reason_public
        locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_reason_public"])
        _log(locked, CertificateEvent.Action.REVOKED, actor=actor, note=reason.strip(), before=before)
    return locked


def certificate_unrevoke(*, certificate: Certificate, actor, reason: str) -> Certificate:
    """Withdraw a revocation made in error. The revocation stays in the audit log."""
    if not reason.strip():
        raise CertificateRefused("Give a reason for withdrawing the revocation; it is kept in the audit log.")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not locked.revoked_at:
            raise CertificateRefused("This certificate is not revoked.")
        locked.revoked_at = None
        locked.revoked_reason = ""
        locked.revoked_reason_public = False
        locked.save(update_fields=["revoked_at", "revoked_reason", "revoked_reason_public"])
        _log(locked, CertificateEvent.Action.UNREVOKED, actor=actor, note=reason.strip(), before="revoked")
    return locked


@dataclass
class CheckResult:
    issued: list[Certificate]
    renewed: list[Certificate]
    credits_added: int


def learner_certificates_check(*, user, programs: list[Program] | None = None) -> CheckResult:
    """Bring one person's ledger and certificates up to date: record course hours, issue what is earned, renew what is due.

    Runs after every lesson completion and quiz submission, from ``issue_certificates``, and
    when external hours are approved. Doing it twice changes nothing.
    """
    programs = programs if programs is not None else list(programs_for_issuing())
    enrolled = _enrolled_courses(user)
    courses = {c.pk: c for c in enrolled} | {
        row.course_id: row.course for p in programs for row in p.required_courses.all()
    }
    done = course_completions(user=user, courses=list(courses.values()))
    credits_added = course_credits_record(user=user, courses=enrolled, completed=done)
    issued, renewed = [], []
    for requirements in program_requirements(user=user, programs=programs, done=done):
        if requirements.met:
            certificate, created = certificate_issue(user=user, program=requirements.program)
            if created:
                issued.append(certificate)
    renewable = [p for p in programs if p.renews]
    current = list(Certificate.objects.current().filter(user=user, revoked_at=None, program__in=renewable))
    credits = list(CECredit.objects.filter(user=user).select_related("category")) if current else []
    for certificate in current:
        certificate.program = next(p for p in renewable if p.pk == certificate.program_id)
        progress = renewal_progress(certificate=certificate, credits=credits)
        if progress and progress.met:
            renewed.append(certificate_renew(certificate=certificate))
    return CheckResult(issued=issued, renewed=renewed, credits_added=credits_added)


def expiry_reminders_send(*, today: date | None = None) -> int:
    """Email each holder whose current certificate expires within 90, 30 or 7 days, once per threshold.

    If the job missed a day, only the most urgent threshold due is sent, so nobody gets
    three reminders at once. Returns the number of reminders sent.
    """
    from .tasks import certificate_email_reminder

    today = today or timezone.localdate()
    candidates = (
        Certificate.objects.current()
        .filter(revoked_at=None, expires_on__gte=today, expires_on__lte=today + timedelta(days=max(REMINDER_DAYS)))
        .exclude(user=None)
        .prefetch_related("reminders")
    )
    sent = 0
    for certificate in candidates:
        days_left = (certificate.expires_on - today).days
        threshold = min(d for d in REMINDER_DAYS if days_left <= d)
        if any(r.days_before <= threshold for r in certificate.reminders.all()):
            continue
        try:
            with transaction.atomic():
                ExpiryReminder.objects.create(certificate=certificate, days_before=threshold)
                _log(
                    certificate,
                    CertificateEvent.Action.REMINDED,
                    note=f"{threshold}-day reminder ({days_left} days left).",
                )
        except IntegrityError:
            continue  # another run sent it
        certificate_email_reminder.enqueue(certificate.pk, days_left)
        sent += 1
    return sent


# The CE hours ledger ------------------------------------------------------------------------


def credit_submit(*, user, **fields) -> CECredit:
    """A learner records external training hours; they count once a supervisor or admin approves them."""
    credit = CECredit(user=user, source=CECredit.Source.EXTERNAL, state=CECredit.State.PENDING, **fields)
    credit.full_clean()
    credit.save()
    return credit


def credit_review(*, credit: CECredit, reviewer, approve: bool, note: str = "") -> CECredit:
    """Approve or reject external hours. People cannot review their own; approved hours may renew a certificate."""
    if credit.user_id == reviewer.pk:
        raise CertificateRefused("You cannot review your own hours.")
    if not may_see_person(reviewer, credit.user_id):
        raise CertificateRefused("Only the person's supervisor or an administrator can review these hours.")
    if credit.source != CECredit.Source.EXTERNAL:
        raise CertificateRefused("Hours from courses on this site are approved automatically.")
    if credit.state != CECredit.State.PENDING:
        raise CertificateRefused("These hours have already been reviewed.")
    if not approve and not note.strip():
        raise CertificateRefused("Say why the hours are not approved, so the learner can fix it.")
    with transaction.atomic():
        before_state = credit.state
        credit.state = CECredit.State.APPROVED if approve else CECredit.State.REJECTED
        credit.reviewed_by = reviewer
        credit.reviewed_at = timezone.now()
        credit.review_note = note.strip()
        credit.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
        credit_review_audit(credit, reviewer=reviewer, before_state=before_state)
    if approve:
        transaction.on_commit(lambda: learner_certificates_check(user=credit.user), robust=True)
    return credit
