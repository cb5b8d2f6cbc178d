"""The certificates app's admin, found here by Wagtail: each package registers its own in its ``hooks`` module.

This module groups the certification screens under one menu and adds the app's part of a person's data.
"""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from cms.privacy.personal_data import PERSONAL_DATA_HOOK

from . import privacy
from .ce.hooks import HoursReviewViewSet
from .documents.hooks import CertificateTemplateViewSet
from .issuance.hooks import CertificateAuditLogViewSet, IssuedCertificateViewSet, ProgramViewSet
from .tracking.hooks import TeamCertificatesViewSet


class CertificationGroup(SnippetViewSetGroup):
    """Registered as a snippet group so the two snippet models are registered when the snippets app is ready."""

    menu_label = "Certification"
    menu_icon = "success"
    menu_order = 310
    items = (
        ProgramViewSet,
        CertificateTemplateViewSet,
        IssuedCertificateViewSet,
        CertificateAuditLogViewSet,
        HoursReviewViewSet,
        TeamCertificatesViewSet,
    )


register_snippet(CertificationGroup)


@hooks.register(PERSONAL_DATA_HOOK)
def personal_data():
    return privacy.section()
