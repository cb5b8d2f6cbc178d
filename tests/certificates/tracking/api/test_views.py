import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient
from wagtail.models import APIToken

from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue
from certificates.tracking.models import Assignment
from cms.security.api_tokens.services import api_token_create, api_token_revoke
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    TrainerFactory,
    build_course,
    build_program,
)

pytestmark = pytest.mark.django_db

TOKENS_PAGE = "/admin/api-tokens/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(catalog):
    """Two teams with a supervisor each: Rosa is certified (expiring in 20 days), Ben has not started; Cara is on
    the other team."""
    course = build_course(catalog, modules=1, lessons_per_module=1)
    program = build_program([course], name="Perinatal Peer Support Specialist Certificate")
    team, other_team = TeamFactory(name="Northside Clinic"), TeamFactory(name="Riverside Program")
    supervisor, other_supervisor = SupervisorFactory(), SupervisorFactory()
    team.supervisors.add(supervisor)
    other_team.supervisors.add(other_supervisor)
    rosa, ben, cara = (LearnerFactory(full_name=name) for name in ["Rosa Delgado", "Ben Avery", "Cara Lin"])
    team.members.add(rosa, ben)
    other_team.members.add(cara)
    certificate, _ = certificate_issue(user=rosa, program=program, issued_at=timezone.now())
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() + timedelta(days=20))
    certificate_issue(user=cara, program=program, issued_at=timezone.now())
    return {
        "course": course,
        "program": program,
        "team": team,
        "other_team": other_team,
        "supervisor": supervisor,
        "rosa": rosa,
        "ben": ben,
        "cara": cara,
        "certificate": Certificate.objects.get(pk=certificate.pk),
    }


def bearer(user) -> APIClient:
    _token, plaintext = api_token_create(user=user, name="Clinic dashboard")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    return client


