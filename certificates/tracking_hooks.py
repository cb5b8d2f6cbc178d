"""Supervisors' person and team pages: admin URLs and the "My teams" menu item."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.people.access import may_track_people

from .tracking_views import TEAMS_INDEX, PersonView, TeamIndexView, TeamStatusView


class MyTeamsMenuItem(MenuItem):
    """Shown to administrators and to supervisors of at least one team."""

    def is_shown(self, request):
        return may_track_people(request.user)


@hooks.register("register_admin_urls")
def tracking_urls():
    return [
        path("teams/status/", TeamIndexView.as_view(), name=TEAMS_INDEX),
        path("teams/<int:team_id>/status/", TeamStatusView.as_view(), name="tracking_team"),
        path("people/<int:person_id>/", PersonView.as_view(), name="tracking_person"),
    ]


@hooks.register("register_admin_menu_item")
def my_teams_menu_item():
    return MyTeamsMenuItem(_("My teams"), reverse(TEAMS_INDEX), name="my-teams", icon_name="group", order=305)
