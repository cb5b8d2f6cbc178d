"""Background work for certificates: rendering PDFs and emailing learners (django-tasks).

Tasks take ids, not objects, so they can wait in the database queue. Each one is safe to
run twice: a stored PDF is not rendered again, and emails say what is true when they run.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .models import Certificate, CertificateEvent
from .pdf import certificate_pdf_render

logger = logging.getLogger(__name__)


def _site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(certificate: Certificate, template: str, subject: str, **context) -> None:
    context = {
        "certificate": certificate,
        "person": certificate.user,
        "verify_url": certificate.verification_url(),
        "my_certificates_url": _site_url(reverse("my-certificates")),
        "site_name": settings.WAGTAIL_SITE_NAME,
        **context,
    }
    body = render_to_string(f"certificates/email/{template}.txt", context)
    send_mail(subject, body, None, [certificate.user.email])


@task()
def certificate_render_pdf(certificate_id: int) -> None:
    certificate = Certificate.objects.filter(pk=certificate_id).first()
    if certificate is None:
        return
    certificate_pdf_render(certificate)


@task()
def certificate_email_issued(certificate_id: int) -> None:
    certificate = Certificate.objects.select_related("user").filter(pk=certificate_id).first()
    if certificate is None or certificate.user is None:
        return
    _send(certificate, "issued", f"Your certificate: {certificate.program_name}")
    CertificateEvent.objects.create(
        certificate=certificate,
        action=CertificateEvent.Action.EMAILED,
        actor_name="System",
        note=certificate.user.email,
    )


@task()
def certificate_email_reminder(certificate_id: int, days_left: int) -> None:
    certificate = Certificate.objects.select_related("user", "program").filter(pk=certificate_id).first()
    if certificate is None or certificate.user is None:
        return
    _send(
        certificate,
        "expiry_reminder",
        f"Your {certificate.program_name} certificate expires in {days_left} days",
        days_left=days_left,
        ledger_url=_site_url(reverse("ce-ledger")),
    )
