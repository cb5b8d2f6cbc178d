"""Admin for issuance: programs (each saved edit a new version), issued certificates, the audit log, and "My certificates"."""

from django.contrib import messages
from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.admin_pages import AllowedUsersMenuItem
from cms.site.navigation import NAVIGATION_HOOK, NavItem
from courses.catalogue.hours import course_instruction_minutes, hours_warning

from . import admin_views, audit
from .models import Program
from .selectors import program_rules
from .services import program_version_bump

# Set on a program while its edit form is open: its rules before the edit, for the change log.
RULES_BEFORE_EDIT = "_rules_before_edit"


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


@hooks.register("before_edit_snippet")
def program_rules_before_edit(request, instance):
    """Read a program's rules as stored, before its edit form changes anything."""
    if isinstance(instance, Program):
        setattr(instance, RULES_BEFORE_EDIT, program_rules(instance))


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def program_hours_check(request, instance):
    """Warn when a program awards more CE hours than its required courses' instruction time supports."""
    if isinstance(instance, Program):
        minutes = sum(course_instruction_minutes(row.course) for row in instance.required_courses.all())
        if warning := hours_warning(instance.total_hours, minutes):
            messages.warning(request, warning)


@hooks.register("after_edit_snippet")
def program_edited(request, instance):
    """A saved edit is a new version of the program; a change to its rules is logged."""
    if isinstance(instance, Program):
        program_version_bump(program=instance, before=getattr(instance, RULES_BEFORE_EDIT, None))


class CertificationViewSet(ViewSet):
    """Pages that are not a model's create/edit screens; each opens only for those its view allows."""

    menu_item_class = AllowedUsersMenuItem

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


@hooks.register("register_permissions")
def certification_permissions():
    """Let administrators grant these in Groups: revoke and reissue, team downloads, reviewing hours."""
    return Permission.objects.filter(
        content_type__app_label="certificates",
        codename__in=["change_certificate", "view_certificate", "view_cecredit"],
    )


@hooks.register("register_log_actions")
def audit_log_actions(actions):
    audit.register_audit_actions(actions)
