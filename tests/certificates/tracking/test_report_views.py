import csv
import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import Attempt
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue
from certificates.tracking.models import Assignment
from cms.dates import site_date
from courses.progress.services import enrollment_create, lesson_complete
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    TrainerFactory,
    build_course,
    build_program,
    build_quiz,
    course_lessons,
    module_with_quiz,
)

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/certification-status/"
PROGRAM = "Perinatal Peer Support Specialist Certificate"
OTHER_PROGRAM = "Boundaries Refresher Certificate"


def issue(user, program, *, days_ago: int = 0, expires_in: int | None = None) -> Certificate:
    certificate, _ = certificate_issue(user=user, program=program, issued_at=timezone.now() - timedelta(days=days_ago))
    if expires_in is not None:
        Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() + timedelta(expires_in))
    return certificate


@pytest.fixture
def world(catalog):
    """Two teams with a supervisor each; one team has a person in every state. An admin, a trainer."""
    course = build_course(catalog, modules=1, lessons_per_module=2)
    quiz = build_quiz()
    module_with_quiz(course, quiz)
    program = build_program([course], name=PROGRAM)
    other_program = build_program([], name=OTHER_PROGRAM)
    team, other_team = TeamFactory(name="Northside Clinic"), TeamFactory(name="Riverside Program")
    supervisor, other_supervisor = SupervisorFactory(), SupervisorFactory()
    team.supervisors.add(supervisor)
    other_team.supervisors.add(other_supervisor)
    people = {
        name: LearnerFactory(full_name=name)
        for name in ["Rosa Delgado", "Ben Avery", "Cara Lin", "Dan Moss", "Eve Park"]
    }
    team.members.add(*people.values())
    outsider = LearnerFactory(full_name="Sam Okafor")
    other_team.members.add(outsider)

    issue(people["Rosa Delgado"], program)  # certified for two years
    issue(people["Ben Avery"], program, days_ago=700, expires_in=30)  # expiring
    issue(people["Cara Lin"], program, days_ago=800)  # expired
    issue(outsider, program)
    enrollment_create(user=people["Dan Moss"], course=course)
    lesson_complete(user=people["Dan Moss"], lesson=course_lessons(course)[0])
    Attempt.objects.create(
        user=people["Dan Moss"],
        quiz=quiz,
        number=1,
        snapshot={},
        question_keys=[],
        submitted_at=timezone.now(),
        score=64,
        passed=False,
        result={},
    )
    today = timezone.localdate()
    Assignment.objects.create(program=program, user=people["Dan Moss"], due_on=today - timedelta(days=3))
    Assignment.objects.create(program=program, team=team, due_on=today + timedelta(days=20))
    return SimpleNamespace(
        program=program,
        other_program=other_program,
        team=team,
        other_team=other_team,
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        people=people,
        outsider=outsider,
        admin=AdminFactory(),
        trainer=TrainerFactory(),
    )


def as_user(client, user):
    client.force_login(user)
    return client


def csv_rows(client, **params) -> list[dict]:
    response = client.get(REPORT, {**params, "export": "csv"})
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def pairs(rows) -> set[tuple[str, str]]:
    return {(row["Person"], row["Program"]) for row in rows}


def people_in(client, **params) -> set[str]:
    return {row["Person"] for row in csv_rows(client, **params)}


# Who sees the report -------------------------------------------------------------------------


def test_menu_entry_is_shown_to_administrators_and_supervisors_of_a_team_only(client, world):
    def menu(user):
        return as_user(client, user).get("/admin/").content.decode()

    assert '"Certification status"' in menu(world.admin)
    assert '"Certification status"' in menu(world.supervisor)
    assert '"Certification status"' not in menu(world.trainer)
    assert '"Certification status"' not in menu(SupervisorFactory())


@pytest.mark.parametrize("role", ["trainer", "supervisor_without_team"])
def test_people_who_supervise_no_team_are_turned_away(client, world, role):
    user = world.trainer if role == "trainer" else SupervisorFactory()
    response = as_user(client, user).get(REPORT)
    assert (response.status_code, response["Location"]) == (302, "/admin/")


def test_learners_are_sent_to_log_in(client, world):
    response = as_user(client, world.people["Rosa Delgado"]).get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_supervisor_sees_only_their_teams_people(client, world):
    as_user(client, world.supervisor)
    page = client.get(REPORT).content.decode()
    for person in world.people.values():
        assert f'href="/admin/people/{person.pk}/"' in page
        assert person.full_name in page
    assert "Sam Okafor" not in page
    assert f"/admin/people/{world.outsider.pk}/" not in page
    assert people_in(client) == set(world.people)
    assert people_in(client, team=world.team.pk) == set(world.people)


