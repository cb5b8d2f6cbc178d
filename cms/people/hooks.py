"""People and teams in the admin: the Teams snippet and the audit log's role and team actions."""

from django import forms
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.people.admin_forms import TeamForm
from cms.people.audit import register_audit_actions
from cms.people.models import Team


class TeamManagersOnly(PermissionCheckedMixin):
    """Team chooser views answer only people who manage teams.

    Wagtail's snippet choosers list every instance to anyone with admin access; supervisors may
    see only their own teams, so the chooser is limited to those who may add or change teams.
    """

    any_permission_required = ["add", "change", "delete"]


class TeamChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = type("TeamChooseView", (TeamManagersOnly, chooser.ChooseView), {})
    choose_results_view_class = type("TeamChooseResultsView", (TeamManagersOnly, chooser.ChooseResultsView), {})
    chosen_view_class = type("TeamChosenView", (TeamManagersOnly, chooser.SnippetChosenView), {})
    chosen_multiple_view_class = type(
        "TeamChosenMultipleView", (TeamManagersOnly, chooser.SnippetChosenMultipleView), {}
    )


class TeamViewSet(SnippetViewSet):
    model = Team
    chooser_viewset_class = TeamChooserViewSet
    icon = "group"
    menu_label = "Teams"
    menu_order = 600
    add_to_admin_menu = True
    list_display = ["name", "supervisor_names", "member_count"]
    search_fields = ["name", "description"]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("supervisors", widget=forms.SelectMultiple(attrs={"size": 8})),
            FieldPanel("members", widget=forms.SelectMultiple(attrs={"size": 16})),
        ],
        base_form_class=TeamForm,
    )


register_snippet(TeamViewSet)


@hooks.register("register_log_actions")
def audit_log_actions(actions):
    register_audit_actions(actions)
