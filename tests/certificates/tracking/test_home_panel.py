"""The supervisor's admin home: their teams at a glance, only their own, in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.ce.models import CECredit
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue
from certificates.tracking.home_panel import teams_at_a_glance
from certificates.tracking.models import Assignment
from cms.models import Team
from courses.models import CECategory
from tests.auth import verified
from tests.factories import LearnerFactory, SupervisorFactory, TeamFactory, build_course, build_program

pytestmark = pytest.mark.django_db

GLANCE_QUERIES = 15


def days(n):
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def glance_world(catalog):
    course = build_course(catalog, modules=1, lessons_per_module=1)
    program = build_program([course], name="Perinatal Peer Support Certificate")
    supervisor = verified(SupervisorFactory())
    north, south, other = TeamFactory(name="Northside"), TeamFactory(name="Southside"), TeamFactory(name="Elsewhere")
    north.supervisors.add(supervisor)
    south.supervisors.add(supervisor)
    late, expiring, waiting, stranger = (
        LearnerFactory(full_name=n) for n in ["Lia Late", "Eve Expiring", "Wes Waiting", "Sam Stranger"]
    )
    north.members.add(late, expiring)
    south.members.add(waiting)
    other.members.add(stranger)
    Assignment.objects.create(program=program, user=late, due_on=days(-3))
    Assignment.objects.create(program=program, user=stranger, due_on=days(-3))
    certificate, _ = certificate_issue(user=expiring, program=program, issued_at=timezone.now())
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=days(40))
    category, _ = CECategory.objects.get_or_create(name="Ethics")
    for person in (waiting, stranger):
        CECredit.objects.create(user=person, title="Workshop", earned_on=days(-10), category=category, hours=Decimal(2))
    return supervisor, program


def counts(supervisor):
    return {g.team.name: (g.people, g.overdue, g.expiring, g.awaiting_review) for g in teams_at_a_glance(supervisor)}


def test_each_of_the_supervisors_teams_with_what_needs_attention(glance_world):
    supervisor, _program = glance_world
    assert counts(supervisor) == {"Northside": (2, 1, 1, 0), "Southside": (1, 0, 0, 1)}


def test_the_admin_home_shows_the_panel_with_links_and_no_page_search(client, glance_world):
    supervisor, _program = glance_world
    client.force_login(supervisor)
    content = client.get("/admin/").content.decode()
    assert "Your teams at a glance" in content
    north = Team.objects.get(name="Northside")
    assert f"/admin/reports/certification-status/?team={north.pk}&amp;overdue=on" in content
    assert f"/admin/reports/certification-status/?team={north.pk}&amp;expiring=90" in content
    assert f"/admin/teams/{north.pk}/status/" in content
    assert "1 overdue" in content and "1 expiring" in content and "1 awaiting review" in content
    assert "Elsewhere" not in content and "Sam Stranger" not in content
    assert "Search all pages" not in content  # no page access: no page search
    assert "<h1" in content and "Peer Support Training" in content


def test_the_panel_costs_the_same_for_more_teams_and_people(glance_world, django_assert_num_queries):
    supervisor, program = glance_world
    with django_assert_num_queries(GLANCE_QUERIES):
        teams_at_a_glance(supervisor)
    for n in range(3):
        team = TeamFactory(name=f"Extra {n}")
        team.supervisors.add(supervisor)
        for person in [LearnerFactory() for _ in range(4)]:
            team.members.add(person)
            Assignment.objects.create(program=program, user=person, due_on=days(-1))
    with django_assert_num_queries(GLANCE_QUERIES):
        assert len(teams_at_a_glance(supervisor)) == 5


def test_people_who_supervise_no_team_get_no_panel(client, glance_world):
    from tests.factories import AdminFactory

    client.force_login(AdminFactory())
    assert "Your teams at a glance" not in client.get("/admin/").content.decode()
