"""Team certificates: the teams a supervisor looks after, each with its current certificates as one zip of PDFs."""

from __future__ import annotations

import re
import tempfile
import zipfile

from django.contrib import messages
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views import View

from cms.admin_pages import AdminPageView, AllowedUsersMixin
from cms.models import Team
from cms.people.access import team_for_viewer, visible_teams

from ..issuance.files import certificate_pdf_render
from ..issuance.models import Certificate
from .selectors import team_certificates

TEAMS_INDEX = "team_certificates:index"

# A team's zip is built in memory up to this size, then in a temporary file on disk.
ZIP_IN_MEMORY_BYTES = 20 * 1024 * 1024
# Characters that are unsafe in file names on Windows, macOS or Linux.
UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def may_download_team_certificates(user) -> bool:
    """Supervisors and administrators. Which teams each of them sees is up to ``cms.access.visible_teams``."""
    return user.has_perm("certificates.view_certificate")


class TeamCertificatesView(AdminPageView):
    """The teams this person supervises (all, for admins), each with its current certificates as one download."""

    allowed = staticmethod(may_download_team_certificates)
    template_name = "certificates/admin/team_certificates.html"
    page_title = _("Team certificates")
    header_icon = "group"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        teams = list(visible_teams(self.request.user).order_by("name"))
        counts = {
            row["pk"]: row
            for row in Team.objects.filter(pk__in=[team.pk for team in teams])
            .annotate(
                people=Count("members", distinct=True),
                current=Count(
                    "members__certificates",
                    filter=Q(members__certificates__is_current=True, members__certificates__revoked_at=None),
                    distinct=True,
                ),
            )
            .values("pk", "people", "current")
        }
        context["teams"] = [
            {
                "team": team,
                "people": counts[team.pk]["people"],
                "current": counts[team.pk]["current"],
                "download_url": reverse("team_certificates:download", args=[team.pk]),
            }
            for team in teams
        ]
        return context


def certificate_file_name(certificate: Certificate) -> str:
    """``<Full name> - <serial>.pdf``, with characters that file systems refuse replaced by spaces."""
    name = " ".join(UNSAFE_IN_FILE_NAMES.sub(" ", certificate.name).split()).strip(" .")
    return f"{name[:100] or 'Certificate'} - {certificate.serial}.pdf"


class TeamCertificatesDownloadView(AllowedUsersMixin, View):
    """A zip of the PDFs of a team's current certificates; PDFs not yet rendered are rendered and stored first."""

    allowed = staticmethod(may_download_team_certificates)
    http_method_names = ["get"]

    def get(self, request, team_id: int):
        team = team_for_viewer(request.user, team_id)
        certificates = team_certificates(team=team)
        if not certificates:
            messages.info(request, _("No one in %(team)s holds a current certificate yet.") % {"team": team.name})
            return redirect(TEAMS_INDEX)
        # Not a context manager: the response streams the file and closes it when done.
        archive_file = tempfile.SpooledTemporaryFile(max_size=ZIP_IN_MEMORY_BYTES)
        with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_STORED) as archive:
            for certificate in certificates:
                archive.writestr(certificate_file_name(certificate), certificate_pdf_render(certificate))
        archive_file.seek(0)
        file_name = f"{slugify(team.name) or 'team'}-certificates-{timezone.localdate():%Y-%m-%d}.zip"
        response = FileResponse(archive_file, as_attachment=True, filename=file_name, content_type="application/zip")
        response["Cache-Control"] = "private, no-store"
        return response