# The tokens page ---------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(client, world):
    client.force_login(world["supervisor"])
    response = client.post(TOKENS_PAGE, {"name": "Clinic dashboard"})
    assert response.status_code == 200
    plaintext = re.search(r'data-testid="new-token">([^<]+)<', response.content.decode()).group(1)
    token = APIToken.objects.get(user=world["supervisor"])
    assert token.name == "Clinic dashboard"
    assert plaintext.startswith(token.prefix)
    assert plaintext not in {token.key_hash, token.prefix}
    assert token.key_hash == APIToken.hash_token(plaintext)
    assert plaintext not in client.get(TOKENS_PAGE).content.decode()
    assert token.prefix in client.get(TOKENS_PAGE).content.decode()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert api.get("/api/v1/teams/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_name_is_required(client, world):
    client.force_login(world["supervisor"])
    response = client.post(TOKENS_PAGE, {"name": " "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not APIToken.objects.exists()


def test_people_revoke_their_own_tokens_only(client, world):
    token, _ = api_token_create(user=world["supervisor"], name="Old dashboard")
    other = SupervisorFactory()
    world["other_team"].supervisors.add(other)
    client.force_login(other)
    assert client.post(f"{TOKENS_PAGE}{token.pk}/revoke/").status_code == 404
    client.force_login(world["supervisor"])
    assert client.post(f"{TOKENS_PAGE}{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("factory", [LearnerFactory, TrainerFactory, SupervisorFactory])
def test_only_supervisors_of_a_team_and_administrators_hold_tokens(client, world, factory):
    client.force_login(factory())
    assert client.get(TOKENS_PAGE).status_code in {302, 403}
    client.force_login(AdminFactory())
    assert client.get(TOKENS_PAGE).status_code == 200
    client.force_login(world["supervisor"])
    assert client.get(TOKENS_PAGE).status_code == 200


# Authentication ----------------------------------------------------------------------------


def test_a_revoked_or_unknown_token_gets_401_with_a_json_body(world):
    token, plaintext = api_token_create(user=world["supervisor"], name="Clinic dashboard")
    api_token_revoke(token=token)
    for presented in [plaintext, "wagtail_not-a-token"]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {presented}")
        response = client.get("/api/v1/teams/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
        assert response.json()["detail"] == "This token is not valid or has been revoked."


def test_without_a_token_the_api_still_uses_the_session(client, world):
    assert APIClient().get("/api/v1/teams/").status_code == 401
    client.force_login(world["supervisor"])
    assert [team["name"] for team in client.get("/api/v1/teams/").json()["results"]] == ["Northside Clinic"]


def test_a_token_of_a_deactivated_person_is_refused(world):
    client = bearer(world["supervisor"])
    world["supervisor"].is_active = False
    world["supervisor"].save()
    assert client.get("/api/v1/teams/").status_code == 401


# Who sees what -----------------------------------------------------------------------------


def test_a_supervisor_sees_only_their_teams_and_their_people(world):
    client = bearer(world["supervisor"])
    teams = client.get("/api/v1/teams/").json()
    assert teams["count"] == 1
    assert teams["results"][0] | {"id": None} == {
        "id": None,
        "name": "Northside Clinic",
        "description": "",
        "member_count": 2,
    }
    other_team, cara = world["other_team"], world["cara"]
    for url in [
        f"/api/v1/teams/{other_team.pk}/status/",
        f"/api/v1/people/{cara.pk}/status/",
        f"/api/v1/people/{cara.pk}/certificates/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "detail" in response.json()


def test_an_administrator_sees_every_team(world):
    client = bearer(AdminFactory())
    assert {team["name"] for team in client.get("/api/v1/teams/").json()["results"]} == {
        "Northside Clinic",
        "Riverside Program",
    }
    assert client.get(f"/api/v1/people/{world['cara'].pk}/status/").status_code == 200


def test_team_status_rows_with_the_report_filters(world):
    client = bearer(world["supervisor"])
    url = f"/api/v1/teams/{world['team'].pk}/status/"
    body = client.get(url).json()
    assert body["count"] == 2
    assert [(row["person"]["full_name"], row["status"]) for row in body["results"]] == [
        ("Ben Avery", "not_started"),
        ("Rosa Delgado", "expiring"),
    ]
    rosa = body["results"][1]
    assert rosa["certificate"]["verification_url"] == world["certificate"].verification_url()
    assert rosa["days_left"] == 20
    assert rosa["program"]["name"] == "Perinatal Peer Support Specialist Certificate"

    def names(**params):
        return [row["person"]["full_name"] for row in client.get(url, params).json()["results"]]

    assert names(status="not_started") == ["Ben Avery"]
    assert names(expiring_within=30) == ["Rosa Delgado"]
    assert names(expiring_within=10) == []
    assert names(order="-name") == ["Rosa Delgado", "Ben Avery"]
    assert names(program=world["program"].pk, order="status") == ["Ben Avery", "Rosa Delgado"]

    Assignment.objects.create(
        program=world["program"], user=world["ben"], due_on=timezone.localdate() - timedelta(days=1)
    )
    assert names(overdue="true") == ["Ben Avery"]

    response = client.get(url, {"status": "finished", "order": "height"})
    assert response.status_code == 400
    assert set(response.json()) == {"status", "order"}


def test_a_persons_status_and_certificates(world):
    client = bearer(world["supervisor"])
    rosa = world["rosa"]
    rows = client.get(f"/api/v1/people/{rosa.pk}/status/").json()
    assert [(row["program"]["name"], row["status"]) for row in rows] == [
        ("Perinatal Peer Support Specialist Certificate", "expiring")
    ]
    certificates = client.get(f"/api/v1/people/{rosa.pk}/certificates/").json()
    assert [(c["serial"], c["verification_url"]) for c in certificates] == [
        (world["certificate"].serial, world["certificate"].verification_url())
    ]


# Assignments -------------------------------------------------------------------------------


def test_a_supervisor_assigns_and_removes_work_for_their_team(world):
    client = bearer(world["supervisor"])
    due_on = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        "/api/v1/assignments/", {"program": world["program"].pk, "team": world["team"].pk, "due_on": due_on}
    )
    assert response.status_code == 201, response.json()
    assignment = Assignment.objects.get(pk=response.json()["id"])
    assert assignment.assigned_by == world["supervisor"]
    assert response.json()["due_on"] == due_on

    assert client.delete(f"/api/v1/assignments/{assignment.pk}/").status_code == 204
    assert not Assignment.objects.open().filter(pk=assignment.pk).exists()


def test_assignment_errors_name_the_field(world):
    client = bearer(world["supervisor"])
    due_on = (timezone.localdate() + timedelta(days=30)).isoformat()

    response = client.post("/api/v1/assignments/", {"team": world["team"].pk, "due_on": due_on})
    assert response.status_code == 400
    assert set(response.json()) == {"course"}

    response = client.post("/api/v1/assignments/", {"program": world["program"].pk, "user": world["ben"].pk})
    assert response.status_code == 400
    assert set(response.json()) == {"due_on"}
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("field", ["team", "user"])
def test_assigning_outside_your_teams_looks_the_same_as_an_id_that_does_not_exist(world, field):
    """A real team or person outside your teams and an unknown id get one answer: 404, nothing saved."""
    client = bearer(world["supervisor"])
    due_on = (timezone.localdate() + timedelta(days=30)).isoformat()
    outside = {"team": world["other_team"].pk, "user": world["cara"].pk}[field]
    answers = [
        client.post("/api/v1/assignments/", {"program": world["program"].pk, field: pk, "due_on": due_on})
        for pk in (outside, 987_654)
    ]
    assert [a.status_code for a in answers] == [404, 404]
    assert answers[0].json() == answers[1].json() == {"detail": "Not found, or not one you can choose."}
    assert not Assignment.objects.exists()


def test_a_supervisor_cannot_remove_another_teams_assignment(world):
    assignment = Assignment.objects.create(
        program=world["program"], team=world["other_team"], due_on=timezone.localdate() + timedelta(days=5)
    )
    response = bearer(world["supervisor"]).delete(f"/api/v1/assignments/{assignment.pk}/")
    assert response.status_code == 404
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_supervisor_moves_a_due_date_and_the_overdue_goes(world):
    assignment = Assignment.objects.create(
        program=world["program"], user=world["ben"], due_on=timezone.localdate() - timedelta(days=3)
    )
    client = bearer(world["supervisor"])
    status_url = f"/api/v1/people/{world['ben'].pk}/status/"
    assert client.get(status_url).json()[0]["overdue"] is True
    new = (timezone.localdate() + timedelta(days=14)).isoformat()
    response = client.patch(f"/api/v1/assignments/{assignment.pk}/", {"due_on": new}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["due_on"] == new
    row = client.get(status_url).json()[0]
    assert (row["due_on"], row["overdue"]) == (new, False)

    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.patch(f"/api/v1/assignments/{assignment.pk}/", {"due_on": past}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"due_on"}
    assert response.json()["due_on"] == ["The due date cannot be in the past."]
    assert Assignment.objects.get(pk=assignment.pk).due_on.isoformat() == new

    # Nothing to change: a 400 naming the field, never a server error.
    for body in ({}, {"team": 1}):
        response = client.patch(f"/api/v1/assignments/{assignment.pk}/", body, format="json")
        assert response.status_code == 400
        assert response.json() == {"due_on": ["This field is required."]}
    assert Assignment.objects.get(pk=assignment.pk).due_on.isoformat() == new

    assert client.delete(f"/api/v1/assignments/{assignment.pk}/").status_code == 204
    row = client.get(status_url).json()[0]
    assert (row["due_on"], row["overdue"]) == (None, False)
    assert client.get(f"/api/v1/assignments/{assignment.pk}/").status_code == 404  # withdrawn


def test_a_supervisor_cannot_change_another_teams_assignment(world):
    assignment = Assignment.objects.create(
        program=world["program"], user=world["cara"], due_on=timezone.localdate() + timedelta(days=5)
    )
    new = (timezone.localdate() + timedelta(days=30)).isoformat()
    client = bearer(world["supervisor"])
    assert client.patch(f"/api/v1/assignments/{assignment.pk}/", {"due_on": new}, format="json").status_code == 404
    assert client.get(f"/api/v1/assignments/{assignment.pk}/").status_code == 404
    assert Assignment.objects.get(pk=assignment.pk).due_on == timezone.localdate() + timedelta(days=5)


# Throttling --------------------------------------------------------------------------------


def test_each_token_is_limited_to_its_rate(world):
    rates = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_token": "2/minute"}}
    with override_settings(REST_FRAMEWORK=rates):
        client = bearer(world["supervisor"])
        assert [client.get("/api/v1/teams/").status_code for _ in range(3)] == [200, 200, 429]
        response = client.get("/api/v1/teams/")
        assert response.status_code == 429
        assert "detail" in response.json()
        # Another token has its own allowance.
        assert bearer(world["supervisor"]).get("/api/v1/teams/").status_code == 200


# Queries ------------------------------------------------------------------------------------


def test_team_status_runs_the_same_number_of_queries_for_5_and_50_people(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = bearer(world["supervisor"])
    url = f"/api/v1/teams/{world['team'].pk}/status/"
    client.get(url)  # the token's first use records when it was used; later ones within a minute do not
    counts = []
    for size in (5, 50):
        extra = size - world["team"].members.count()
        people = LearnerFactory.create_batch(extra)
        world["team"].members.add(*people)
        for person in people[::3]:
            certificate_issue(user=person, program=world["program"])
        Assignment.objects.create(program=world["program"], user=people[0], due_on=timezone.localdate())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": 100})
        assert response.status_code == 200 and response.json()["count"] == size
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_work_due_today_is_not_overdue_and_overdue_tomorrow(world):
    from certificates.tracking.status_rows import status_rows
    from tests.auth import verified

    viewer = verified(world["supervisor"])
    Assignment.objects.create(program=world["program"], user=world["ben"], due_on=timezone.localdate())
    [row] = status_rows(viewer=viewer, people=[world["ben"]], programs=[world["program"]])
    assert row.due_on == timezone.localdate() and not row.overdue
    tomorrow = timezone.localdate() + timedelta(1)
    [row] = status_rows(viewer=viewer, people=[world["ben"]], programs=[world["program"]], today=tomorrow)
    assert row.overdue
