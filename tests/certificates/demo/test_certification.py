"""The demo gives the demo team certificates in every state, through the real services, once."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from certificates.ce.models import CECredit
from certificates.issuance.models import Certificate, CertificateEvent, Program
from certificates.tracking.models import Assignment
from certificates.tracking.status_rows import status_rows
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
        "bea.nguyen@example.org": "in_progress",
        "casey.morgan@example.org": "in_progress",
        "dee.washington@example.org": "expiring",
        "emery.brooks@example.org": "expired",
        "frankie.okoro@example.org": "revoked",
    }
    # Nobody waits for a certificate that does not come: "passed" is never a demo person's lasting state.
    assert not any(row.status == "passed" for row in rows.values())
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


def test_congratulations_go_only_to_people_whose_certificate_is_valid(mailoutbox, django_capture_on_commit_callbacks):
    """Frankie's certificate is revoked and Emery's has expired: neither is congratulated on it."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    congratulated = {m.to[0] for m in mailoutbox if "Congratulations" in m.body}
    assert congratulated == {"alex.rivera@example.org", "dee.washington@example.org"}


def test_the_demo_logins_come_last_and_can_be_printed_alone(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-5:] == [
        "Demo logins (password: demo-pass-2026):",
        "  Learner        learner@example.org",
        "  Trainer        trainer@example.org",
        "  Supervisor     supervisor@example.org",
        "  Administrator  admin@example.org",
    ]
    call_command("load_demo", "--no-logins")
    assert "Demo logins" not in capsys.readouterr().out
    before = Certificate.objects.count()
    call_command("load_demo", "--logins")
    assert capsys.readouterr().out.strip().startswith("Demo logins")
    assert Certificate.objects.count() == before


def test_make_run_prints_the_logins_after_loading_and_just_before_serving():
    makefile = (settings.BASE_DIR / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "load_demo --no-logins" in run and "serve LOGINS=1" in run
    serve = makefile.split("\nserve:", 1)[1].split("\n\n", 1)[0]
    assert serve.index("load_demo --logins") < serve.index("runserver")


def test_the_final_is_attached_to_its_module_and_the_certified_people_pass_it(
    monkeypatch, django_capture_on_commit_callbacks
):
    """load_demo attaches the final to the final-assessment module like the module quizzes, and the demo's
    certified people pass it on their drawn attempt. Until the demo's own items and module exist, a
    generated pool and a copy of the last module stand in for them."""
    import copy

    from assessments.demo import quizzes as demo_quizzes
    from assessments.models import Attempt
    from certificates.management.commands import load_demo
    from courses.demo.curriculum import load_curriculum
    from courses.models import ModulePage
    from tests.assessments.demo.test_final import generated_items

    def curriculum_with_final():
        course = load_curriculum()
        if not any(module["slug"] == "final-assessment" for module in course["modules"]):
            final_module = copy.deepcopy(course["modules"][-1])
            final_module.update(title="Final assessment", slug="final-assessment")
            for n, lesson in enumerate(final_module["lessons"]):
                lesson["slug"] = f"final-assessment-lesson-{n}"
            course["modules"].append(final_module)
        return course

    def final_with_items():
        final = demo_quizzes.load_final()
        return final if final["questions"] else {**final, "questions": generated_items()}

    monkeypatch.setattr(load_demo, "load_curriculum", curriculum_with_final)
    monkeypatch.setattr(load_demo, "load_final", final_with_items)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", "--no-logins")
    final = ModulePage.objects.get(slug="final-assessment").quiz
    assert final.title == "Final assessment: Perinatal Peer Support Specialist" and final.live
    attempts = Attempt.objects.filter(quiz=final)
    assert attempts.count() >= 4 and all(a.passed and len(a.question_keys) == 24 for a in attempts)
    assert states()["alex.rivera@example.org"] == "valid"
