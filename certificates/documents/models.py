"""How certificates look: the template a program's certificates are printed from."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.validators import RegexValidator
from django.db import models
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import PreviewableMixin
from wagtail.search import index

from .pdf import sample_pdf_response
from .placeholders import HELP_TEXT as PLACEHOLDER_HELP
from .placeholders import validate_body
from .rendering import PAGE_SIZES

# Reads naturally for any program name: {certificate} is "Peer Support Specialist Certificate" or
# "Ethics Refresher certificate" (rendering.certificate_phrase).
DEFAULT_BODY = (
    "This certifies that {name} has earned the {certificate} and completed {hours} hours of continuing education."
)


class CertificateTemplate(PreviewableMixin, index.Indexed, models.Model):
    """How a program's certificates look: title, wording, images, colour and page size."""

    name = models.CharField(_("name"), max_length=120, unique=True, help_text=_("For trainers; not printed."))
    title = models.CharField(_("title"), max_length=120, default="Certificate of Completion")
    body = models.TextField(
        _("body text"),
        max_length=1000,
        default=DEFAULT_BODY,
        validators=[validate_body],
        help_text=PLACEHOLDER_HELP,
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    signature = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signature image"),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#1f5f5b",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a hex colour such as #1f5f5b."))],
        help_text=_("Border and title colour, e.g. #1f5f5b. Choose a dark colour so the title stays readable."),
    )
    page_size = models.CharField(_("page size"), max_length=20, choices=PAGE_SIZES, default="letter-landscape")

    panels = [
        FieldPanel("name"),
        FieldPanel("title"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("logo"), FieldPanel("signature")]),
        FieldRowPanel([FieldPanel("accent_colour"), FieldPanel("page_size")]),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("certificate template")

    def __str__(self):
        return self.name

    def snapshot(self) -> dict:
        """What is copied onto a certificate when it is issued."""
        return {
            "title": self.title,
            "body": self.body,
            "accent_colour": self.accent_colour,
            "page": self.page_size,
            "logo": f"media:{self.logo.file.name}" if self.logo_id else "",
            "signature": f"media:{self.signature.file.name}" if self.signature_id else "",
        }

    # Live preview: the PDF itself, with sample data. The first mode frames it fitted to the panel's width,
    # without the viewer's toolbar and page list, so the whole page shows as large as the panel allows;
    # the second is the bare file (the viewer's own zoom, download and print).
    preview_modes = [("", _("Certificate, fitted")), ("pdf", _("PDF file"))]

    def serve_preview(self, request, mode_name):
        if mode_name == "pdf":
            return sample_pdf_response(self)
        return render(request, "certificates/admin/template_preview.html", {"pdf_url": self._preview_url("pdf")})

    def _preview_url(self, mode: str) -> str:
        views = "wagtailsnippets_certificates_certificatetemplate"
        url = reverse(f"{views}:preview_on_edit", args=[self.pk]) if self.pk else reverse(f"{views}:preview_on_add")
        return f"{url}?{urlencode({'mode': mode})}"
