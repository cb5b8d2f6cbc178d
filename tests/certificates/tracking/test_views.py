"""Supervisors' person and team pages: who may open them, the numbers they show, and their query counts."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Attempt, Competency
from certificates.issuance.dates import add_months
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    TrainerFactory,
    build_program,
    build_quiz,
    submitted_attempt,
)

pytestmark = pytest.mark.django_db

TEAMS = "/admin/teams/status/"


def person_url(person) -> str:
    return f"/admin/people/{person.pk}/"


def team_url(team) -> str:
    return f"/admin/teams/{team.pk}/status/"


def attempt(user, quiz, *, score: float, competencies: dict, passed: bool = True) -> Attempt:
    """A submitted attempt; ``competencies`` maps a code to (earned, possible) or (earned, possible, threshold)."""
    result = {
        code: {
            "earned": values[0],
            "possible": values[1],
            "percent": 100 * values[0] / values[1],
            "threshold": values[2] if len(values) > 2 else None,
        }
        for code, values in competencies.items()
    }
    return submitted_attempt(user, quiz, score=score, passed=passed, result={"competencies": result})


def competency(code: str, name: str, order: int = 0) -> Competency:
    return Competency.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})[0]


@pytest.fixture
def teams():
    supervisor, other_supervisor = SupervisorFactory(), SupervisorFactory()
    team, other_team = TeamFactory(name="Riverside peer team"), TeamFactory(name="Hillside peer team")
    team.supervisors.add(supervisor)
    other_team.supervisors.add(other_supervisor)
    members = [LearnerFactory(full_name=name) for name in ("Ana Reyes", "Bea Cole")]
    team.members.add(*members)
    outsider = LearnerFactory(full_name="Cruz Lima")
    other_team.members.add(outsider)
    return {
        "supervisor": supervisor,
        "team": team,
        "members": members,
        "other_team": other_team,
        "outsider": outsider,
    }


def test_supervisor_sees_a_members_competency_profile_from_best_attempts(client, teams):
    competency("values-communication", "Values communication", 1)
    competency("provides-support", "Provides support", 2)
    quiz_a, quiz_b = build_quiz(title="Boundaries"), build_quiz(title="Perinatal hand-offs")
    person = teams["members"][0]
    attempt(person, quiz_a, score=50, competencies={"values-communication": (1, 4)}, passed=False)
    attempt(person, quiz_a, score=80, competencies={"values-communication": (3, 4), "provides-support": (2, 2, 80)})
    attempt(person, quiz_b, score=60, competencies={"values-communication": (1, 4)})
    client.force_login(teams["supervisor"])

    response = client.get(person_url(person))

    assert response.status_code == 200
    profile = {c.name: c for c in response.context["profile"]}
    # Best of quiz A (3 of 4) plus quiz B (1 of 4): the weaker first attempt at quiz A is left out.
    assert profile["Values communication"].percent == 50
    assert profile["Values communication"].below_mastery
    assert profile["Provides support"].percent == 100
    assert not profile["Provides support"].below_mastery
    assert [c.name for c in response.context["profile"]] == ["Values communication", "Provides support"]
    content = response.content.decode()
    assert "Below mastery (70%)" in content
    assert "<caption>Competency profile</caption>" in content
    assert "Boundaries" in content and "Perinatal hand-offs" in content
    assert len(response.context["attempts"]) == 3
    assert "Riverside peer team" in content


def test_person_page_lists_certificates_with_their_links(client, teams, course):
    person = teams["members"][0]
    certificate, _ = certificate_issue(user=person, program=build_program([course]))
    client.force_login(teams["supervisor"])

    content = client.get(person_url(person)).content.decode()

    assert certificate.serial in content
    assert f'href="{certificate.get_verification_path()}"' in content
    assert f'href="/certificates/{certificate.serial}/pdf/"' in content
    assert "Valid" in content


def test_supervisor_opens_their_team_with_status_counts(client, teams, course):
    build_program([course])
    client.force_login(teams["supervisor"])

    response = client.get(team_url(teams["team"]))

    assert response.status_code == 200
    counts = {row.status: row.count for row in response.context["statuses"]}
    assert counts["not_started"] == 2
    assert sum(counts.values()) == 2
    assert [row["person"] for row in response.context["people"]] == teams["members"]


def test_overdue_on_the_team_and_person_pages_follows_the_current_due_date(client, teams, course):
    from datetime import timedelta

    from certificates.tracking.models import Assignment
    from certificates.tracking.services import assignment_due_date_change

    program = build_program([course], name="Perinatal Peer Support Certificate")
    person = teams["members"][0]
    assignment = Assignment.objects.create(
        program=program, user=person, due_on=timezone.localdate() - timedelta(days=2)
    )
    client.force_login(teams["supervisor"])
    team_page = client.get(team_url(teams["team"])).content.decode()
    assert "1</strong> overdue" in team_page
    assert f"?team={teams['team'].pk}&amp;overdue=on" in team_page
    person_page = client.get(person_url(person)).content.decode()
    assert "Programs and due dates" in person_page
    assert 'tracking-status--overdue">Overdue</span>' in person_page  # words and colour

    from tests.auth import verified

    assignment_due_date_change(
        actor=verified(teams["supervisor"]), assignment=assignment, due_on=timezone.localdate() + timedelta(days=9)
    )
    assert "No one is overdue." in client.get(team_url(teams["team"])).content.decode()
    assert ">Overdue</span>" not in client.get(person_url(person)).content.decode()


def test_supervisor_gets_not_found_for_another_teams_people_and_team(client, teams):
    client.force_login(teams["supervisor"])

    assert client.get(person_url(teams["outsider"])).status_code == 404
    assert client.get(team_url(teams["other_team"])).status_code == 404
    assert client.get("/admin/people/999999/").status_code == 404


def test_trainer_gets_not_found_and_no_menu_item(client, teams):
    client.force_login(TrainerFactory())

    for member in [*teams["members"], teams["outsider"]]:
        assert client.get(person_url(member)).status_code == 404
    assert client.get(team_url(teams["team"])).status_code == 404
    index = client.get(TEAMS)
    assert index.status_code == 200
    assert index.context["teams"] == []
    assert "My teams" not in client.get("/admin/").content.decode()


def test_learner_has_no_access(client, teams):
    client.force_login(teams["members"][1])

    response = client.get(person_url(teams["members"][0]))

    assert response.status_code in {302, 403, 404}
    assert "Ana Reyes" not in response.content.decode()


def test_admin_sees_every_team_and_person(client, teams):
    client.force_login(AdminFactory())

    index = client.get(TEAMS)
    assert {row["team"].name: row["team"].people for row in index.context["teams"]} == {
        "Riverside peer team": 2,
        "Hillside peer team": 1,
    }
    assert client.get(team_url(teams["other_team"])).status_code == 200
    assert client.get(person_url(teams["outsider"])).status_code == 200
    assert "My teams" in client.get("/admin/").content.decode()


def test_supervisor_index_lists_only_their_teams_and_shows_the_menu_item(client, teams):
    client.force_login(teams["supervisor"])

    index = client.get(TEAMS)

    assert [row["team"].name for row in index.context["teams"]] == ["Riverside peer team"]
    assert f'href="{team_url(teams["team"])}"' in index.content.decode()
    assert "My teams" in client.get("/admin/").content.decode()


def _issued_months_ahead(user, program, months: int) -> Certificate:
    """A 24-month certificate expiring on the 15th, ``months`` months from this month."""
    first = timezone.localdate().replace(day=1)
    issued_on = add_months(first, months - 24).replace(day=15)
    issued_at = timezone.make_aware(datetime.combine(issued_on, time(12)))
    certificate, _ = certificate_issue(user=user, program=program, issued_at=issued_at)
    return certificate


def test_expiring_per_month_counts_current_unrevoked_certificates_of_members(client, teams, course):
    first_program = build_program([course], name="Peer Support Specialist Certificate")
    second_program = build_program([course], name="Perinatal Peer Support Certificate")
    ana, bea = teams["members"]
    _issued_months_ahead(ana, first_program, 2)
    _issued_months_ahead(bea, first_program, 2)
    _issued_months_ahead(ana, second_program, 5)
    revoked = _issued_months_ahead(bea, second_program, 5)
    Certificate.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    _issued_months_ahead(teams["outsider"], first_program, 2)
    expired = LearnerFactory()
    teams["team"].members.add(expired)
    _issued_months_ahead(expired, first_program, -1)
    client.force_login(teams["supervisor"])

    response = client.get(team_url(teams["team"]))

    counts = [row["row"].count for row in response.context["months"]]
    assert len(counts) == 12
    assert counts == [0, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert response.context["expiring_total"] == 3
    content = response.content.decode()
    assert "<caption>Certificates expiring per month</caption>" in content
    month = add_months(timezone.localdate().replace(day=1), 2)
    assert f'<th scope="row">{month:%B %Y}</th><td>2</td>' in content


def test_weakest_competencies_pool_members_and_list_the_five_lowest(client, teams):
    for order, code in enumerate("abcdefg"):
        competency(code, f"Competency {code.upper()}", order)
    quiz = build_quiz()
    ana, bea = teams["members"]
    attempt(ana, quiz, score=70, competencies={"a": (9, 10), "b": (1, 10), "c": (5, 10), "d": (7, 10)})
    attempt(bea, quiz, score=60, competencies={"a": (1, 10), "b": (3, 10), "e": (2, 10), "f": (8, 10), "g": (6, 10)})
    attempt(teams["outsider"], quiz, score=0, competencies={"g": (0, 100)})
    client.force_login(teams["supervisor"])

    weakest = client.get(team_url(teams["team"])).context["weakest"]

    # Pooled: A 10/20, B 4/20, C 5/10, D 7/10, E 2/10, F 8/10, G 6/10 (the outsider does not count).
    assert [(c.code, round(c.percent)) for c in weakest] == [("b", 20), ("e", 20), ("a", 50), ("c", 50), ("g", 60)]


def _team_of(size: int, supervisor, quiz, program):
    team = TeamFactory()
    team.supervisors.add(supervisor)
    for _ in range(size):
        person = LearnerFactory()
        team.members.add(person)
        attempt(person, quiz, score=50, competencies={"a": (1, 2)})
        attempt(person, quiz, score=90, competencies={"a": (2, 2)})
        certificate_issue(user=person, program=program)
    return team


def test_team_page_runs_the_same_number_of_queries_for_5_and_50_people(client, course):
    competency("a", "Competency A")
    supervisor, quiz, program = SupervisorFactory(), build_quiz(), build_program([course])
    small, large = _team_of(5, supervisor, quiz, program), _team_of(50, supervisor, quiz, program)
    client.force_login(supervisor)
    client.get(team_url(small))

    counts = []
    for team in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(team_url(team)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_person_page_runs_the_same_number_of_queries_for_few_and_many_attempts(client, teams, course):
    competency("a", "Competency A")
    program = build_program([course])
    quizzes = [build_quiz(title=f"Quiz {n}") for n in range(4)]
    few, many = teams["members"]
    attempt(few, quizzes[0], score=50, competencies={"a": (1, 2)})
    certificate_issue(user=few, program=program)
    for quiz in quizzes:
        for score in (40, 60, 80):
            attempt(many, quiz, score=score, competencies={"a": (score / 20, 5)})
    certificate_issue(user=many, program=program)
    client.force_login(teams["supervisor"])
    client.get(person_url(few))

    counts = []
    for person in (few, many):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(person_url(person)).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_persons_page_is_titled_with_them_under_my_teams(client, teams):
    client.force_login(teams["supervisor"])
    member = teams["members"][0]

    response = client.get(person_url(member))

    assert (str(response.context["page_title"]), str(response.context["page_subtitle"])) == ("Ana Reyes", "")
    assert [(str(i["url"]), str(i["label"])) for i in response.context["breadcrumbs_items"]] == [
        ("/admin/", "Home"),
        (TEAMS, "My teams"),
        ("", "Ana Reyes"),
    ]
