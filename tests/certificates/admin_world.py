"""What the certification admin tests share: two teams, each with a supervisor and a certified member with
hours awaiting review, an administrator and a trainer; and the pages' addresses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.urls import reverse

from certificates.ce.models import CECredit
from certificates.ce.services import credit_submit
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    TrainerFactory,
    build_program,
    ce_category,
)

ISSUED = "/admin/certificates/"
AUDIT_LOG = "/admin/certificate-audit-log/"
REVIEW = "/admin/ce-hours-review/"
TEAMS = "/admin/team-certificates/"
FAKE_PDF = b"%PDF-1.7\n% stored for the test\n"


def issue(user, program, **changes) -> Certificate:
    certificate, _ = certificate_issue(user=user, program=program)
    if changes:
        Certificate.objects.filter(pk=certificate.pk).update(**changes)
        certificate.refresh_from_db()
    return certificate


def store_pdf(certificate: Certificate) -> None:
    certificate.pdf.save(certificate.file_name, ContentFile(FAKE_PDF), save=False)
    certificate.save(update_fields=["pdf"])


def submit_hours(user, title="Motivational interviewing refresher", hours="3") -> CECredit:
    return credit_submit(
        user=user,
        title=title,
        provider="State peer network",
        earned_on=date(2026, 1, 15),
        category=ce_category("Ethics"),
        hours=Decimal(hours),
    )


def make_world():
    """Two teams, each with a supervisor and a member who holds a certificate; an admin, a trainer."""
    program = build_program([], name="Perinatal Peer Support Specialist Certificate")
    member = LearnerFactory(full_name="Rosa Delgado")
    other_member = LearnerFactory(full_name="Sam Okafor")
    supervisor, other_supervisor = SupervisorFactory(), SupervisorFactory()
    team, other_team = TeamFactory(name="Northside Clinic"), TeamFactory(name="Riverside Program")
    team.supervisors.add(supervisor)
    team.members.add(member)
    other_team.supervisors.add(other_supervisor)
    other_team.members.add(other_member)
    return SimpleNamespace(
        program=program,
        member=member,
        other_member=other_member,
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        team=team,
        other_team=other_team,
        admin=AdminFactory(full_name="Avery Admin"),
        trainer=TrainerFactory(),
        learner=member,
        certificate=issue(member, program),
        other_certificate=issue(other_member, program),
        credit=submit_hours(member),
        other_credit=submit_hours(other_member, title="Harm reduction basics"),
    )


def login(client, user):
    client.force_login(user)
    return client


def detail_url(certificate: Certificate) -> str:
    return reverse("issued_certificates:detail", args=[certificate.pk])


def action_url(certificate: Certificate, action: str) -> str:
    return reverse(f"issued_certificates:{action}", args=[certificate.pk])
