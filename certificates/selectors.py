"""Reads for certificates and the CE ledger.

Who may see a person's certificates, files and hours is decided by ``cms.people.access`` alone (the
person, a verified administrator, a verified supervisor of one of their teams). Everyone else gets
"not found", never "forbidden", so the existence of a certificate is not revealed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse

from cms.models import Team
from cms.ops.tasks.retry import unresolved_failures
from cms.people.access import may_see_person, person_records
from courses.models import CECategory

from .credentials import CredentialData
from .models import CECredit, Certificate, Program, ProgramCourse
from .requirements import Requirements, program_requirements
from .services import RenewalProgress, renewal_progress


def certificate_for_viewer(*, viewer, serial: str) -> Certificate:
    """A certificate its holder, their supervisor or an admin may open; 404 for anyone else."""
    certificate = Certificate.objects.select_related("program", "user").filter(serial=serial).first()
    if certificate is None or not may_see_person(viewer, certificate.user_id):
        raise Http404("No such certificate.")
    return certificate


def certificate_by_code(code: str) -> Certificate | None:
    """The certificate with this verification code, or None. Public: the code is the secret."""
    if not code or len(code) > 64:
        return None
    return Certificate.objects.select_related("superseded_by").filter(code=code).first()


def learner_certificates(*, user) -> list[Certificate]:
    """A person's certificates, current ones first, newest first."""
    return list(
        Certificate.objects.filter(user=user)
        .select_related("program", "superseded_by")
        .order_by("-is_current", "-issued_at")
    )


def pdfs_being_retried(certificates: list[Certificate]) -> set[int]:
    """The ids of these certificates whose PDF failed to render and is being retried (one query, none if empty)."""
    from .tasks import certificate_render_pdf

    failures = unresolved_failures(certificate_render_pdf, calls=[(c.pk,) for c in certificates])
    return {certificate_id for (certificate_id,) in failures}


def team_certificates(*, team: Team) -> list[Certificate]:
    """The current, unrevoked certificates of a team's members, for supervisors' bulk download."""
    return list(
        Certificate.objects.current()
        .filter(user__teams=team, revoked_at=None)
        .select_related("user", "program")
        .order_by("user__full_name", "program_name")
    )


@dataclass
class ProgramStanding:
    """One program as a learner sees it: requirements, and for a current certificate, renewal progress."""

    requirements: Requirements
    certificate: Certificate | None
    renewal: RenewalProgress | None


@dataclass
class Ledger:
    credits: list[CECredit]
    totals: list[tuple[CECategory, Decimal]]  # approved hours by category
    total: Decimal
    programs: list[ProgramStanding]


def learner_ledger(*, user) -> Ledger:
    """A person's CE hours: every entry, approved totals by category, and where each program stands."""
    credits = list(
        CECredit.objects.filter(user=user).select_related("category", "course", "reviewed_by").order_by("-earned_on")
    )
    totals: dict[CECategory, Decimal] = {}
    for credit in credits:
        if credit.state == CECredit.State.APPROVED:
            totals[credit.category] = totals.get(credit.category, Decimal(0)) + credit.hours
    programs = list(
        Program.objects.filter(active=True).prefetch_related(
            Prefetch("required_courses", queryset=ProgramCourse.objects.select_related("course")),
            "renewal_minimums__category",
        )
    )
    current = {c.program_id: c for c in Certificate.objects.current().filter(user=user, revoked_at=None)}
    standings = []
    for requirements in program_requirements(user=user, programs=programs):
        certificate = current.get(requirements.program.pk)
        renewal = None
        if certificate:
            certificate.program = requirements.program
            renewal = renewal_progress(certificate=certificate, credits=credits)
        standings.append(ProgramStanding(requirements=requirements, certificate=certificate, renewal=renewal))
    return Ledger(
        credits=credits,
        totals=sorted(totals.items(), key=lambda item: item[0].name),
        total=sum(totals.values(), Decimal(0)),
        programs=standings,
    )


def credit_for_viewer(*, viewer, credit_id: int) -> CECredit:
    credit = CECredit.objects.select_related("user", "category").filter(pk=credit_id).first()
    if credit is None or not may_see_person(viewer, credit.user_id):
        raise Http404("No such entry.")
    return credit


def credits_to_review(*, reviewer):
    """External hours awaiting review that this person may decide: their team members', or everyone's for admins."""
    pending = CECredit.objects.filter(source=CECredit.Source.EXTERNAL, state=CECredit.State.PENDING)
    return (
        person_records(reviewer, pending)
        .exclude(user=reviewer)
        .select_related("user", "category")
        .order_by("created_at")
    )


def site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def linkedin_add_url(certificate: Certificate) -> str:
    """LinkedIn's "Add to profile" link with the certification's facts filled in."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.program_name,
        "organizationName": certificate.organisation,
        "issueYear": certificate.issued_on.year,
        "issueMonth": certificate.issued_on.month,
        "certUrl": certificate.verification_url(),
        "certId": certificate.serial,
    }
    if certificate.expires_on:
        params |= {"expirationYear": certificate.expires_on.year, "expirationMonth": certificate.expires_on.month}
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def recipient_hash(email: str, salt: str) -> str:
    """How the credential names its holder without revealing their email: Open Badges' salted sha256."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def credential_data(certificate: Certificate) -> CredentialData:
    """The Open Badges credential's facts, all taken from what the certificate froze when issued."""
    email = certificate.user.email if certificate.user else ""
    return CredentialData(
        certificate_url=certificate.verification_url(),
        status_url=site_url(reverse("api-verify", args=[certificate.code])),
        serial=certificate.serial,
        name=certificate.printed_name,
        recipient=recipient_hash(email, certificate.serial),
        recipient_salt=certificate.serial,
        program_name=certificate.program_name,
        program_description=certificate.program_description,
        achievement_id=site_url(reverse("program-achievement", args=[certificate.program_id])),
        criteria=(
            "Completed every lesson and passed every module quiz of the program's required courses"
            f" ({certificate.program_name}, version {certificate.program_version})."
        ),
        hours={row["category"]: float(row["hours"]) for row in certificate.hours},
        issuer_id=site_url("/"),
        issuer_name=certificate.organisation,
        issued_at=certificate.issued_at,
        expires_on=certificate.expires_on,
    )
