"""Admin views for certification: issued certificates and their actions, the audit log, CE hours to
review, and supervisors' team downloads.

Certificates come only from issuance, so there is no view to add, edit or delete one, nor any
event. Every change goes through a service in ``services.py``, as it does from the site and the
commands. Which pages a person may open is decided by one predicate per page, shared with the
menu; which people's records they see is decided by the selectors.
"""

from __future__ import annotations

import re
import tempfile
import zipfile

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView, WagtailAdminTemplateMixin

from cms.models import Team
from cms.people.access import team_for_viewer, visible_teams

from .models import CECredit, Certificate, CertificateEvent, Program
from .pdf import certificate_pdf_render
from .selectors import credits_to_review, team_certificates
from .services import (
    CertificateRefused,
    certificate_reissue,
    certificate_revoke,
    certificate_unrevoke,
    credit_review,
)

ISSUED_INDEX = "issued_certificates:index"
ISSUED_DETAIL = "issued_certificates:detail"
REVIEW_INDEX = "ce_hours_review:index"
TEAMS_INDEX = "team_certificates:index"

# A team's zip is built in memory up to this size, then in a temporary file on disk.
ZIP_IN_MEMORY_BYTES = 20 * 1024 * 1024
# Characters that are unsafe in file names on Windows, macOS or Linux.
UNSAFE_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


# Who may open which page -----------------------------------------------------------------


def may_manage_certificates(user) -> bool:
    """Administrators: superusers, or anyone given permission to change certificates."""
    return user.has_perm("certificates.change_certificate")


def may_review_hours(user) -> bool:
    """Supervisors and administrators. Whose hours each of them sees is up to ``credits_to_review``."""
    return user.has_perm("certificates.view_cecredit")


def may_download_team_certificates(user) -> bool:
    """Supervisors and administrators. Which teams each of them sees is up to ``cms.people.access.visible_teams``."""
    return user.has_perm("certificates.view_certificate")


class AllowedUsersMixin:
    """Turn away people a page is not for, before anything is looked up."""

    allowed = staticmethod(lambda user: False)

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# Issued certificates ---------------------------------------------------------------------

STATUS_CHOICES = [
    ("valid", _("Valid")),
    ("expiring", _("Valid, expiring soon")),
    ("expired", _("Expired")),
    ("revoked", _("Revoked")),
    ("superseded", _("Replaced by a newer certificate")),
]


class CertificateFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=STATUS_CHOICES,
        method="filter_status",
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    program = django_filters.ModelChoiceFilter(label=_("Program"), queryset=Program.objects.all())

    class Meta:
        model = Certificate
        fields = []

    def filter_status(self, queryset, name, value):
        return queryset.in_status(value)


def _expiry(certificate: Certificate):
    return certificate.expires_on or _("Does not expire")


class IssuedCertificateIndexView(AllowedUsersMixin, IndexView):
    """Every certificate issued, newest first, searchable by name or number."""

    allowed = staticmethod(may_manage_certificates)
    any_permission_required = None
    model = Certificate
    page_title = _("Issued certificates")
    header_icon = "doc-full-inverse"
    index_url_name = ISSUED_INDEX
    index_results_url_name = "issued_certificates:index_results"
    search_fields = ["name", "serial"]
    search_backend_name = None
    filterset_class = CertificateFilterSet
    default_ordering = "-issued_at"
    paginate_by = 20
    columns = [
        TitleColumn("serial", label=_("Certificate number"), url_name=ISSUED_DETAIL, sort_key="serial"),
        Column("name", label=_("Name as printed"), sort_key="name"),
        Column("program_name", label=_("Program")),
        StatusTagColumn(
            "status",
            label=_("Status"),
            accessor=lambda certificate: certificate.current_status.label,
            primary=lambda certificate: certificate.current_status.is_valid,
        ),
        Column("issued_on", label=_("Issued"), sort_key="issued_at"),
        Column("expires_on", label=_("Expires"), accessor=_expiry, sort_key="expires_on"),
    ]

    def order_queryset(self, queryset):
        # Reissued certificates keep their predecessor's issue time: the number breaks ties.
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "-pk")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit log with your name."),
    )


