"""The demo gives the demo team certificates in every state, through the real services, once."""

import pytest
from django.core.management import call_command

from certificates.models import CECredit, Certificate, CertificateEvent, Program

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
    assert program.renews and program.validity_months == 24


def test_second_run_changes_nothing():
    call_command("load_demo")
    before = (Certificate.objects.count(), CECredit.objects.count(), CertificateEvent.objects.count())
    call_command("load_demo")
    assert (Certificate.objects.count(), CECredit.objects.count(), CertificateEvent.objects.count()) == before
    assert Program.objects.count() == 1
