"""Writes for certification: issuing, reissuing, revoking, reminding, and a program's versions.

Renewing by CE hours and the hours ledger are ``certificates.ce.services``.

Issuance is idempotent and safe under concurrency: the person's row is locked while their
certificates are decided, and the database allows one current certificate per person and
program, so two simultaneous triggers produce one certificate.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cms.ops.tasks.retry import task_failure_record

from .audit import certificate_audit, program_change_audit
from .dates import add_months
from .models import Certificate, CertificateEvent, ExpiryReminder, Program, SerialCounter
from .requirements import program_requirements
from .selectors import program_facts, program_rules
from .tasks import certificate_email_issued, certificate_email_reminder, certificate_render_pdf

logger = logging.getLogger(__name__)
User = get_user_model()

REMINDER_DAYS = (90, 30, 7)


class CertificateRefused(Exception):
    """An action that does not apply to this certificate, with a message for the person who asked."""


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
        **(facts if facts is not None else program_facts(program)),
    )
    _log(certificate, kind, actor=actor, note=note)
    transaction.on_commit(lambda: _after_issue(certificate.pk))
    return certificate


def _after_issue(certificate_id: int) -> None:
    certificate_render_pdf.enqueue(certificate_id)
    certificate_email_issued.enqueue(certificate_id)


def pdf_render_failed(*, certificate: Certificate, error: Exception) -> None:
    """Rendering a PDF on request failed: log it and let the background task retry it with back-off."""
    try:
        task_failure_record(task=certificate_render_pdf, args=[certificate.pk], error=error)
    except DatabaseError:
        logger.exception("Could not record the failed rendering of %s's PDF.", certificate.serial)


def certificate_supersede(
    old: Certificate, new_kind: str, *, user, issued_at, expires_on, actor=None, note="", facts=None
) -> Certificate:
    """Replace ``old`` (locked by the caller) with a new certificate of ``new_kind``; ``old`` keeps its verification page."""
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


def certificate_issue(
    *, user, program: Program, actor=None, issued_at: datetime | None = None, note: str = ""
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
                note=note,
            )
            return certificate, True
    except IntegrityError:
        return Certificate.objects.current().get(user=user, program=program), False


def certificate_issue_on_request(*, user, program: Program, actor) -> Certificate:
    """An administrator issues ``program``'s certificate to ``user`` from the person's admin page.

    The same issuing as automatic issuance (``certificate_issue``), refused unless the program is active,
    the person's requirements are met (``requirements.program_requirements``) and they hold no current
    certificate of it. The certificate's first event names the administrator.
    """
    if not program.active:
        raise CertificateRefused(f"{program.name} is paused: it issues no certificates until it is active again.")
    [requirements] = program_requirements(user=user, programs=[program])
    if not requirements.met:
        missing = ", ".join(course.title for course in requirements.missing) or "its required courses"
        raise CertificateRefused(
            f"{user.full_name or user.email} has not met the requirements of {program.name} yet. "
            f"Still to complete: {missing}."
        )
    certificate, created = certificate_issue(
        user=user, program=program, actor=actor, note="Issued by an administrator from the person's page."
    )
    if not created:
        raise CertificateRefused(
            f"{user.full_name or user.email} already holds certificate {certificate.serial} of {program.name}."
        )
    return certificate


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
        return certificate_supersede(
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


def expiry_reminders_send(*, today: date | None = None) -> int:
    """Email each holder whose current certificate expires within 90, 30 or 7 days, once per threshold.

    If the job missed a day, only the most urgent threshold due is sent, so nobody gets
    three reminders at once. Returns the number of reminders sent.
    """
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


# Programs ----------------------------------------------------------------------------------


def program_version_bump(*, program: Program, before: dict | None) -> Program:
    """An edit of ``program`` is saved: count a new version, and log what changed in its rules.

    ``before`` is ``selectors.program_rules`` read before the edit (None for a new program, which
    stays at version 1). Certificates issued from now on record the new version.
    """
    if before is None:
        return program
    Program.objects.filter(pk=program.pk).update(version=F("version") + 1)
    program.refresh_from_db(fields=["version", "updated_at"])
    program_change_audit(program, before=before, after=program_rules(program))
    return program


def program_save(program: Program) -> Program:
    """Save ``program`` as an edit (a new version, its rule changes logged), or create it at version 1."""
    stored = Program.objects.filter(pk=program.pk).first() if program.pk else None
    before = program_rules(stored) if stored else None
    with transaction.atomic():
        program.save()
        return program_version_bump(program=program, before=before)
