"""Audit entries for certification: certificates issued, renewed, reissued, replaced, revoked and restored;
CE hours approved or not; a program's requirements changed.

Certificates keep their own event list (``CertificateEvent``, shown on the certificate's admin
page); each event that changes a certificate's status is also written to the site's audit log,
with the status before and after, through :func:`certificate_audit`. Entries about certificates
and CE hours are visible to administrators only (``cms.models.AuditLogEntry``), because they name
a person; program changes are visible to everyone who may edit programs.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cms.audit.log import audit, register_change_action
from cms.models import AuditLogEntry

from .models import CECredit, Certificate

CERTIFICATE_ACTIONS = {
    "issued": (_("Certificate issued"), _("Certificate issued")),
    "renewed": (_("Certificate renewed"), _("Certificate renewed")),
    "reissued": (_("Certificate reissued"), _("Certificate reissued")),
    "superseded": (_("Certificate replaced"), _("Certificate replaced")),
    "revoked": (_("Certificate revoked"), _("Certificate revoked")),
    "unrevoked": (_("Certificate revocation withdrawn"), _("Revocation withdrawn")),
}
CREDIT_REVIEWED = "pss.cecredit.review"
PROGRAM_CHANGE = "pss.program.requirements"


def certificate_action(event_action: str) -> str | None:
    """The audit action for a ``CertificateEvent`` action, or None for events that change no status (emails)."""
    return f"pss.certificate.{event_action}" if event_action in CERTIFICATE_ACTIONS else None


def certificate_audit(certificate: Certificate, event_action: str, *, actor=None, before: str | None, note: str = ""):
    """Log a certificate's status change (``before`` is its status code before, or None when new)."""
    action = certificate_action(event_action)
    if action is None:
        return None
    data = {"serial": certificate.serial, "note": note}
    return audit(
        certificate,
        action,
        user=actor,
        before={"status": before},
        after={"status": certificate.status().code},
        data=data,
    )


def credit_review_audit(credit: CECredit, *, reviewer, before_state: str):
    return audit(
        credit,
        CREDIT_REVIEWED,
        user=reviewer,
        before={"state": before_state},
        after={"state": credit.state, "hours": format(credit.hours.normalize(), "f"), "category": credit.category.name},
        data={"note": credit.review_note},
    )


def program_requirements(program) -> dict:
    """What decides who earns and renews a program's certificate, read from the database."""
    from .models import ProgramCourse, ProgramHours, RenewalMinimum

    return {
        "active": program.active,
        "required_courses": sorted(
            ProgramCourse.objects.filter(program=program).values_list("course__title", flat=True)
        ),
        "hours": {
            name: str(hours.normalize())
            for name, hours in ProgramHours.objects.filter(program=program)
            .order_by("category__name")
            .values_list("category__name", "hours")
        },
        "validity_months": program.validity_months,
        "renewal_hours": str(program.renewal_hours.normalize()) if program.renewal_hours is not None else None,
        "renewal_minimums": {
            name: str(hours.normalize())
            for name, hours in RenewalMinimum.objects.filter(program=program)
            .order_by("category__name")
            .values_list("category__name", "hours")
        },
    }


def program_change_audit(program, *, before: dict) -> None:
    after = program_requirements(program)
    if after != before:
        changed = [key for key in after if after[key] != before.get(key)]
        audit(
            program,
            PROGRAM_CHANGE,
            before={key: before.get(key) for key in changed} | {"version": program.version - 1},
            after={key: after[key] for key in changed} | {"version": program.version},
        )


def register_audit_actions(actions) -> None:
    for model in (Certificate, CECredit):
        actions.register_model(model, AuditLogEntry)
    for event_action, (label, message) in CERTIFICATE_ACTIONS.items():
        register_change_action(actions, certificate_action(event_action), label, message)
    register_change_action(actions, CREDIT_REVIEWED, _("CE hours reviewed"), _("CE hours reviewed"))
    register_change_action(actions, PROGRAM_CHANGE, _("Program requirements changed"), _("Requirements changed"))
