from django import forms
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_forms import TeamForm
from .audit import register_audit_actions
from .models import Team


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

# The account's part of a person's data export and deletion, and the admin's "Delete personal data".
from . import privacy_hooks  # noqa: E402, F401


@hooks.register("register_log_actions")
def audit_log_actions(actions):
    register_audit_actions(actions)


# Admin pages registered by their own modules.
from . import task_hooks, token_hooks, two_factor_hooks  # noqa: E402, F401
