"""Admin for certificate templates: the snippet listing, grouped under Certification by ``wagtail_hooks``."""

from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CertificateTemplate


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = "Certificate templates"
    list_display = ["name", "title", "page_size"]
