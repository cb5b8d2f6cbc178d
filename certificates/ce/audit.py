"""Audit entries for the CE hours ledger: external hours approved or not.

Entries name a person, so they are visible to administrators only (``cms.models.AuditLogEntry``).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cms.audit.log import audit, register_change_action
from cms.models import AuditLogEntry
from courses.catalogue.hours import hours_text

from .models import CECredit

CREDIT_REVIEWED = "pss.cecredit.review"


def credit_review_audit(credit: CECredit, *, reviewer, before_state: str):
    return audit(
        credit,
        CREDIT_REVIEWED,
        user=reviewer,
        before={"state": before_state},
        after={"state": credit.state, "hours": hours_text(credit.hours), "category": credit.category.name},
        data={"note": credit.review_note},
    )


def register_audit_actions(actions) -> None:
    actions.register_model(CECredit, AuditLogEntry)
    register_change_action(actions, CREDIT_REVIEWED, _("CE hours reviewed"), _("CE hours reviewed"))
