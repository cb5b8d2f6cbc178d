"""Supervisors' person and team pages in the admin.

Who may open which person or team is decided only by ``cms.access`` (``visible_teams``,
``visible_people``): anyone else gets "not found", so nobody learns who exists. Each page
runs a fixed number of queries, whatever the number of people or attempts.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from assessments.models import Attempt
from cms.admin_pages import AdminPageView, PersonPageMixin, anyone
from cms.people.access import person_for_viewer, team_for_viewer, visible_people, visible_teams
from courses.progress.selectors import learner_courses

from ..ce.selectors import learner_ledger
from ..issuance.admin_views import may_manage_certificates
from ..issuance.models import Certificate
from .issue_views import ISSUE_URL_NAME
from .profiles import (
    DEFAULT_MASTERY,
    competency_profile,
    expiring_by_month,
    status_counts,
    team_competency_profile,
    weakest_competencies,
)
from .status_rows import filter_rows, sort_rows, status_rows

TEAMS_INDEX = "tracking_teams"


def _with_widths(rows: list, value) -> list[dict]:
    """Each row with its bar length as a share of the largest value (the largest fills the track)."""
    largest = max((value(row) for row in rows), default=0)
    return [{"row": row, "width": round(100 * value(row) / largest) if largest else 0} for row in rows]


class TrackingPageView(AdminPageView):
    """A page under "My teams". Any admin user may open one: each shows only the teams and people they may see."""

    allowed = staticmethod(anyone)
    header_icon = "group"

    def parent_breadcrumbs(self):
        return [{"url": reverse(TEAMS_INDEX), "label": _("My teams")}]


class TeamIndexView(TrackingPageView):
    """The teams this person may follow, with how many people are on each."""

    template_name = "certificates/tracking/team_index.html"
    page_title = _("My teams")

    def parent_breadcrumbs(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        teams = visible_teams(self.request.user).annotate(
            people=Count("members", filter=Q(members__is_active=True), distinct=True)
        )
        context["teams"] = [{"team": team, "url": reverse("tracking_team", args=[team.pk])} for team in teams]
        return context


class TeamStatusView(TrackingPageView):
    """One team: how many people are in each status, certificates expiring by month, weakest competencies."""

    template_name = "certificates/tracking/team.html"

    @cached_property
    def team(self):
        return team_for_viewer(self.request.user, self.kwargs["team_id"])

    def get_page_title(self):
        return self.team.name

    def get_page_subtitle(self):
        return _("Team status")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        people = list(visible_people(self.request.user, team=self.team).order_by("full_name", "email"))
        months = expiring_by_month(people=people, today=today)
        rows = status_rows(viewer=self.request.user, people=people, today=today)
        overdue = len(filter_rows(rows, overdue=True, today=today))
        weakest = weakest_competencies(team_competency_profile(people=people))
        context.update(
            team=self.team,
            people=[{"person": p, "url": reverse("tracking_person", args=[p.pk])} for p in people],
            statuses=status_counts(viewer=self.request.user, people=people, rows=rows),
            overdue=overdue,
            overdue_url=f"{reverse('certification_status_report')}?{urlencode({'team': self.team.pk, 'overdue': 'on'})}",
            months=_with_widths(months, lambda m: m.count),
            expiring_total=sum(m.count for m in months),
            weakest=weakest,
            default_mastery=DEFAULT_MASTERY,
        )
        return context


class PersonView(PersonPageMixin, TrackingPageView):
    """One person: teams, courses, quiz attempts, certificates, CE hours and competency profile."""

    template_name = "certificates/tracking/person.html"

    def load_person(self, viewer, person_id):
        return person_for_viewer(viewer, person_id)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        person = self.person
        # Only the teams this viewer may see: another supervisor's team is not theirs to learn about.
        teams = [
            {"team": team, "url": reverse("tracking_team", args=[team.pk])}
            for team in visible_teams(self.request.user).filter(members=person).order_by("name")
        ]
        attempts = (
            Attempt.objects.filter(user=person, submitted_at__isnull=False)
            .select_related("quiz")
            .only("number", "submitted_at", "score", "passed", "quiz__title")
            .order_by("-submitted_at", "-pk")
        )
        certificates = [
            {
                "certificate": certificate,
                "status": certificate.current_status,
                "verification_path": certificate.get_verification_path(),
                "pdf_url": reverse("certificate-pdf", args=[certificate.serial]),
            }
            for certificate in Certificate.objects.filter(user=person).order_by("-issued_at", "-pk")
        ]
        context.update(
            person=person,
            teams=teams,
            courses=learner_courses(user=person),
            attempts=list(attempts),
            certificates=certificates,
            # The same rows as the status report, so due dates and "overdue" read the same everywhere.
            due_rows=sort_rows(status_rows(viewer=self.request.user, people=[person]), "program"),
            ledger=learner_ledger(user=person),
            profile=competency_profile(user=person),
            default_mastery=DEFAULT_MASTERY,
            issue_url=reverse(ISSUE_URL_NAME, args=[person.pk]) if may_manage_certificates(self.request.user) else "",
        )
        return context
