from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.privacy.personal_data import PERSONAL_DATA_HOOK
from cms.site.navigation import NAVIGATION_HOOK, NavItem

from . import admin_views, audit, privacy
from .models import CertificateTemplate, Program
from .selectors import credits_to_review


@hooks.register(NAVIGATION_HOOK)
def my_certificates_nav_item(request):
    if not request.user.is_authenticated:
        return None
    return NavItem(_("My certificates"), reverse("my-certificates"), order=40)


class ProgramViewSet(SnippetViewSet):
    model = Program
    icon = "clipboard-list"
    menu_label = "Programs"
    list_display = ["name", "organisation", "validity_months", "active", "version"]
    list_filter = ["active"]
    search_fields = ["name", "organisation"]


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full"
    menu_label = "Certificate templates"
    list_display = ["name", "title", "page_size"]


class AllowedMenuItem(MenuItem):
    """A menu item shown only to those who may open its page."""

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def is_shown(self, request):
        return self.allowed(request.user)


class PendingCountMenuItem(AllowedMenuItem):
    """Says how many entries wait for this reviewer, e.g. "CE hours to review (3)"."""

    def render_component(self, request):
        pending = credits_to_review(reviewer=request.user).count()
        label = f"{self.label} ({pending})" if pending else self.label
        return LinkMenuItem(
            self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=self.attrs
        )


class CertificationViewSet(ViewSet):
    """Pages that are not a model's create/edit screens; each opens only for those its view allows."""

    menu_item_class = AllowedMenuItem

    def get_menu_item(self, order=None):
        return self.menu_item_class(
            self.menu_label,
            self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
            allowed=self.index_view_class.allowed,
        )

    def get_urlpatterns(self):
        return [path("", self.index_view_class.as_view(), name="index")]


class IssuedCertificateViewSet(CertificationViewSet):
    name = "issued_certificates"
    url_prefix = "certificates"
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Issued certificates")
    index_view_class = admin_views.IssuedCertificateIndexView

    def get_urlpatterns(self):
        detail = admin_views.CertificateDetailView
        return [
            *super().get_urlpatterns(),
            path("results/", self.index_view_class.as_view(results_only=True), name="index_results"),
            path("<int:pk>/", detail.as_view(http_method_names=["get"]), name="detail"),
            *(
                path(f"<int:pk>/{action}/", detail.as_view(action=action, http_method_names=["post"]), name=action)
                for action in detail.action_forms
            ),
        ]


class CertificateAuditLogViewSet(CertificationViewSet):
    name = "certificate_audit_log"
    url_prefix = "certificate-audit-log"
    icon = "history"
    menu_label = gettext_lazy("Audit log")
    index_view_class = admin_views.CertificateEventIndexView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("results/", self.index_view_class.as_view(results_only=True), name="index_results"),
        ]


class HoursReviewViewSet(CertificationViewSet):
    name = "ce_hours_review"
    url_prefix = "ce-hours-review"
    icon = "tasks"
    menu_label = gettext_lazy("CE hours to review")
    menu_item_class = PendingCountMenuItem
    index_view_class = admin_views.HoursReviewView

    def get_urlpatterns(self):
        view = self.index_view_class
        return [
            path("", view.as_view(http_method_names=["get"]), name="index"),
            path("<int:credit_id>/", view.as_view(http_method_names=["post"]), name="decide"),
        ]


class TeamCertificatesViewSet(CertificationViewSet):
    name = "team_certificates"
    url_prefix = "team-certificates"
    icon = "group"
    menu_label = gettext_lazy("Team certificates")
    index_view_class = admin_views.TeamCertificatesView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:team_id>/download/", admin_views.TeamCertificatesDownloadView.as_view(), name="download"),
        ]


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


@hooks.register("register_permissions")
def certification_permissions():
    """Let administrators grant these in Groups: revoke and reissue, team downloads, reviewing hours."""
    return Permission.objects.filter(
        content_type__app_label="certificates",
        codename__in=["change_certificate", "view_certificate", "view_cecredit"],
    )


# Supervisor tracking: the status report, person and team pages, and assignments register their
# admin URLs and menu items in these modules.
from . import assignment_hooks, report_hooks, tracking_hooks  # noqa: E402, F401


@hooks.register("register_log_actions")
def audit_log_actions(actions):
    audit.register_audit_actions(actions)


@hooks.register(PERSONAL_DATA_HOOK)
def personal_data():
    return privacy.section()
