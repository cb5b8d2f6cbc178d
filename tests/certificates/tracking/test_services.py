"""Assignments: who may assign what, enrollment of assigned people, due dates in My learning,
due-date reminders, and the admin pages."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue
from certificates.tracking.models import Assignment, DueReminder
from certificates.tracking.services import (
    assignment_create,
    assignment_withdraw,
    due_reminders_send,
    team_members_enroll,
)
from cms.dates import site_date
from courses.models import Enrollment
from tests.factories import (
    LearnerFactory,
    TeamFactory,
    build_program,
    complete_course,
)

pytestmark = pytest.mark.django_db

INDEX = "/admin/assignments/"


def soon(days=14):
    return timezone.localdate() + timedelta(days=days)


def enrolled(person) -> set[str]:
    return set(Enrollment.objects.filter(user=person).values_list("course__title", flat=True))


# Who may assign what -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "trainer"])
def test_administrators_and_trainers_assign_anything_to_anyone(world, role):
    actor = getattr(world, role)
    assignment_create(actor=actor, course=world.course, team=world.other_team, due_on=soon())
    assignment_create(actor=actor, program=world.program, user=world.member, due_on=soon())
    assert Assignment.objects.count() == 2


def test_supervisors_assign_to_their_teams_and_their_people_only(world):
    assignment_create(actor=world.supervisor, course=world.course, team=world.team, due_on=soon())
    assignment_create(actor=world.supervisor, course=world.second, user=world.member, due_on=soon())
    with pytest.raises(ValidationError) as team_error:
        assignment_create(actor=world.supervisor, course=world.course, team=world.other_team, due_on=soon())
    assert team_error.value.message_dict == {"team": ["You can assign work only to teams you supervise."]}
    with pytest.raises(ValidationError) as person_error:
        assignment_create(actor=world.supervisor, course=world.course, user=world.outsider, due_on=soon())
    assert person_error.value.message_dict == {"user": ["You can assign work only to people on teams you supervise."]}
    assert Assignment.objects.count() == 2


def test_learners_cannot_assign_or_remove(world):
    with pytest.raises(PermissionDenied):
        assignment_create(actor=world.member, course=world.course, user=world.member, due_on=soon())
    assignment = assignment_create(actor=world.admin, course=world.course, team=world.team, due_on=soon())
    with pytest.raises(PermissionDenied):
        assignment_withdraw(actor=world.member, assignment=assignment)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_supervisors_remove_only_their_teams_assignments(world):
    theirs = assignment_create(actor=world.admin, course=world.course, team=world.team, due_on=soon())
    other = assignment_create(actor=world.admin, course=world.course, team=world.other_team, due_on=soon())
    with pytest.raises(PermissionDenied):
        assignment_withdraw(actor=world.supervisor, assignment=other)
    assignment_withdraw(actor=world.supervisor, assignment=theirs)
    assert list(Assignment.objects.open()) == [other]
    assert Assignment.objects.get(pk=theirs.pk).withdrawn_at is not None  # kept for its history


def test_input_is_checked_field_by_field(world):
    with pytest.raises(ValidationError) as error:
        assignment_create(
            actor=world.admin,
            course=world.course,
            program=world.program,
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"course", "team", "due_on"}
    assert error.value.message_dict["due_on"] == ["The due date cannot be in the past."]
    assert not Assignment.objects.exists()


# Enrollment ----------------------------------------------------------------------------------


def test_assigning_enrolls_everyone_assigned(world):
    assignment_create(actor=world.supervisor, program=world.program, team=world.team, due_on=soon())
    assignment_create(actor=world.trainer, course=world.course, user=world.outsider, due_on=soon())
    assert enrolled(world.member) == {"Boundaries in peer support", "Perinatal communication"}
    assert enrolled(world.outsider) == {"Boundaries in peer support"}


def test_people_who_join_a_team_later_are_enrolled(world):
    assignment_create(actor=world.supervisor, program=world.program, team=world.team, due_on=soon())
    newcomer, second_newcomer = LearnerFactory(), LearnerFactory()
    world.team.members.add(newcomer)
    second_newcomer.teams.add(world.team)
    team_members_enroll(team=world.team, people=[newcomer, second_newcomer])
    assert enrolled(newcomer) == enrolled(second_newcomer) == {"Boundaries in peer support", "Perinatal communication"}


# My learning -----------------------------------------------------------------------------------


def test_my_learning_shows_due_dates_and_overdue_work(client, world):
    assignment_create(actor=world.admin, course=world.course, user=world.member, due_on=soon(3))
    late = assignment_create(actor=world.admin, course=world.second, team=world.team, due_on=soon(3))
    Assignment.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    client.force_login(world.member)
    content = client.get(reverse("my-learning")).content.decode()
    assert "Due dates" in content
    assert content.index("Due dates") < content.index('class="card-list"')
    due = soon(3)
    assert f"Due {site_date(due)}" in content and "3 days left" in content
    assert content.count("Overdue") == 1
    complete_course(world.member, world.second)
    content = client.get(reverse("my-learning")).content.decode()
    assert "Overdue" not in content and "Done" in content


def test_an_assigned_program_is_done_only_while_its_certificate_is_valid(client, world):
    """An expired or revoked certificate does not meet a program assignment: the certificate's status decides."""
    assignment_create(actor=world.admin, program=world.program, user=world.member, due_on=soon(3))
    certificate, _ = certificate_issue(user=world.member, program=world.program)
    client.force_login(world.member)
    assert "Done" in client.get(reverse("my-learning")).content.decode()
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    content = client.get(reverse("my-learning")).content.decode()
    assert "Done" not in content and "3 days left" in content


