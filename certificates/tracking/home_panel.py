"""The supervisor's admin home: each team they supervise at a glance.

Per team: rows overdue, certificates expiring within 90 days, and CE hours awaiting review, each a
link to the page that lists them (the status report filtered to the team, the CE hours review), and
the team's own page. The numbers come from the rules the linked pages use (``status_rows`` with
``filter_rows``, ``ce.selectors.credits_to_review``), in a fixed number of queries however many teams
and people there are.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from cms.models import Team
from cms.people.access import staff_verified, visible_people

from ..ce.selectors import credits_to_review
from .status_rows import filter_rows, status_rows

EXPIRING_WITHIN = 90


@dataclass
class TeamGlance:
    team: Team
    people: int
    overdue: int
    expiring: int
    awaiting_review: int

    def _report(self, **filters) -> str:
        return f"{reverse('certification_status_report')}?{urlencode({'team': self.team.pk, **filters})}"

    @property
    def team_url(self) -> str:
        return reverse("tracking_team", args=[self.team.pk])

    @property
    def overdue_url(self) -> str:
        return self._report(overdue="on")

    @property
    def expiring_url(self) -> str:
        return self._report(expiring=EXPIRING_WITHIN)

    @property
    def review_url(self) -> str:
        return reverse("ce_hours_review:index")


def teams_at_a_glance(viewer, *, today=None) -> list[TeamGlance]:
    """The teams ``viewer`` supervises, by name, each with what needs their attention."""
    today = today or timezone.localdate()
    teams = list(Team.objects.filter(supervisors=viewer).order_by("name"))
    if not teams:
        return []
    members: dict[int, set[int]] = {team.pk: set() for team in teams}
    people = visible_people(viewer).filter(teams__in=teams).distinct()
    for team_id, person_id in Team.members.through.objects.filter(
        team__in=teams, user__in=people.values("pk")
    ).values_list("team_id", "user_id"):
        members[team_id].add(person_id)
    rows = status_rows(viewer=viewer, people=people, today=today)
    overdue = Counter(row.person.pk for row in filter_rows(rows, overdue=True, today=today))
    expiring = Counter(row.person.pk for row in filter_rows(rows, expiring_within=EXPIRING_WITHIN, today=today))
    waiting = Counter(credits_to_review(reviewer=viewer).values_list("user_id", flat=True))
    return [
        TeamGlance(
            team=team,
            people=len(ids),
            overdue=sum(overdue[pk] for pk in ids),
            expiring=sum(expiring[pk] for pk in ids),
            awaiting_review=sum(waiting[pk] for pk in ids),
        )
        for team in teams
        for ids in [members[team.pk]]
    ]


class TeamsAtAGlancePanel(Component):
    name = "teams_at_a_glance"
    order = 10
    template_name = "certificates/tracking/home_teams.html"

    def __init__(self, teams: list[TeamGlance]):
        self.teams = teams

    def get_context_data(self, parent_context=None):
        return {"teams": self.teams, "expiring_within": EXPIRING_WITHIN}


def supervisor_home_panel(user) -> TeamsAtAGlancePanel | None:
    """The panel for someone who supervises a team (with two-factor passed); None for anyone else."""
    if not staff_verified(user):
        return None
    teams = teams_at_a_glance(user)
    return TeamsAtAGlancePanel(teams) if teams else None
