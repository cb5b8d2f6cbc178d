"""The people, teams, courses and program the assignment tests share."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.auth import verified
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    TrainerFactory,
    build_course,
    build_program,
)


@pytest.fixture
def world(catalog):
    course = build_course(catalog, modules=1, lessons_per_module=1, title="Boundaries in peer support")
    second = build_course(catalog, modules=1, lessons_per_module=1, title="Perinatal communication")
    # Staff as their requests carry them once two-factor authentication is passed.
    supervisor = verified(SupervisorFactory(full_name="Dana Whitfield"))
    team = TeamFactory(name="Riverside peer team")
    other_team = TeamFactory(name="Lakeside peer team")
    member = LearnerFactory(full_name="Marisol Vega", email="marisol@example.org")
    outsider = LearnerFactory(full_name="Jordan Lee")
    team.supervisors.add(supervisor)
    team.members.add(member)
    other_team.members.add(outsider)
    return SimpleNamespace(
        course=course,
        second=second,
        program=build_program([course, second], name="Perinatal Peer Support Certificate"),
        admin=verified(AdminFactory()),
        trainer=verified(TrainerFactory()),
        supervisor=supervisor,
        team=team,
        other_team=other_team,
        member=member,
        outsider=outsider,
    )
