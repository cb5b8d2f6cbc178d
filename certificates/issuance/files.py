"""A certificate's stored PDF: rendered once, kept in private storage, rendered again if the file is lost."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ..documents import pdf
from .models import Certificate


def certificate_pdf_render(certificate: Certificate, *, force: bool = False) -> bytes:
    """Render and store the PDF unless it is stored already; returns its bytes."""
    if certificate.pdf and not force:
        with certificate.pdf.open("rb") as stored:
            return stored.read()
    content = pdf.render_pdf(pdf.certificate_data(certificate), files=pdf.local_files())
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
