from django import forms
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .admin_forms import TeamForm
from .models import Team


class TeamViewSet(SnippetViewSet):
    model = Team
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
from . import token_hooks  # noqa: E402, F401
