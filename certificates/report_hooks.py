"""The certification status report: its admin URL and its entry under Reports."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.people.access import may_track_people

from .report_views import StatusReportView


class StatusReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_track_people(request.user)


@hooks.register("register_admin_urls")
def status_report_urls():
    return [path("reports/certification-status/", StatusReportView.as_view(), name="certification_status_report")]


@hooks.register("register_reports_menu_item")
def status_report_menu_item():
    return StatusReportMenuItem(
        _("Certification status"),
        reverse("certification_status_report"),
        name="certification-status",
        icon_name="list-ul",
        order=100,
    )