@pytest.mark.parametrize("team", ["other", "missing", "not-a-number"])
def test_asking_for_a_team_one_may_not_see_is_not_found(client, world, team):
    value = {"other": world.other_team.pk, "missing": 99999, "not-a-number": "abc"}[team]
    as_user(client, world.supervisor)
    assert client.get(REPORT, {"team": value}).status_code == 404
    assert client.get(REPORT, {"team": value, "export": "csv"}).status_code == 404


def test_admin_sees_everyone_and_can_narrow_to_a_team(client, world):
    as_user(client, world.admin)
    assert people_in(client) == {*world.people, "Sam Okafor"}
    assert people_in(client, team=world.other_team.pk) == {"Sam Okafor"}
    page = client.get(REPORT).content.decode()
    assert f'<option value="{world.other_team.pk}">Riverside Program</option>' in page
    by_team = [r["Teams"] for r in csv_rows(client, order="-teams")]
    assert by_team[0] == "Riverside Program" and by_team[-1] == "Northside Clinic"


def test_team_choices_list_only_visible_teams(client, world):
    page = as_user(client, world.supervisor).get(REPORT).content.decode()
    assert "Northside Clinic" in page
    assert "Riverside Program" not in page


# Columns -------------------------------------------------------------------------------------


def test_row_shows_status_due_date_overdue_activity_and_best_score(client, world):
    as_user(client, world.supervisor)
    rows = {(r["Person"], r["Program"]): r for r in csv_rows(client)}
    dan = rows[("Dan Moss", PROGRAM)]
    assert dan["Status"] == "In progress (33%)"
    assert dan["Due date"] == str(timezone.localdate() - timedelta(days=3))
    assert dan["Overdue"] == "Yes"
    assert dan["Best quiz score (%)"] == "64.0"
    assert dan["Last activity"]
    assert dan["Teams"] == "Northside Clinic"
    eve = rows[("Eve Park", PROGRAM)]
    assert (eve["Status"], eve["Overdue"]) == ("Not started", "No")
    assert eve["Due date"] == str(timezone.localdate() + timedelta(days=20))
    assert rows[("Ben Avery", PROGRAM)]["Status"] == "Expiring in 30 days"
    assert rows[("Cara Lin", PROGRAM)]["Status"] == "Expired"
    assert rows[("Rosa Delgado", PROGRAM)]["Status"].startswith("Certified until ")

    page = client.get(REPORT, {"overdue": "on"}).content.decode()
    assert "Dan Moss" in page and "Overdue" in page and "64%" in page


# Filters -------------------------------------------------------------------------------------


def test_filter_by_status(client, world):
    as_user(client, world.supervisor)
    assert pairs(csv_rows(client, status="expired")) == {("Cara Lin", PROGRAM)}
    assert pairs(csv_rows(client, status="in_progress")) == {("Dan Moss", PROGRAM)}
    not_started = pairs(csv_rows(client, status="not_started"))
    assert ("Eve Park", PROGRAM) in not_started
    assert {name for name, program in not_started if program == OTHER_PROGRAM} == set(world.people)


def test_filter_by_program(client, world):
    as_user(client, world.supervisor)
    assert pairs(csv_rows(client, program=world.other_program.pk)) == {(name, OTHER_PROGRAM) for name in world.people}
    assert pairs(csv_rows(client, program=world.program.pk)) == {(name, PROGRAM) for name in world.people}


@pytest.mark.parametrize(
    ("expires_in", "within"),
    [(0, {30, 60, 90}), (30, {30, 60, 90}), (31, {60, 90}), (60, {60, 90}), (61, {90}), (90, {90}), (91, set())],
)
def test_filter_by_expiring_within_includes_the_boundary_day(client, world, expires_in, within):
    Certificate.objects.filter(user=world.people["Ben Avery"]).update(
        expires_on=timezone.localdate() + timedelta(days=expires_in)
    )
    as_user(client, world.supervisor)
    for days in (30, 60, 90):
        expected = {("Ben Avery", PROGRAM)} if days in within else set()
        rows = pairs(csv_rows(client, expiring=days))
        assert rows - {("Rosa Delgado", PROGRAM)} == expected, days
        assert ("Cara Lin", PROGRAM) not in rows  # already expired


