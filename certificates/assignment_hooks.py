"""Admin URLs and menu item for assignments, and the "Due dates" panel on My learning."""

from django.template.loader import render_to_string
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses.progress.hooks import MY_LEARNING_PANEL_HOOK

from . import assignment_views
from .assignments import learner_due_items, may_assign


class AssignmentsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_assign(request.user)


@hooks.register("register_admin_urls")
def assignment_admin_urls():
    urls = [
        path("", assignment_views.AssignmentIndexView.as_view(http_method_names=["get", "post"]), name="index"),
        path("<int:pk>/delete/", assignment_views.AssignmentDeleteView.as_view(), name="delete"),
    ]
    return [path("assignments/", include((urls, "certificate_assignments")))]


@hooks.register("register_admin_menu_item")
def assignments_menu_item():
    return AssignmentsMenuItem(
        _("Assignments"), reverse("certificate_assignments:index"), name="assignments", icon_name="date", order=305
    )


@hooks.register(MY_LEARNING_PANEL_HOOK)
def due_dates_panel(request):
    """Assigned courses and programs with their due dates; nothing for people with no assignments."""
    if not request.user.is_authenticated:
        return None
    items = learner_due_items(user=request.user)
    if not items:
        return None
    return render_to_string("certificates/assignments/due_dates_panel.html", {"items": items}, request=request)
