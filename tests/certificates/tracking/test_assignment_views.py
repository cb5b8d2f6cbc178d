"""The assignments pages: changing a due date with the date picker, withdrawing, the history, and the
warning about people who have already done the work before anything is saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.tracking.models import Assignment
from certificates.tracking.services import assignment_create
from cms.dates import site_date
from tests.factories import complete_course

pytestmark = pytest.mark.django_db

INDEX = "/admin/assignments/"


def days(n):
    return timezone.localdate() + timedelta(days=n)


def test_the_due_date_field_has_the_picker_script_and_says_its_format(client, world):
    client.force_login(world.supervisor)
    for url in (
        INDEX,
        reverse(
            "certificate_assignments:edit",
            args=[assignment_create(actor=world.supervisor, course=world.course, team=world.team, due_on=days(10)).pk],
        ),
    ):
        content = client.get(url).content.decode()
        assert "wagtailadmin/js/date-time-chooser.js" in content  # defines initDateChooser
        assert content.index("date-time-chooser.js") < content.index("initDateChooser(")
        assert "Type the date as YYYY-MM-DD" in content


def test_a_supervisor_changes_a_due_date_and_sees_it_in_the_history(client, world):
    assignment = assignment_create(actor=world.supervisor, course=world.course, team=world.team, due_on=days(10))
    client.force_login(world.supervisor)
    url = reverse("certificate_assignments:edit", args=[assignment.pk])
    assert days(10).isoformat() in client.get(url).content.decode()
    response = client.post(url, {"due_on": days(30).isoformat()}, follow=True)
    content = response.content.decode()
    assert f"changed from {site_date(days(10))} to {site_date(days(30))}" in content
    assert f"Due date changed: due date: {site_date(days(10))} → {site_date(days(30))}" in content
    assert "Dana Whitfield" in content  # who
    assert Assignment.objects.get(pk=assignment.pk).due_on == days(30)


def test_a_bad_due_date_shows_a_field_error_and_changes_nothing(client, world):
    assignment = assignment_create(actor=world.supervisor, course=world.course, team=world.team, due_on=days(10))
    client.force_login(world.supervisor)
    url = reverse("certificate_assignments:edit", args=[assignment.pk])
    for value, message in [("31/12/2027", "Enter a valid date."), (days(-2).isoformat(), "cannot be in the past")]:
        content = client.post(url, {"due_on": value}).content.decode()
        assert message in content
    assert Assignment.objects.get(pk=assignment.pk).due_on == days(10)


def test_other_teams_assignments_cannot_be_opened_or_changed(client, world):
    other = assignment_create(actor=world.admin, course=world.course, team=world.other_team, due_on=days(10))
    client.force_login(world.supervisor)
    for name in ("edit", "withdraw"):
        url = reverse(f"certificate_assignments:{name}", args=[other.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"due_on": days(40).isoformat()}).status_code == 404
    other.refresh_from_db()
    assert (other.due_on, other.withdrawn_at) == (days(10), None)


def test_assigning_finished_work_warns_first_and_saves_only_when_confirmed(client, world):
    complete_course(world.member, world.course)
    client.force_login(world.supervisor)
    data = {"course": world.course.pk, "team": world.team.pk, "due_on": days(14).isoformat()}
    response = client.post(INDEX, data)
    content = response.content.decode()
    assert "Nothing is assigned yet." in content
    assert "already done this work" in content and "Marisol Vega" in content
    assert "Assign anyway" in content
    assert not Assignment.objects.exists()

    confirmation = response.context["form"]["assign_anyway"].value()
    # Confirming one piece of work does not confirm another: a changed course is checked again.
    complete_course(world.member, world.second)
    response = client.post(INDEX, {**data, "course": world.second.pk, "assign_anyway": confirmation})
    assert "Nothing is assigned yet." in response.content.decode()
    assert not Assignment.objects.exists()

    response = client.post(INDEX, {**data, "assign_anyway": confirmation})
    assert response.status_code == 302
    assert Assignment.objects.get().team == world.team


def test_work_no_one_has_done_is_assigned_at_once(client, world):
    client.force_login(world.supervisor)
    response = client.post(INDEX, {"course": world.second.pk, "user": world.member.pk, "due_on": days(14).isoformat()})
    assert response.status_code == 302
    assert Assignment.objects.get().user == world.member
