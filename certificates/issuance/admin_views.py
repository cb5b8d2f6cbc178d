"""Admin views for issued certificates: the listing, one certificate and its actions, and the audit log.

Certificates come only from issuance, so there is no view to add, edit or delete one, nor any
event. Every change goes through a service in ``services.py``, as it does from the site and the
commands. Which pages a person may open is decided by one predicate per page, shared with the
menu; which people's records they see is decided by the selectors.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView

from cms.admin_pages import AdminPageView, AllowedUsersMixin

from .models import Certificate, CertificateEvent, Program
from .services import CertificateRefused, certificate_reissue, certificate_revoke, certificate_unrevoke

ISSUED_INDEX = "issued_certificates:index"
ISSUED_DETAIL = "issued_certificates:detail"


# Who may open which page -----------------------------------------------------------------


def may_manage_certificates(user) -> bool:
    """Administrators: superusers, or anyone given permission to change certificates."""
    return user.has_perm("certificates.change_certificate")


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


class CertificateDetailView(AdminPageView):
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

    def parent_breadcrumbs(self):
        return [{"url": reverse(ISSUED_INDEX), "label": _("Issued certificates")}]

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
