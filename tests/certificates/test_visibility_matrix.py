"""One rule, every door: a supervisor gets 404 for another team's people in the admin, the exports and the API."""

import pytest
from rest_framework.test import APIClient

from cms.security.api_tokens.services import api_token_create
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    TrainerFactory,
    build_program,
)

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/people/{person}/",
    "/admin/teams/{team}/status/",
    "/admin/reports/certification-status/?team={team}",
    "/admin/reports/certification-status/?team={team}&export=csv",
    "/admin/reports/certification-status/?team={team}&export=xlsx",
]
API = [
    "/api/v1/people/{person}/status/",
    "/api/v1/people/{person}/certificates/",
    "/api/v1/teams/{team}/status/",
]


@pytest.fixture
def teams():
    build_program([])
    mine, theirs = TeamFactory(name="Northside"), TeamFactory(name="Riverside")
    supervisor = SupervisorFactory()
    mine.supervisors.add(supervisor)
    theirs.supervisors.add(SupervisorFactory())
    mine.members.add(LearnerFactory(full_name="Rosa Delgado"))
    stranger = LearnerFactory(full_name="Cara Lin")
    theirs.members.add(stranger)
    return {"supervisor": supervisor, "mine": mine, "theirs": theirs, "stranger": stranger}


def urls(templates, team, person):
    return [t.format(team=team.pk, person=person.pk) for t in templates]


def test_admin_pages_and_exports_are_404_for_another_teams_people(client, teams):
    client.force_login(teams["supervisor"])
    for url in urls(ADMIN_PAGES, teams["theirs"], teams["stranger"]):
        assert client.get(url).status_code == 404, url
    for url in urls(ADMIN_PAGES, teams["mine"], teams["mine"].members.get()):
        assert client.get(url).status_code == 200, url


def test_the_unfiltered_report_and_its_export_hold_only_the_supervisors_people(client, teams):
    client.force_login(teams["supervisor"])
    page = client.get("/admin/reports/certification-status/").content.decode()
    export = b"".join(client.get("/admin/reports/certification-status/?export=csv").streaming_content).decode()
    for content in (page, export):
        assert "Rosa Delgado" in content and "Cara Lin" not in content


def test_api_is_404_for_another_teams_people(teams):
    _token, plaintext = api_token_create(user=teams["supervisor"], name="matrix")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    for url in urls(API, teams["theirs"], teams["stranger"]):
        assert api.get(url).status_code == 404, url
    for url in urls(API, teams["mine"], teams["mine"].members.get()):
        assert api.get(url).status_code == 200, url
    listed = [team["name"] for team in api.get("/api/v1/teams/").json()["results"]]
    assert listed == ["Northside"]


def test_a_trainer_who_supervises_no_team_sees_no_one(client, teams):
    client.force_login(TrainerFactory())
    for url in urls(ADMIN_PAGES[:2], teams["theirs"], teams["stranger"]):
        assert client.get(url).status_code == 404, url


def test_an_administrator_sees_everyone(client, teams):
    client.force_login(AdminFactory())
    for url in urls(ADMIN_PAGES, teams["theirs"], teams["stranger"]):
        assert client.get(url).status_code == 200, url


def test_the_csv_export_built_in_small_batches_holds_the_same_rows(client, teams, monkeypatch):
    from certificates import report_views

    teams["mine"].members.add(*LearnerFactory.create_batch(4))
    client.force_login(teams["supervisor"])

    def export():
        response = client.get("/admin/reports/certification-status/?export=csv")
        return b"".join(response.streaming_content).decode().splitlines()

    whole = export()
    monkeypatch.setattr(report_views, "EXPORT_CHUNK", 2)
    assert export() == whole and len(whole) == 1 + 5
