"""A person's certificates, CE hours, assignments and reminders in their data export, and their deletion.

See ``cms/privacy/personal_data.py`` for how sections are put together and ``docs/privacy.md`` for the policy.

On deletion, with ``PERSONAL_DATA_DELETION_CERTIFICATES = "keep"`` (the default), issued
certificates stay exactly as issued, PDF included, and their verification pages keep answering
with the name as printed: employers who were shown a certificate can still check it. With
``"revoke"``, every certificate still in force is revoked with a public reason, the printed name
is removed from all of them and their PDFs are deleted; verification then says "revoked" and
shows no name. Either way the certificates no longer point at the account.

CE hours (with their evidence files), personal assignments and due-date reminders are deleted.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q

from cms.models import AuditLogEntry
from cms.privacy.personal_data import KEEP, Erasure, PersonalDataSection

from .assignments import learner_assignments
from .models import Assignment, CECredit, Certificate, CertificateEvent, DueReminder, ExpiryReminder
from .services import certificate_revoke

SECTION = "certification"
REVOKED_REASON = "The holder's account was deleted at their request."


def export_certification(user) -> dict:
    certificates = (
        Certificate.objects.filter(user=user)
        .prefetch_related(
            Prefetch("events", queryset=CertificateEvent.objects.order_by("at", "pk")),
            Prefetch("reminders", queryset=ExpiryReminder.objects.order_by("sent_at")),
        )
        .order_by("issued_at", "pk")
    )
    credits = CECredit.objects.filter(user=user).select_related("category", "course").order_by("earned_on", "pk")
    assignments = learner_assignments(user=user).select_related("team", "assigned_by")
    reminders = DueReminder.objects.filter(user=user).select_related("assignment__course", "assignment__program")
    return {
        "certificates": [
            {
                "certificate_number": c.serial,
                "program": c.program_name,
                "program_version": c.program_version,
                "name_as_printed": c.name,
                "kind": c.get_kind_display(),
                "issued_on": c.issued_on,
                "expires_on": c.expires_on,
                "status": c.status().label,
                "revoked_at": c.revoked_at,
                "revocation_reason": c.revoked_reason if c.revoked_reason_public else "",
                "ce_hours": c.hours,
                "verification_code": c.code,
                "verification_url": c.verification_url(),
                "history": [
                    {"what": e.get_action_display(), "when": e.at, "by": e.actor_name, "note": e.note}
                    for e in c.events.all()
                ],
                "expiry_reminders_sent": [
                    {"days_before": r.days_before, "sent_at": r.sent_at} for r in c.reminders.all()
                ],
            }
            for c in certificates
        ],
        "ce_hours": [
            {
                "title": c.title,
                "provider": c.provider,
                "source": c.get_source_display(),
                "course": c.course.title if c.course else None,
                "category": c.category.name,
                "hours": c.hours,
                "earned_on": c.earned_on,
                "state": c.get_state_display(),
                "reviewed_at": c.reviewed_at,
                "review_note": c.review_note,
                "evidence_file": c.evidence.name.rsplit("/", 1)[-1] if c.evidence else None,
                "recorded_at": c.created_at,
            }
            for c in credits
        ],
        "ce_hours_note": "Evidence files are listed by name; download them from your CE hours page.",
        "assignments": [
            {
                "work": a.course.title if a.course_id else a.program.name,
                "due_on": a.due_on,
                "for": f"Team {a.team.name}" if a.team_id else "You",
                "assigned_by": a.assigned_by.full_name if a.assigned_by else None,
                "assigned_at": a.created_at,
            }
            for a in assignments
        ],
        "due_date_reminders_sent": [
            {
                "work": r.assignment.course.title if r.assignment.course_id else r.assignment.program.name,
                "kind": r.get_kind_display(),
                "sent_at": r.sent_at,
            }
            for r in reminders.order_by("sent_at")
        ],
    }


def erase_certification(user, erasure: Erasure) -> None:
    certificates = list(Certificate.objects.filter(user=user).order_by("pk"))
    if erasure.certificate_policy == KEEP:
        erasure.count("certificates_kept", len(certificates))
    else:
        acting = erasure.actor if erasure.actor is not None and erasure.actor.pk != user.pk else None
        for certificate in certificates:
            if certificate.is_current and certificate.revoked_at is None:
                certificate_revoke(certificate=certificate, actor=acting, reason=REVOKED_REASON, reason_public=True)
            if certificate.pdf:
                erasure.delete_file_on_commit(certificate.pdf.storage, certificate.pdf.name)
        Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(name="", pdf="", pdf_rendered_at=None)
        _relabel(Certificate, {c.pk: f"{c.serial}: {c.program_name}" for c in certificates})
        erasure.count("certificates_revoked", len(certificates))
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(user=None)

    credits = list(CECredit.objects.filter(user=user).only("pk", "evidence"))
    for credit in credits:
        if credit.evidence:
            erasure.delete_file_on_commit(credit.evidence.storage, credit.evidence.name)
    _relabel(CECredit, {c.pk: f"CE hours entry {c.pk} ({erasure.label})" for c in credits})
    erasure.count("ce_hours_entries", CECredit.objects.filter(pk__in=[c.pk for c in credits]).delete()[0])

    erasure.count("assignments", Assignment.objects.filter(user=user).delete()[0])
    DueReminder.objects.filter(user=user).delete()

    # Events this person took part in: emailed to their address, or acted on as a supervisor or admin.
    CertificateEvent.objects.filter(actor=user).update(actor_name=erasure.label)
    for event in CertificateEvent.objects.filter(Q(note__icontains=erasure.email)):
        event.note = event.note.replace(erasure.email, erasure.label)
        event.save(update_fields=["note"])


def _relabel(model, labels: dict[int, str]) -> None:
    content_type = ContentType.objects.get_for_model(model)
    for pk, label in labels.items():
        AuditLogEntry.objects.filter(content_type=content_type, object_id=str(pk)).update(label=label)


def section() -> PersonalDataSection:
    return PersonalDataSection(SECTION, export=export_certification, erase=erase_certification, order=30)