def test_my_learning_has_no_due_dates_panel_without_assignments(learner_client):
    assert "Due dates" not in learner_client.get(reverse("my-learning")).content.decode()


# Reminders ------------------------------------------------------------------------------------


def test_reminders_seven_days_before_and_once_overdue_each_once(world, mailoutbox):
    assignment = assignment_create(actor=world.admin, course=world.course, team=world.team, due_on=soon(20))
    sent = {}
    for days_left in [20, 8, 7, 7, 6, 1, 0, -1, -1, -5]:
        count = due_reminders_send(today=assignment.due_on - timedelta(days=days_left))
        if count:
            sent[days_left] = sent.get(days_left, 0) + count
    assert sent == {7: 1, -1: 1}
    assert [email.subject for email in mailoutbox] == [
        "Due in 7 days: Boundaries in peer support",
        "Overdue: Boundaries in peer support",
    ]
    assert mailoutbox[0].to == ["marisol@example.org"]
    assert set(DueReminder.objects.values_list("kind", flat=True)) == {"soon", "overdue"}


def test_completed_work_gets_no_reminders(world, mailoutbox):
    complete_course(world.member, world.course)
    course_work = assignment_create(actor=world.admin, course=world.course, user=world.member, due_on=soon(7))
    program_work = assignment_create(actor=world.admin, program=world.program, user=world.member, due_on=soon(7))
    certificate_issue(user=world.member, program=world.program)
    assert due_reminders_send(today=course_work.due_on - timedelta(days=7)) == 0
    assert due_reminders_send(today=program_work.due_on + timedelta(days=1)) == 0
    assert mailoutbox == []


def test_command_sends_once_and_refuses_a_bad_date(world, mailoutbox):
    assignment = assignment_create(actor=world.admin, course=world.course, user=world.member, due_on=soon(7))
    day = (assignment.due_on - timedelta(days=7)).isoformat()
    out = StringIO()
    call_command("send_due_reminders", "--today", day, stdout=out)
    call_command("send_due_reminders", "--today", day, stdout=out)
    assert out.getvalue().splitlines() == ["Sent 1 due-date reminder.", "Sent 0 due-date reminders."]
    assert len(mailoutbox) == 1
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("send_due_reminders", "--today", "next tuesday")


