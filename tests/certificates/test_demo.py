"""The demo gives the demo team certificates in every state, through the real services, once."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from certificates.models import Assignment, CECredit, Certificate, CertificateEvent, Program
from certificates.tracking import status_rows
from cms.models import Team
from cms.people.access import visible_people
from tests.auth import verified

pytestmark = pytest.mark.django_db


def states():
    return {c.user.email: c.status().code for c in Certificate.objects.select_related("user")}


def test_demo_team_has_certificates_in_every_state(capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    assert "Certification program" in capsys.readouterr().out
    assert states() == {
        "alex.rivera@example.org": "valid",
        "dee.washington@example.org": "expiring",
        "emery.brooks@example.org": "expired",
        "frankie.okoro@example.org": "revoked",
    }
    assert all(c.pdf for c in Certificate.objects.all())
    assert CertificateEvent.objects.filter(action="revoked", actor__email="admin@example.org").count() == 1
    # The demo learner has not finished yet: they earn theirs by doing the course.
    assert not Certificate.objects.filter(user__email="learner@example.org").exists()
    pending = CECredit.objects.get(state=CECredit.State.PENDING)
    assert pending.user.email == "dee.washington@example.org"
    program = Program.objects.get()
    assert program.renews and program.validity_months == 24 and program.active


def test_demo_team_shows_every_status_and_due_dates(django_capture_on_commit_callbacks, django_user_model):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    supervisor = verified(django_user_model.objects.get(email="supervisor@example.org"))
    team = Team.objects.get()
    rows = {
        r.person.email: r for r in status_rows(viewer=supervisor, people=list(visible_people(supervisor, team=team)))
    }
    assert {email: row.status for email, row in rows.items()} == {
        "learner@example.org": "not_started",
        "alex.rivera@example.org": "certified",
        "bea.nguyen@example.org": "passed",
        "casey.morgan@example.org": "in_progress",
        "dee.washington@example.org": "expiring",
        "emery.brooks@example.org": "expired",
        "frankie.okoro@example.org": "revoked",
    }
    # Bea finished while the program was paused: nothing issued until the next check.
    assert not Certificate.objects.filter(user__email="bea.nguyen@example.org").exists()
    due = {email for email, row in rows.items() if row.due_on}
    assert due == {"bea.nguyen@example.org", "casey.morgan@example.org", "emery.brooks@example.org"}
    # Casey's overdue course is part of the program, so her program row is overdue too.
    assert {email for email, row in rows.items() if row.overdue} == {"casey.morgan@example.org"}
    overdue = Assignment.objects.get(course__isnull=False)
    assert overdue.user.email == "casey.morgan@example.org"
    assert overdue.created_at.date() < overdue.due_on < timezone.localdate()
    # The demo learner is assigned nothing and enrolled in nothing: their first visit is a new learner's.
    learner = django_user_model.objects.get(email="learner@example.org")
    assert not Assignment.objects.filter(user=learner).exists() and not learner.enrollments.exists()


def test_second_run_changes_nothing():
    call_command("load_demo")
    before = (Certificate.objects.count(), CECredit.objects.count(), CertificateEvent.objects.count())
    call_command("load_demo")
    assert (Certificate.objects.count(), CECredit.objects.count(), CertificateEvent.objects.count()) == before
    assert Program.objects.count() == 1
