"""A certificate's PDF: what is printed, read from its frozen facts, and the live preview of a template.

Storing the rendered file on the certificate is ``certificates.issuance.files``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import HttpResponse
from django.utils import timezone

from cms.links import absolute_url

from .rendering import CertificateData, LocalFiles, render_pdf


def local_files() -> LocalFiles:
    """The project's own files, and nothing else, for WeasyPrint to read.

    Uploaded images (logos, signatures) are read through the default storage when it is not the
    file system (object storage shared by every server), and from ``MEDIA_ROOT`` otherwise.
    """
    media = settings.MEDIA_ROOT if isinstance(default_storage, FileSystemStorage) else default_storage
    return LocalFiles({"media": media, "static": settings.STATIC_ROOT})


def certificate_data(certificate) -> CertificateData:
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


def sample_data(template) -> CertificateData:
    """Sample facts for a template's live preview."""
    today = timezone.localdate()
    snapshot = template.snapshot()
    return CertificateData(
        name="Renee Alvarez-Whitfield",
        program="Perinatal Peer Support Specialist Certificate",
        serial=f"PSS-{today.year}-000123",
        verification_url=absolute_url("/verify/sample-verification-code/"),
        issued_on=today,
        expires_on=today + timedelta(days=730),
        hours={"Ethics": Decimal(6), "Peer-specific": Decimal(10), "Perinatal and family": Decimal(4)},
        organisation="Example State Certification Board",
        signatory_name="Dr. Ana Torres",
        signatory_title="Director of Training",
        **{key: snapshot[key] for key in ("title", "body", "accent_colour", "page", "logo", "signature")},
    )


def sample_pdf_response(template) -> HttpResponse:
    content = render_pdf(sample_data(template), files=local_files())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
    return response
