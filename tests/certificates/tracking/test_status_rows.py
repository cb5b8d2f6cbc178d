"""Status rows: who may be seen, and how due dates from course assignments count towards a program."""

from datetime import timedelta

import pytest
from django.utils import timezone

from certificates.tracking.models import Assignment
from certificates.tracking.status_rows import status_rows
from cms.people.access import visible_people
from courses.progress.services import enrollment_create, lesson_complete
from tests.auth import verified
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    TrainerFactory,
    build_course,
    build_program,
    course_lessons,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    team = TeamFactory()
    team.supervisors.add(SupervisorFactory())
    team.members.add(LearnerFactory(), LearnerFactory())
    return team


def test_visibility_admin_all_supervisor_own_team_trainer_nobody(team):
    other = TeamFactory()
    other.members.add(LearnerFactory())
    supervisor = verified(team.supervisors.get())
    assert set(visible_people(supervisor)) == set(team.members.all())
    assert visible_people(verified(AdminFactory())).count() == 3
    assert not visible_people(verified(TrainerFactory())).exists()
    assert not visible_people(verified(team.members.first())).exists()


def test_staff_without_the_second_factor_see_no_one(team):
    """A supervisor or administrator signed in with a password only has no staff privilege yet."""
    assert not visible_people(team.supervisors.get()).exists()
    assert not visible_people(AdminFactory()).exists()


def test_a_course_assignment_makes_the_program_row_overdue_until_the_course_is_done(catalog, team):
    first, second = (build_course(catalog, modules=1, lessons_per_module=1, title=t) for t in ("One", "Two"))
    program = build_program([first, second])
    person = team.members.first()
    past = timezone.localdate() - timedelta(days=3)
    Assignment.objects.create(course=first, user=person, due_on=past)
    [row] = status_rows(viewer=verified(team.supervisors.get()), people=[person], programs=[program])
    assert row.due_on == past and row.overdue

    enrollment_create(user=person, course=first)
    lesson_complete(user=person, lesson=course_lessons(first)[0])
    [row] = status_rows(viewer=verified(team.supervisors.get()), people=[person], programs=[program])
    assert row.due_on is None and not row.overdue and row.status == "in_progress"


def test_the_earliest_open_due_date_counts_for_team_and_personal_assignments(catalog, team):
    course = build_course(catalog, modules=1, lessons_per_module=1)
    program = build_program([course])
    person = team.members.first()
    soon, later = timezone.localdate() + timedelta(days=5), timezone.localdate() + timedelta(days=20)
    Assignment.objects.create(program=program, team=team, due_on=later)
    Assignment.objects.create(program=program, user=person, due_on=soon)
    rows = {
        r.person.pk: r
        for r in status_rows(
            viewer=verified(team.supervisors.get()), people=list(team.members.all()), programs=[program]
        )
    }
    assert rows[person.pk].due_on == soon and not rows[person.pk].overdue
    assert {r.due_on for pk, r in rows.items() if pk != person.pk} == {later}
