"""Background work for certificates: rendering PDFs and emailing holders (django-tasks).

Tasks take ids, not objects, so they can wait in the database queue. Each one is safe to
run twice: a stored PDF is not rendered again, and emails say what is true when they run.
A task that fails is retried with back-off and shown to administrators (``cms.task_retry``).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from cms.links import absolute_url
from cms.ops.tasks.retry import with_retries

from ..documents.rendering import certificate_phrase
from .files import certificate_pdf_render
from .models import Certificate, CertificateEvent

logger = logging.getLogger(__name__)


def _send(certificate: Certificate, template: str, subject: str, **context) -> None:
    context = {
        "certificate": certificate,
        "person": certificate.user,
        "verify_url": certificate.verification_url(),
        "my_certificates_url": absolute_url(reverse("my-certificates")),
        "site_name": settings.WAGTAIL_SITE_NAME,
        **context,
    }
    body = render_to_string(f"certificates/email/{template}.txt", context)
    send_mail(subject, body, None, [certificate.user.email])


def _about_certificate(certificate_id: int, what: str, *, emailed: bool = False) -> str:
    """What a certificate task was for, for the admin's Background tasks report."""
    certificate = Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    if certificate is None:
        return f"Certificate #{certificate_id} (deleted): {what}"
    recipient = f", to {certificate.user.email}" if emailed and certificate.user else ""
    return f"Certificate {certificate.serial}: {what}{recipient}"


@task()
@with_retries(describe=lambda certificate_id: _about_certificate(certificate_id, "PDF"))
def certificate_render_pdf(certificate_id: int) -> None:
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None or (certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name)):
        return
    certificate_pdf_render(certificate, force=bool(certificate.pdf))  # force: the stored file was lost


@task()
@with_retries(describe=lambda certificate_id: _about_certificate(certificate_id, "email", emailed=True))
def certificate_email_issued(certificate_id: int) -> None:
    certificate = Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    if certificate is None or certificate.user is None:
        return
    if not certificate.status().is_valid:
        # Revoked, replaced or already expired by the time the email goes: congratulations would be untrue.
        return
    _send(certificate, "issued", f"Your certificate: {certificate.program_name}")
    CertificateEvent.objects.create(
        certificate=certificate,
        action=CertificateEvent.Action.EMAILED,
        actor_name="System",
        note=certificate.user.email,
    )


@task()
@with_retries(
    describe=lambda certificate_id, days_left: _about_certificate(
        certificate_id, f"expiry reminder ({days_left} days)", emailed=True
    )
)
def certificate_email_reminder(certificate_id: int, days_left: int) -> None:
    certificate = Certificate.objects.select_related("user", "program").filter(pk=certificate_id).first()
    if certificate is None or certificate.user is None:
        return
    _send(
        certificate,
        "expiry_reminder",
        f"Your {certificate_phrase(certificate.program_name)} expires in {days_left} day{'s' if days_left != 1 else ''}",
        days_left=days_left,
        ledger_url=absolute_url(reverse("ce-ledger")),
    )
