"""Admin for supervisors: their teams at a glance on the admin home, the status report, "My teams" with person
and team pages, assignments, team certificates, the "Due dates" panel on My learning, and enrolling people who join a team in its assigned work."""

from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.models import Team
from cms.people.access import may_track_people
from courses.progress.hooks import MY_LEARNING_PANEL_HOOK

from ..issuance.hooks import CertificationViewSet
from . import assignment_views, audit, team_zip_views
from .home_panel import supervisor_home_panel
from .issue_views import ISSUE_URL_NAME, PersonIssueView
from .report_views import StatusReportView
from .selectors import learner_due_items, may_assign
from .services import team_members_enroll
from .views import TEAMS_INDEX, PersonView, TeamIndexView, TeamStatusView

# Set on a team while its edit form is open: who was on it before the edit.
MEMBERS_BEFORE_EDIT = "_members_before_edit"


class TrackingMenuItem(MenuItem):
    """Shown to administrators and to supervisors of at least one team."""

    def is_shown(self, request):
        return may_track_people(request.user)


class AssignmentsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_assign(request.user)


# The status report ------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def status_report_urls():
    return [path("reports/certification-status/", StatusReportView.as_view(), name="certification_status_report")]


@hooks.register("register_reports_menu_item")
def status_report_menu_item():
    return TrackingMenuItem(
        _("Certification status"),
        reverse("certification_status_report"),
        name="certification-status",
        icon_name="list-ul",
        order=100,
    )


@hooks.register("construct_homepage_panels")
def teams_at_a_glance_panel(request, panels):
    """A supervisor's admin home opens on their teams: overdue, expiring, CE hours awaiting review."""
    panel = supervisor_home_panel(request.user)
    if panel is not None:
        panels.append(panel)


# My teams: team and person pages ---------------------------------------------------------


@hooks.register("register_admin_urls")
def tracking_urls():
    return [
        path("teams/status/", TeamIndexView.as_view(), name=TEAMS_INDEX),
        path("teams/<int:team_id>/status/", TeamStatusView.as_view(), name="tracking_team"),
        path("people/<int:person_id>/", PersonView.as_view(), name="tracking_person"),
        path("people/<int:person_id>/issue/", PersonIssueView.as_view(), name=ISSUE_URL_NAME),
    ]


@hooks.register("register_admin_menu_item")
def my_teams_menu_item():
    return TrackingMenuItem(_("My teams"), reverse(TEAMS_INDEX), name="my-teams", icon_name="group", order=305)


# Assignments -----------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def assignment_admin_urls():
    urls = [
        path("", assignment_views.AssignmentIndexView.as_view(http_method_names=["get", "post"]), name="index"),
        path("<int:pk>/edit/", assignment_views.AssignmentEditView.as_view(), name="edit"),
        path("<int:pk>/withdraw/", assignment_views.AssignmentWithdrawView.as_view(), name="withdraw"),
    ]
    return [path("assignments/", include((urls, "certificate_assignments")))]


@hooks.register("register_admin_menu_item")
def assignments_menu_item():
    return AssignmentsMenuItem(
        _("Assignments"), reverse("certificate_assignments:index"), name="assignments", icon_name="date", order=305
    )


@hooks.register("register_log_actions")
def assignment_log_actions(actions):
    audit.register_audit_actions(actions)


@hooks.register(MY_LEARNING_PANEL_HOOK)
def due_dates_panel(request):
    """Assigned courses and programs with their due dates; nothing for people with no assignments."""
    if not request.user.is_authenticated:
        return None
    items = learner_due_items(user=request.user)
    if not items:
        return None
    return render_to_string("certificates/assignments/due_dates_panel.html", {"items": items}, request=request)


@hooks.register("after_create_snippet")
def team_created(request, instance):
    """The people on a new team are enrolled in its assigned work (none yet, unless assigned meanwhile)."""
    if isinstance(instance, Team):
        team_members_enroll(team=instance)


@hooks.register("before_edit_snippet")
def team_members_before_edit(request, instance):
    if isinstance(instance, Team):
        setattr(instance, MEMBERS_BEFORE_EDIT, set(instance.members.values_list("pk", flat=True)))


@hooks.register("after_edit_snippet")
def team_edited(request, instance):
    """People who joined the team in this edit are enrolled in the team's assigned courses and programs."""
    if isinstance(instance, Team):
        before = getattr(instance, MEMBERS_BEFORE_EDIT, set())
        team_members_enroll(team=instance, people=instance.members.exclude(pk__in=before))


# Team certificates -----------------------------------------------------------------------


class TeamCertificatesViewSet(CertificationViewSet):
    name = "team_certificates"
    url_prefix = "team-certificates"
    icon = "group"
    menu_label = _("Team certificates")
    index_view_class = team_zip_views.TeamCertificatesView

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:team_id>/download/", team_zip_views.TeamCertificatesDownloadView.as_view(), name="download"),
        ]
