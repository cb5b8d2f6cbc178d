"""Competencies in the admin: trainers edit them as snippets."""

from wagtail.admin.panels import FieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Competency


class CompetencyViewSet(SnippetViewSet):
    model = Competency
    icon = "tasks"
    menu_label = "Competencies"
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "code", "framework"]
    search_fields = ["name", "description", "code"]
    ordering = ["sort_order", "name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("code"),
        FieldPanel("description"),
        FieldPanel("framework"),
        FieldPanel("sort_order"),
    ]
