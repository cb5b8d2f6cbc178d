"""People who join a team in the admin are enrolled in the team's assigned work, by the team's edit hooks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.tracking.services import assignment_create
from courses.models import Enrollment
from tests.auth import verified
from tests.factories import AdminFactory, LearnerFactory, SupervisorFactory, TeamFactory, build_course, build_program

pytestmark = pytest.mark.django_db


def enrolled(person) -> set[str]:
    return set(Enrollment.objects.filter(user=person).values_list("course__title", flat=True))


def test_people_added_to_a_team_in_the_admin_are_enrolled_in_its_assigned_work(client, catalog):
    course = build_course(catalog, modules=1, lessons_per_module=1, title="Boundaries in peer support")
    admin = verified(AdminFactory())
    team = TeamFactory(name="Northside")
    staying, joining = LearnerFactory(), LearnerFactory()
    team.members.add(staying)
    assignment_create(
        actor=admin, program=build_program([course]), team=team, due_on=timezone.localdate() + timedelta(days=14)
    )
    Enrollment.objects.filter(user=staying).delete()  # left the course since; a team edit does not re-enroll them

    supervisor = SupervisorFactory()
    client.force_login(admin)
    response = client.post(
        reverse("wagtailsnippets_cms_team:edit", args=[team.pk]),
        {"name": "Northside", "description": "", "supervisors": [supervisor.pk], "members": [staying.pk, joining.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert enrolled(joining) == {"Boundaries in peer support"}
    assert enrolled(staying) == set()


def test_people_on_a_new_team_are_enrolled_when_it_is_created(client, catalog):
    admin = verified(AdminFactory())
    person, supervisor = LearnerFactory(), SupervisorFactory()
    client.force_login(admin)
    response = client.post(
        reverse("wagtailsnippets_cms_team:add"),
        {"name": "Southside", "description": "", "supervisors": [supervisor.pk], "members": [person.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert enrolled(person) == set()  # a new team has no assigned work yet
