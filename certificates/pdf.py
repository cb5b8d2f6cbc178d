"""A certificate's PDF: built from its frozen facts, stored privately, rendered on demand if not yet stored."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from .models import Certificate, CertificateTemplate
from .rendering import CertificateData, LocalFiles, render_pdf


def local_files() -> LocalFiles:
    """The project's own files, and nothing else, for WeasyPrint to read.

    Uploaded images (logos, signatures) are read through the default storage when it is not the
    file system (object storage shared by every server), and from ``MEDIA_ROOT`` otherwise.
    """
    media = settings.MEDIA_ROOT if isinstance(default_storage, FileSystemStorage) else default_storage
    return LocalFiles({"media": media, "static": settings.STATIC_ROOT})


def certificate_data(certificate: Certificate) -> CertificateData:
    """What is printed on ``certificate``: only what was frozen on it when it was issued."""
    template = certificate.template
    return CertificateData(
        name=certificate.printed_name,
        program=certificate.program_name,
        serial=certificate.serial,
        verification_url=certificate.verification_url(),
        issued_on=certificate.issued_on,
        expires_on=certificate.expires_on,
        hours=certificate.hours_by_category,
        organisation=certificate.organisation,
        signatory_name=certificate.signatory_name,
        signatory_title=certificate.signatory_title,
        **{
            key: template[key]
            for key in ("title", "body", "accent_colour", "page", "logo", "signature")
            if key in template
        },
    )


def certificate_pdf_render(certificate: Certificate, *, force: bool = False) -> bytes:
    """Render and store the PDF unless it is stored already; returns its bytes."""
    if certificate.pdf and not force:
        with certificate.pdf.open("rb") as stored:
            return stored.read()
    content = render_pdf(certificate_data(certificate), files=local_files())
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.pdf and not force:  # rendered meanwhile by the background task
            certificate.pdf, certificate.pdf_rendered_at = locked.pdf, locked.pdf_rendered_at
            return content
        old_name = locked.pdf.name if locked.pdf else ""
        locked.pdf.save(certificate.file_name, ContentFile(content), save=False)
        locked.pdf_rendered_at = timezone.now()
        locked.save(update_fields=["pdf", "pdf_rendered_at"])
    if old_name and old_name != locked.pdf.name:
        locked.pdf.storage.delete(old_name)
    certificate.pdf, certificate.pdf_rendered_at = locked.pdf, locked.pdf_rendered_at
    return content


def sample_data(template: CertificateTemplate) -> CertificateData:
    """Sample facts for a template's live preview."""
    today = timezone.localdate()
    snapshot = template.snapshot()
    return CertificateData(
        name="Renee Alvarez-Whitfield",
        program="Perinatal Peer Support Specialist Certificate",
        serial=f"PSS-{today.year}-000123",
        verification_url=settings.WAGTAILADMIN_BASE_URL.rstrip("/") + "/verify/sample-verification-code/",
        issued_on=today,
        expires_on=today + timedelta(days=730),
        hours={"Ethics": Decimal(6), "Peer-specific": Decimal(10), "Perinatal and family": Decimal(4)},
        organisation="Example State Certification Board",
        signatory_name="Dr. Ana Torres",
        signatory_title="Director of Training",
        **{key: snapshot[key] for key in ("title", "body", "accent_colour", "page", "logo", "signature")},
    )


def sample_pdf_response(template: CertificateTemplate) -> HttpResponse:
    content = render_pdf(sample_data(template), files=local_files())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
    return response