# Admin pages ----------------------------------------------------------------------------------


def test_menu_and_page_are_for_those_who_assign(client, world):
    for role in ("admin", "trainer", "supervisor"):
        client.force_login(getattr(world, role))
        assert '"Assignments"' in client.get("/admin/").content.decode()
        assert client.get(INDEX).status_code == 200
    client.force_login(world.member)
    assert client.get(INDEX).status_code in (302, 403)


def test_supervisors_list_only_their_teams_and_people(client, world):
    assignment_create(actor=world.admin, course=world.course, team=world.team, due_on=soon())
    assignment_create(actor=world.admin, course=world.second, user=world.member, due_on=soon())
    assignment_create(actor=world.admin, program=world.program, team=world.other_team, due_on=soon())
    assignment_create(actor=world.admin, program=world.program, user=world.outsider, due_on=soon())
    client.force_login(world.supervisor)
    content = client.get(INDEX).content.decode()
    assert "Riverside peer team" in content and "Marisol Vega" in content
    assert "Lakeside peer team" not in content and "Jordan Lee" not in content
    client.force_login(world.trainer)
    content = client.get(INDEX).content.decode()
    assert "Lakeside peer team" in content and "Jordan Lee" in content


def test_create_with_bad_input_shows_field_errors_and_creates_nothing(client, world):
    client.force_login(world.supervisor)
    response = client.post(
        INDEX,
        {
            "course": world.course.pk,
            "program": world.program.pk,
            "team": world.other_team.pk,
            "due_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["course"] == ["Choose a course or a program, not both."]
    assert "team" in form.errors  # not one of the supervisor's teams: not a choice
    assert not Assignment.objects.exists()

    response = client.post(
        INDEX,
        {"course": world.course.pk, "team": world.team.pk, "due_on": (timezone.localdate() - timedelta(days=1))},
    )
    assert response.context["form"].errors["due_on"] == ["The due date cannot be in the past."]
    assert not Assignment.objects.exists()


def test_create_from_the_admin_enrolls_the_team(client, world):
    client.force_login(world.supervisor)
    response = client.post(INDEX, {"program": world.program.pk, "team": world.team.pk, "due_on": soon().isoformat()})
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.program, assignment.team) == (world.program, world.team)
    assert assignment.assigned_by == world.supervisor
    assert enrolled(world.member) == {"Boundaries in peer support", "Perinatal communication"}


def test_withdraw_asks_first_and_is_scoped(client, world):
    theirs = assignment_create(actor=world.admin, course=world.course, team=world.team, due_on=soon())
    other = assignment_create(actor=world.admin, course=world.course, team=world.other_team, due_on=soon())
    client.force_login(world.supervisor)
    url = reverse("certificate_assignments:withdraw", args=[theirs.pk])
    assert "Withdraw this assignment?" in client.get(url).content.decode()
    assert Assignment.objects.open().filter(pk=theirs.pk).exists()
    assert client.post(url).status_code == 302
    assert not Assignment.objects.open().filter(pk=theirs.pk).exists()
    assert client.post(url).status_code == 404  # withdrawn: nothing left to withdraw
    assert client.post(reverse("certificate_assignments:withdraw", args=[other.pk])).status_code == 404
    assert Assignment.objects.open().filter(pk=other.pk).exists()


def test_work_assigned_both_to_the_team_and_to_the_person_is_reminded_of_once(mailoutbox):
    from datetime import timedelta

    from django.utils import timezone

    from certificates.tracking.models import Assignment
    from certificates.tracking.services import due_reminders_send
    from tests.factories import LearnerFactory

    program = build_program([])
    person = LearnerFactory()
    team = TeamFactory()
    team.members.add(person)
    due = timezone.localdate() + timedelta(days=5)
    Assignment.objects.create(program=program, team=team, due_on=due)
    Assignment.objects.create(program=program, user=person, due_on=due)
    assert due_reminders_send() == 1
    assert due_reminders_send() == 0
    assert len(mailoutbox) == 1