class RevokeForm(ReasonForm):
    reason_public = forms.BooleanField(
        label=_("Show the reason on the public verification page"),
        required=False,
        help_text=_("Otherwise the page says only that the certificate is revoked, and since when."),
    )


class CertificateDetailView(AllowedUsersMixin, WagtailAdminTemplateMixin, TemplateView):
    """One certificate: what it says, its status, its files, its audit log, and what can be done to it.

    The action URLs (``action`` set to revoke, unrevoke or reissue) take POSTs only; a form
    with errors is shown again on this page.
    """

    allowed = staticmethod(may_manage_certificates)
    template_name = "certificates/admin/certificate_detail.html"
    header_icon = "doc-full-inverse"
    action = None
    action_forms = {"revoke": RevokeForm, "unrevoke": ReasonForm, "reissue": ReasonForm}

    @cached_property
    def certificate(self) -> Certificate:
        queryset = Certificate.objects.select_related("user", "program", "superseded_by", "supersedes")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.certificate.serial

    def get_page_subtitle(self):
        return self.certificate.name

    def get_breadcrumbs_items(self):
        listing = {"url": reverse(ISSUED_INDEX), "label": _("Issued certificates")}
        return [*self.breadcrumbs_items, listing, {"url": "", "label": self.get_page_title()}]

    def available_actions(self) -> dict[str, bool]:
        certificate = self.certificate
        revoked = certificate.revoked_at is not None
        return {
            "revoke": not revoked,
            "unrevoke": revoked,
            "reissue": certificate.is_current and not revoked and certificate.user_id is not None,
        }

    def get_context_data(self, bound_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = self.certificate
        forms_by_action = {
            action: form_class(prefix=action)
            for action, form_class in self.action_forms.items()
            if self.available_actions()[action]
        }
        if bound_form is not None:
            forms_by_action[bound_form.prefix] = bound_form
        context.update(
            certificate=certificate,
            status=certificate.current_status,
            events=certificate.events.order_by("-at", "-pk"),
            forms=forms_by_action,
            pdf_url=reverse("certificate-pdf", args=[certificate.serial]),
            verification_path=certificate.get_verification_path(),
            verification_url=certificate.verification_url(),
            earlier=getattr(certificate, "supersedes", None),
        )
        if self.request.user.has_perm("certificates.change_program"):
            context["program_url"] = reverse("wagtailsnippets_certificates_program:edit", args=[certificate.program_id])
        return context

    def post(self, request, *args, **kwargs):
        if self.action not in self.action_forms:
            raise Http404
        form = self.action_forms[self.action](request.POST, prefix=self.action)
        if form.is_valid():
            try:
                certificate, message = self.perform(form.cleaned_data)
            except CertificateRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, message)
                return redirect(ISSUED_DETAIL, certificate.pk)
        return self.render_to_response(self.get_context_data(bound_form=form))

    def perform(self, data) -> tuple[Certificate, str]:
        certificate, actor = self.certificate, self.request.user
        if self.action == "revoke":
            certificate_revoke(
                certificate=certificate, actor=actor, reason=data["reason"], reason_public=data["reason_public"]
            )
            return certificate, _("%(serial)s is revoked. Its verification page now says so.") % {
                "serial": certificate.serial
            }
        if self.action == "unrevoke":
            certificate_unrevoke(certificate=certificate, actor=actor, reason=data["reason"])
            return certificate, _("The revocation of %(serial)s is withdrawn.") % {"serial": certificate.serial}
        new = certificate_reissue(certificate=certificate, actor=actor, reason=data["reason"])
        return new, _("%(new)s is issued to %(name)s and replaces %(old)s.") % {
            "new": new.serial,
            "name": new.name,
            "old": certificate.serial,
        }


# Audit log -------------------------------------------------------------------------------


class CertificateEventFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(
        label=_("What happened"),
        choices=CertificateEvent.Action.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = CertificateEvent
        fields = []


class CertificateEventIndexView(AllowedUsersMixin, IndexView):
    """Everything that happened to every certificate, newest first. Read only: events are never changed."""

    allowed = staticmethod(may_manage_certificates)
    any_permission_required = None
    model = CertificateEvent
    page_title = _("Certificate audit log")
    header_icon = "history"
    index_url_name = "certificate_audit_log:index"
    index_results_url_name = "certificate_audit_log:index_results"
    search_fields = ["certificate__serial"]
    search_backend_name = None
    filterset_class = CertificateEventFilterSet
    default_ordering = "-at"
    paginate_by = 50
    columns = [
        Column("at", label=_("When"), sort_key="at"),
        TitleColumn(
            "certificate",
            label=_("Certificate"),
            accessor="certificate.serial",
            get_url=lambda event: reverse(ISSUED_DETAIL, args=[event.certificate_id]),
        ),
        Column("action", label=_("What"), accessor="get_action_display"),
        Column("actor_name", label=_("Who")),
        Column("note", label=_("Note")),
    ]

    def get_base_queryset(self):
        return CertificateEvent.objects.select_related("certificate")

    def order_queryset(self, queryset):
        queryset = super().order_queryset(queryset)
        return queryset.order_by(*queryset.query.order_by, "-pk")


# CE hours to review ----------------------------------------------------------------------


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Not approved"))])
    note = forms.CharField(
        label=_("Note to the learner"),
        max_length=CECredit._meta.get_field("review_note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required if not approved: say what is missing."),
    )


class HoursReviewView(AllowedUsersMixin, WagtailAdminTemplateMixin, TemplateView):
    """External CE hours awaiting a decision, from the people this reviewer supervises (everyone's for admins).

    The listing takes GETs; each entry's decision is POSTed to its own URL (``credit_id``).
    """

    allowed = staticmethod(may_review_hours)
    template_name = "certificates/admin/hours_review.html"
    page_title = _("CE hours to review")
    header_icon = "tasks"
    paginate_by = 50

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, failed=None, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = WagtailPaginator(credits_to_review(reviewer=self.request.user), self.paginate_by)
        page = paginator.get_page(self.request.GET.get("p"))
        rows = [
            {
                "credit": credit,
                "form": failed if failed is not None and failed.credit_id == credit.pk else self.decision_form(credit),
                "action_url": reverse("ce_hours_review:decide", args=[credit.pk]),
                "evidence_url": reverse("ce-evidence", args=[credit.pk]) if credit.evidence else "",
            }
            for credit in page.object_list
        ]
        context.update(
            rows=rows,
            page_obj=page,
            paginator=paginator,
            elided_page_range=paginator.get_elided_page_range(page.number),
        )
        return context

    @staticmethod
    def decision_form(credit: CECredit, data=None) -> DecisionForm:
        form = DecisionForm(data, auto_id=f"id_credit{credit.pk}_%s")
        form.credit_id = credit.pk
        return form

    def post(self, request, credit_id: int):
        # Only entries this person may decide exist for them: anyone else's is "not found".
        credit = credits_to_review(reviewer=request.user).filter(pk=credit_id).first()
        if credit is None:
            raise Http404("No such hours awaiting your review.")
        form = self.decision_form(credit, request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == "approve"
            try:
                credit_review(credit=credit, reviewer=request.user, approve=approve, note=form.cleaned_data["note"])
            except CertificateRefused as error:
                form.add_error("note" if not approve else None, str(error))
            else:
                facts = {"hours": f"{credit.hours.normalize():f}", "title": credit.title, "name": credit.user.full_name}
                if approve:
                    messages.success(request, _("Approved %(hours)s hours of “%(title)s” for %(name)s.") % facts)
                else:
                    messages.success(request, _("“%(title)s” is marked not approved; %(name)s sees your note.") % facts)
                return redirect(REVIEW_INDEX)
        return self.render_to_response(self.get_context_data(failed=form))


# Team certificates -----------------------------------------------------------------------


class TeamCertificatesView(AllowedUsersMixin, WagtailAdminTemplateMixin, TemplateView):
    """The teams this person supervises (all, for admins), each with its current certificates as one download."""

    allowed = staticmethod(may_download_team_certificates)
    template_name = "certificates/admin/team_certificates.html"
    page_title = _("Team certificates")
    header_icon = "group"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

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
