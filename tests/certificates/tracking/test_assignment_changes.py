"""Changing a due date and withdrawing an assignment: who may, the audit entries, and that no stale
"Overdue" or reminder is left on any surface (status rows and report, API, My learning, reminders)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from certificates.tracking.audit import ASSIGNMENT_DUE_CHANGE, ASSIGNMENT_WITHDRAW
from certificates.tracking.models import Assignment, DueReminder
from certificates.tracking.selectors import assignment_history, learner_due_items, people_already_done
from certificates.tracking.services import (
    assignment_create,
    assignment_due_date_change,
    assignment_withdraw,
    due_reminders_send,
)
from certificates.tracking.status_rows import status_rows
from cms.dates import site_date
from cms.models import AuditLogEntry
from tests.factories import complete_course

pytestmark = pytest.mark.django_db


def days(n):
    return timezone.localdate() + timedelta(days=n)


def overdue_assignment(world, **target):
    """An assignment of the program made earlier, now 5 days past its due date."""
    assignment = Assignment.objects.create(program=world.program, due_on=days(-5), assigned_by=world.admin, **target)
    return assignment


def member_row(world):
    (row,) = status_rows(viewer=world.supervisor, people=[world.member], programs=[world.program])
    return row


def test_a_new_due_date_clears_overdue_everywhere_and_is_audited(world):
    assignment = overdue_assignment(world, team=world.team)
    assert member_row(world).overdue
    assert learner_due_items(user=world.member)[0].overdue
    assert due_reminders_send() == 1  # the overdue reminder for the old date

    assignment_due_date_change(actor=world.supervisor, assignment=assignment, due_on=days(20))

    row = member_row(world)
    assert (row.due_on, row.overdue) == (days(20), False)
    item = learner_due_items(user=world.member)[0]
    assert (item.due_on, item.overdue) == (days(20), False)
    assert not DueReminder.objects.exists()  # reminders start again from the new date
    entry = AuditLogEntry.objects.get(action=ASSIGNMENT_DUE_CHANGE)
    assert entry.user == world.supervisor
    assert entry.message == f"Due date changed: due date: {site_date(days(-5))} → {site_date(days(20))}"
    assert "Perinatal Peer Support Certificate (program) for the team Riverside peer team" == entry.label


def test_a_withdrawn_assignment_is_not_overdue_and_reminds_no_one(world, mailoutbox):
    assignment = overdue_assignment(world, user=world.member)
    assignment_withdraw(actor=world.supervisor, assignment=assignment)
    row = member_row(world)
    assert (row.due_on, row.overdue) == (None, False)
    assert learner_due_items(user=world.member) == []
    assert due_reminders_send() == 0 and mailoutbox == []
    entry = AuditLogEntry.objects.get(action=ASSIGNMENT_WITHDRAW)
    assert entry.message.startswith("Assignment withdrawn: ")
    assert "status: open → withdrawn" in entry.message


def test_with_two_assignments_the_open_one_decides(world):
    team_assignment = overdue_assignment(world, team=world.team)
    assignment_create(actor=world.supervisor, program=world.program, user=world.member, due_on=days(30))
    assert member_row(world).overdue  # the earliest open due date counts
    assignment_withdraw(actor=world.supervisor, assignment=team_assignment)
    row = member_row(world)
    assert (row.due_on, row.overdue) == (days(30), False)


def test_only_supervisors_of_the_team_administrators_and_the_assigner_change_or_withdraw(world):
    theirs = assignment_create(actor=world.admin, course=world.course, user=world.member, due_on=days(10))
    other = assignment_create(actor=world.admin, course=world.course, team=world.other_team, due_on=days(10))
    by_trainer = assignment_create(actor=world.trainer, course=world.course, user=world.outsider, due_on=days(10))
    for actor, assignment in [(world.supervisor, other), (world.member, theirs), (world.trainer, theirs)]:
        with pytest.raises(PermissionDenied):
            assignment_due_date_change(actor=actor, assignment=assignment, due_on=days(40))
        with pytest.raises(PermissionDenied):
            assignment_withdraw(actor=actor, assignment=assignment)
    assignment_due_date_change(actor=world.supervisor, assignment=theirs, due_on=days(40))
    assignment_due_date_change(actor=world.trainer, assignment=by_trainer, due_on=days(40))
    assignment_withdraw(actor=world.admin, assignment=other)
    assert Assignment.objects.get(pk=theirs.pk).due_on == days(40)
    assert Assignment.objects.get(pk=other.pk).withdrawn_at is not None
    with pytest.raises(PermissionDenied):  # withdrawn: nothing left to change
        assignment_due_date_change(actor=world.admin, assignment=other, due_on=days(50))


def test_a_past_due_date_is_refused_and_nothing_changes(world):
    assignment = assignment_create(actor=world.supervisor, course=world.course, team=world.team, due_on=days(10))
    with pytest.raises(ValidationError) as error:
        assignment_due_date_change(actor=world.supervisor, assignment=assignment, due_on=days(-1))
    assert error.value.message_dict == {"due_on": ["The due date cannot be in the past."]}
    assert Assignment.objects.get(pk=assignment.pk).due_on == days(10)
    assert not AuditLogEntry.objects.filter(action=ASSIGNMENT_DUE_CHANGE).exists()


def test_history_shows_only_the_viewers_assignments(world):
    theirs = assignment_create(actor=world.supervisor, course=world.course, team=world.team, due_on=days(10))
    assignment_create(actor=world.admin, course=world.course, team=world.other_team, due_on=days(10))
    assignment_withdraw(actor=world.supervisor, assignment=theirs)
    labels = [entry.label for entry in assignment_history(world.supervisor)]
    assert labels == [
        "Boundaries in peer support (course) for the team Riverside peer team",
        "Boundaries in peer support (course) for the team Riverside peer team",
    ]
    assert len(assignment_history(world.admin)) == 3


def test_people_already_done_names_who_finished_the_work(world, django_assert_max_num_queries):
    complete_course(world.member, world.course)
    with django_assert_max_num_queries(6):
        assert people_already_done(course=world.course, team=world.team) == [world.member]
    assert people_already_done(course=world.second, team=world.team) == []
    assert people_already_done(course=world.course, user=world.outsider) == []