def test_filter_overdue_only(client, world):
    as_user(client, world.supervisor)
    assert pairs(csv_rows(client, overdue="on")) == {("Dan Moss", PROGRAM)}


def test_filters_combine_and_invalid_values_are_reported(client, world):
    as_user(client, world.admin)
    rows = csv_rows(client, team=world.team.pk, program=world.program.pk, status="certified")
    assert pairs(rows) == {("Rosa Delgado", PROGRAM)}
    response = client.get(REPORT, {"status": "unknown"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


# Sorting and pages ---------------------------------------------------------------------------


def test_sort_by_any_column_with_aria_sort(client, world):
    as_user(client, world.supervisor)
    names = [r["Person"] for r in csv_rows(client, program=world.program.pk)]
    assert names == sorted(world.people)
    names = [r["Person"] for r in csv_rows(client, program=world.program.pk, order="-name")]
    assert names == sorted(world.people, reverse=True)
    by_due = [r["Person"] for r in csv_rows(client, program=world.program.pk, order="due")]
    assert by_due[0] == "Dan Moss"
    by_score = [r["Person"] for r in csv_rows(client, program=world.program.pk, order="-score")]
    assert by_score[0] == "Dan Moss"
    by_status = [r["Person"] for r in csv_rows(client, program=world.program.pk, order="status")]
    assert by_status[0] == "Eve Park" and by_status[-1] == "Cara Lin"

    page = client.get(REPORT, {"order": "-name"}).content.decode()
    assert '<th scope="col" aria-sort="descending">' in page
    assert page.count("aria-sort=") == 1
    assert 'href="?order=name"' in page  # clicking the sorted column again reverses it
    page = client.get(REPORT, {"order": "program", "status": "expired"}).content.decode()
    assert '<th scope="col" aria-sort="ascending">' in page
    assert 'href="?order=-program&amp;status=expired"' in page


def test_unknown_sort_falls_back_to_name(client, world):
    as_user(client, world.supervisor)
    names = [r["Person"] for r in csv_rows(client, program=world.program.pk, order="password")]
    assert names == sorted(world.people)


def test_report_is_paged_fifty_rows_at_a_time(client, world):
    world.team.members.add(*LearnerFactory.create_batch(21))  # 26 people, 2 programs: 52 rows
    as_user(client, world.supervisor)
    first = client.get(REPORT).content.decode()
    assert "52 rows" in first and "Page 1 of 2" in first
    assert first.count('href="/admin/people/') == 50
    assert 'href="?p=2"' in first
    second = client.get(REPORT, {"p": 2}).content.decode()
    assert second.count('href="/admin/people/') == 2
    assert len(csv_rows(client)) == 52  # exports are not paged


# Exports -------------------------------------------------------------------------------------


def test_csv_and_xlsx_hold_exactly_the_visible_filtered_rows(client, world):
    as_user(client, world.supervisor)
    params = {"program": world.program.pk, "order": "name"}
    from_csv = csv_rows(client, **params)
    assert pairs(from_csv) == {(name, PROGRAM) for name in world.people}

    response = client.get(REPORT, {**params, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "Certification status"
    values = list(sheet.iter_rows(values_only=True))
    headings, body = values[0], values[1:]
    assert [row[headings.index("Person")] for row in body] == [row["Person"] for row in from_csv]
    assert {row[headings.index("Program")] for row in body} == {PROGRAM}
    dan = next(row for row in body if row[0] == "Dan Moss")
    assert dan[headings.index("Due date")] == timezone.localdate() - timedelta(days=3)
    assert dan[headings.index("Overdue")] == "Yes"
    assert "Sam Okafor" not in {row[0] for row in body}

    overdue = client.get(REPORT, {"overdue": "on", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(overdue.streaming_content))).active.iter_rows(values_only=True))
    assert [row[:3] for row in rows[1:]] == [("Dan Moss", "Northside Clinic", PROGRAM)]


FORMULA_NAMES = ['=HYPERLINK("http://example.com","Open")', "@SUM(1+1)", "+1 555 0100", "-2+3", "\tSUM(1,2)", "\r=1+1"]


def test_exports_neutralise_formulas(client, world):
    world.team.members.add(*(LearnerFactory(full_name=name) for name in FORMULA_NAMES))
    as_user(client, world.supervisor)
    names = {r["Person"] for r in csv_rows(client)}
    assert {f"'{name}" for name in FORMULA_NAMES} <= names
    assert not any(name.startswith(("=", "+", "-", "@", "\t", "\r")) for name in names)

    response = client.get(REPORT, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type != "f" for cell in cells)
    # XML reads a carriage return back as a line feed.
    assert {f"'{name}".replace("\r", "\n") for name in FORMULA_NAMES} <= {cell.value for cell in cells}


def test_xlsx_dates_are_real_dates_in_the_site_format_and_columns_fit_their_content(client, world):
    as_user(client, world.supervisor)
    response = client.get(REPORT, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headings = [cell.value for cell in sheet[1]]
    dan = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Dan Moss" and row[2].value == PROGRAM)
    due = dan[headings.index("Due date")]
    assert due.is_date and due.number_format == "mmmm d, yyyy"  # "December 5, 2026", as on the site
    widths = {heading: sheet.column_dimensions[chr(ord("A") + i)].width for i, heading in enumerate(headings)}
    due_dates = [row[headings.index("Due date")].value for row in sheet.iter_rows(min_row=2)]
    assert widths["Due date"] == max(len("Due date"), *(len(site_date(d)) for d in due_dates if d)) + 2
    assert widths["Person"] == max(len(row[0].value) for row in sheet.iter_rows(min_row=1)) + 2
    assert widths["Overdue"] == len("Overdue") + 2


def test_csv_dates_are_iso_8601(client, world):
    as_user(client, world.supervisor)
    dan = next(row for row in csv_rows(client) if row["Person"] == "Dan Moss" and row["Program"] == PROGRAM)
    assert dan["Due date"] == (timezone.localdate() - timedelta(days=3)).isoformat()


# Queries -------------------------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_number_of_people(client, world):
    as_user(client, world.supervisor)

    def count(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(REPORT, params)
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)
            else:
                response.content  # noqa: B018
        return len(queries)

    counts = []
    for size in (5, 50):
        world.team.members.add(*LearnerFactory.create_batch(size - world.team.members.count()))
        counts.append((count(), count(export="csv"), count(export="xlsx")))
    assert counts[0] == counts[1]


# A person on two teams --------------------------------------------------------------------------


def test_a_person_on_two_teams_shows_only_the_viewers_team_and_its_due_dates_on_every_surface(client, world):
    """Eve is on both teams; her supervisor on team A must not learn team B's name or due date anywhere."""
    person = world.people["Eve Park"]
    world.other_team.members.add(person)
    other_due = timezone.localdate() + timedelta(days=2)
    Assignment.objects.create(program=world.program, team=world.other_team, due_on=other_due)
    own_due = timezone.localdate() + timedelta(days=20)
    secrets = ("Riverside Program", other_due.isoformat(), site_date(other_due))
    as_user(client, world.supervisor)

    row = next(r for r in csv_rows(client, order="name") if r["Person"] == person.full_name and r["Program"] == PROGRAM)
    assert row["Teams"] == "Northside Clinic" and row["Due date"] == own_due.isoformat()
    filtered = next(r for r in csv_rows(client, order="-due") if r["Person"] == person.full_name)
    assert filtered["Teams"] == "Northside Clinic"

    workbook = client.get(REPORT, {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active.iter_rows(values_only=True))
    person_row = next(r for r in rows if r[0] == person.full_name and PROGRAM in r)
    assert "Riverside Program" not in person_row and other_due not in person_row

    pages = [
        client.get(REPORT).content.decode(),
        client.get(reverse("tracking_person", args=[person.pk])).content.decode(),
        client.get(reverse("tracking_team", args=[world.team.pk])).content.decode(),
    ]
    token = bearer_token(world.supervisor)
    api = [
        client.get(f"/api/v1/teams/{world.team.pk}/status/", HTTP_AUTHORIZATION=token).content.decode(),
        client.get(f"/api/v1/people/{person.pk}/status/", HTTP_AUTHORIZATION=token).content.decode(),
        client.get("/api/v1/teams/", HTTP_AUTHORIZATION=token).content.decode(),
    ]
    assert person.full_name in pages[0] and person.full_name in pages[1] and person.full_name in api[0]
    for body in pages + api:
        for secret in secrets:
            assert secret not in body

    # The other team's supervisor sees their own team and their own due date for the same person.
    as_user(client, world.other_supervisor)
    row = next(r for r in csv_rows(client) if r["Person"] == person.full_name and r["Program"] == PROGRAM)
    assert row["Teams"] == "Riverside Program" and row["Due date"] == other_due.isoformat()


def bearer_token(user) -> str:
    from cms.security.api_tokens.services import api_token_create

    return f"Bearer {api_token_create(user=user, name='Report')[1]}"
