"""Every certification admin page opens only for the people it is for, the menu shows only those, and each
listing makes a fixed number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.certificates.admin_world import (
    AUDIT_LOG,
    ISSUED,
    REVIEW,
    TEAMS,
    detail_url,
    issue,
    login,
    make_world,
    store_pdf,
    submit_hours,
)
from tests.factories import (
    LearnerFactory,
    TeamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


# Access --------------------------------------------------------------------------------------

PAGES = ["issued", "issued_results", "detail", "audit_log", "audit_log_results", "review", "teams", "team_zip"]
DENIED, LOGIN = "denied", "login"
ACCESS = {
    # role: expected outcome per page, in PAGES order
    "admin": [200, 200, 200, 200, 200, 200, 200, 200],
    "trainer": [DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED],
    "supervisor": [DENIED, DENIED, DENIED, DENIED, DENIED, 200, 200, 200],
    "other_supervisor": [DENIED, DENIED, DENIED, DENIED, DENIED, 200, 200, 404],
    "learner": [LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN],
}


def page_url(world, page: str) -> str:
    return {
        "issued": ISSUED,
        "issued_results": ISSUED + "results/",
        "detail": detail_url(world.certificate),
        "audit_log": AUDIT_LOG,
        "audit_log_results": AUDIT_LOG + "results/",
        "review": REVIEW,
        "teams": TEAMS,
        "team_zip": reverse("team_certificates:download", args=[world.team.pk]),
    }[page]


@pytest.mark.parametrize("role", ACCESS)
def test_each_page_opens_only_for_the_people_it_is_for(client, world, role):
    store_pdf(world.certificate)
    login(client, getattr(world, role))
    for page, expected in zip(PAGES, ACCESS[role], strict=True):
        url = page_url(world, page)
        response = client.get(url)
        if expected == DENIED:
            assert (response.status_code, response["Location"]) == (302, "/admin/"), page
        elif expected == LOGIN:
            assert response.status_code == 302, page
            assert response["Location"].startswith("/admin/login/"), page
        else:
            assert response.status_code == expected, page


def test_menu_shows_each_person_only_what_they_may_open(client, world):
    menus = {}
    for role in ("admin", "trainer", "supervisor"):
        menus[role] = login(client, getattr(world, role)).get("/admin/").content.decode()
    entries = ["Programs", "Certificate templates", "Issued certificates", "Audit log", "CE hours to review"]
    entries.append("Team certificates")
    assert all(f'"{entry}' in menus["admin"] for entry in entries)
    assert '"Programs"' in menus["trainer"] and '"Certificate templates"' in menus["trainer"]
    assert not any(f'"{entry}' in menus["trainer"] for entry in entries[2:])
    assert '"CE hours to review (1)"' in menus["supervisor"] and '"Team certificates"' in menus["supervisor"]
    assert not any(f'"{entry}"' in menus["supervisor"] for entry in entries[:4])


# Query counts --------------------------------------------------------------------------------


def fill(world, rows: int) -> None:
    """``rows`` more teams supervised by the supervisor, each with a certified member who has hours pending."""
    for _ in range(rows):
        person = LearnerFactory()
        team = TeamFactory()
        team.supervisors.add(world.supervisor)
        team.members.add(person)
        issue(person, world.program)
        submit_hours(person)


# Every admin request also loads the device that verified the session (two-factor authentication).
TWO_FACTOR_CHECK = 1


@pytest.mark.parametrize("rows", [2, 10])
@pytest.mark.parametrize(
    ("role", "url", "listed", "bound"),
    [
        ("admin", ISSUED, "object_list", 10 + TWO_FACTOR_CHECK),
        ("admin", ISSUED + "?status=valid&q=PSS", "object_list", 10 + TWO_FACTOR_CHECK),
        ("admin", AUDIT_LOG, "object_list", 9 + TWO_FACTOR_CHECK),
        ("supervisor", REVIEW, "rows", 13 + TWO_FACTOR_CHECK),
        ("admin", REVIEW, "rows", 9 + TWO_FACTOR_CHECK),
        ("supervisor", TEAMS, "teams", 13 + TWO_FACTOR_CHECK),
        ("admin", TEAMS, "teams", 9 + TWO_FACTOR_CHECK),
    ],
)
def test_listings_make_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries, rows, role, url, listed, bound
):
    """The bound is the same for 2 rows as for 10: a query per row would break it."""
    fill(world, rows)
    login(client, getattr(world, role))
    client.get(url)  # the first admin page of a session also creates the user's Wagtail profile
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert len(response.context[listed]) > rows
