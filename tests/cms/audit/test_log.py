"""The audit log: who did what and when, with before and after, for certificates, grading, roles and teams."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates.services import (
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
    certificate_unrevoke,
    credit_review,
    credit_submit,
)
from cms.audit.log import describe_change
from cms.models import AuditLogEntry
from cms.people.roles import SUPERVISORS
from tests.auth import verified
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    TrainerFactory,
    build_course,
    build_program,
    build_quiz,
    ce_category,
    complete_course,
    pass_quiz,
)

pytestmark = pytest.mark.django_db


def visible_text(response) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(response.content, "html.parser").get_text(" ")).strip()


def entries(action: str, instance=None):
    """Audit entries and Wagtail's own log entries with this action (about ``instance``, if given)."""
    found = []
    for model in (AuditLogEntry, ModelLogEntry):
        rows = model.objects.filter(action=action)
        if instance is not None:
            rows = rows.filter(object_id=str(instance.pk))
        found += list(rows.order_by("pk"))
    return found


def only_entry(action: str, instance=None):
    found = entries(action, instance)
    assert len(found) == 1, f"expected one {action} entry, found {len(found)}"
    entry = found[0]
    assert entry.timestamp is not None
    return entry


@pytest.fixture
def admin(db):
    return AdminFactory(full_name="Avery Admin")


@pytest.fixture
def program(catalog):
    return build_program([build_course(catalog, modules=1, lessons_per_module=1)])


# Certificates ------------------------------------------------------------------------------


def test_issue_revoke_unrevoke_and_reissue_are_logged_with_status_before_and_after(admin, program):
    certificate, _ = certificate_issue(user=LearnerFactory(), program=program, actor=admin)
    issued = only_entry("pss.certificate.issued", certificate)
    assert issued.user == admin
    assert issued.data["before"] == {"status": None} and issued.data["after"] == {"status": "valid"}
    assert issued.message == "Certificate issued: status: — → valid"

    certificate_revoke(certificate=certificate, actor=admin, reason="Issued in error.")
    revoked = only_entry("pss.certificate.revoked", certificate)
    assert (revoked.user, revoked.data["before"], revoked.data["after"]) == (
        admin,
        {"status": "valid"},
        {"status": "revoked"},
    )
    assert revoked.data["note"] == "Issued in error."

    certificate_unrevoke(certificate=certificate, actor=admin, reason="Checked again.")
    restored = only_entry("pss.certificate.unrevoked", certificate)
    assert (restored.data["before"], restored.data["after"]) == ({"status": "revoked"}, {"status": "valid"})

    new = certificate_reissue(certificate=certificate, actor=admin, reason="Name change.")
    replaced = only_entry("pss.certificate.superseded", certificate)
    assert (replaced.data["before"], replaced.data["after"]) == ({"status": "valid"}, {"status": "superseded"})
    reissued = only_entry("pss.certificate.reissued", new)
    assert reissued.user == admin and reissued.data["after"] == {"status": "valid"}


def test_a_command_logs_as_the_system(catalog):
    course = build_course(catalog, modules=1, lessons_per_module=1)
    build_program([course])
    learner = LearnerFactory()
    complete_course(learner, course)
    AuditLogEntry.objects.filter(action="pss.certificate.issued").delete()  # issued on the last lesson, if so

    learner.certificates.all().delete()
    call_command("issue_certificates", verbosity=0)

    entry = only_entry("pss.certificate.issued")
    assert entry.user is None
    assert entry.user_display_name == "system"


# Grading -----------------------------------------------------------------------------------


def test_quiz_publish_and_unpublish_are_logged_by_wagtail(db):
    trainer = TrainerFactory()
    quiz = build_quiz(publish_it=False)
    quiz.save_revision(user=trainer).publish(user=trainer)
    published = ModelLogEntry.objects.get(action="wagtail.publish", object_id=str(quiz.pk))
    assert published.user == trainer
    quiz.refresh_from_db()
    quiz.unpublish(user=trainer)
    assert ModelLogEntry.objects.get(action="wagtail.unpublish", object_id=str(quiz.pk)).user == trainer


def test_a_published_change_to_grading_after_attempts_is_logged(db):
    trainer = TrainerFactory()
    quiz = build_quiz(pass_mark=80)
    quiz.pass_mark = 70
    quiz.save_revision(user=trainer).publish(user=trainer)
    assert entries("pss.quiz.grading") == [], "no attempts yet: nobody's result could change"

    pass_quiz(LearnerFactory(), quiz)
    quiz.refresh_from_db()
    quiz.pass_mark = 60
    questions = quiz.questions.raw_data
    questions[0]["value"]["points"] = "3.0"
    quiz.questions = questions
    quiz.save_revision(user=trainer).publish(user=trainer)

    entry = only_entry("pss.quiz.grading", quiz)
    assert entry.user == trainer
    assert entry.data["before"]["pass_mark"] == 70 and entry.data["after"]["pass_mark"] == 60
    assert entry.data["after"]["questions_with_new_scoring"] == ["Asked to lend money"]
    assert "pass mark: 70 → 60" in entry.message

    quiz.refresh_from_db()
    quiz.title = "A new title only"
    quiz.save_revision(user=trainer).publish(user=trainer)
    assert len(entries("pss.quiz.grading")) == 1, "a change that grades nobody differently is not a grading change"


def test_reviewing_ce_hours_is_logged(db):
    supervisor = verified(SupervisorFactory())
    learner = LearnerFactory()
    team = TeamFactory()
    team.supervisors.add(supervisor)
    team.members.add(learner)
    credit = credit_submit(
        user=learner,
        title="Workshop",
        earned_on=timezone.localdate(),
        category=ce_category("Ethics"),
        hours=Decimal("2.5"),
    )
    credit_review(credit=credit, reviewer=supervisor, approve=True)
    entry = only_entry("pss.cecredit.review", credit)
    assert entry.user == supervisor
    assert entry.data["before"] == {"state": "pending"}
    assert entry.data["after"]["state"] == "approved" and entry.data["after"]["hours"] == "2.5"


def test_a_change_to_a_programs_requirements_is_logged_with_the_version(admin, program, catalog):
    program.validity_months = 12
    program.save()
    entry = only_entry("pss.program.requirements", program)
    assert entry.data["before"] == {"validity_months": 24, "version": 1}
    assert entry.data["after"] == {"validity_months": 12, "version": 2}

    program.description = "Wording only."
    program.save()
    assert len(entries("pss.program.requirements")) == 1


# Roles and teams ---------------------------------------------------------------------------


def test_role_changes_in_the_admin_are_logged_with_who_made_them(client, admin):
    learner = LearnerFactory(full_name="Robin Learner", email="robin@example.org")
    client.force_login(admin)
    response = client.post(
        reverse("wagtailusers_users:edit", args=[learner.pk]),
        {
            "email": "robin@example.org",
            "full_name": "Robin Learner",
            "preferred_name": "",
            "is_active": "on",
            "groups": [g.pk for g in Group.objects.filter(name__in=["Learners", SUPERVISORS])],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    joined, entry = entries("pss.user.roles", learner)
    assert (joined.data["after"], joined.user) == (["Learners"], None)  # the factory, outside any request
    assert entry.user == admin
    assert (entry.data["before"], entry.data["after"]) == (["Learners"], ["Learners", "Supervisors"])
    assert entry.message == "Roles changed: Learners → Learners, Supervisors"
    assert entry.label == "Robin Learner"


def test_becoming_an_administrator_is_logged(admin):
    learner = LearnerFactory()
    learner.is_superuser = True
    learner.save()
    entry = only_entry("pss.user.admin", learner)
    assert (entry.data["before"], entry.data["after"]) == (False, True)
    learner.save(update_fields=["last_login"])  # unrelated saves write nothing
    assert len(entries("pss.user.admin")) == 1


def test_team_changes_are_logged_on_each_person(client, admin):
    team = TeamFactory(name="Northside")
    supervisor = verified(SupervisorFactory())
    team.supervisors.add(supervisor)
    joining = LearnerFactory()
    client.force_login(admin)
    response = client.post(
        reverse("wagtailsnippets_cms_team:edit", args=[team.pk]),
        {"name": "Northside", "description": "", "supervisors": [supervisor.pk], "members": [joining.pk]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = only_entry("pss.user.teams", joining)
    assert entry.user == admin
    assert (entry.data["before"], entry.data["after"]) == ([], ["Northside"])
    supervised = only_entry("pss.user.supervised_teams", supervisor)
    assert supervised.data["after"] == ["Northside"] and supervised.user is None  # added outside a request

    joining.teams.remove(team)
    left = entries("pss.user.teams", joining)[-1]
    assert (left.data["before"], left.data["after"]) == (["Northside"], [])
    team.members.add(joining, LearnerFactory())
    team.members.clear()
    assert len(entries("pss.user.teams")) == 6


# Who sees it -------------------------------------------------------------------------------


def test_administrators_see_the_entries_in_site_history(client, admin, program):
    person = LearnerFactory(full_name="Robin Learner")
    person.groups.add(Group.objects.get(name=SUPERVISORS))
    certificate_issue(user=LearnerFactory(full_name="Casey Holder"), program=program, actor=admin)
    client.force_login(admin)
    text = visible_text(client.get(reverse("wagtailadmin_reports:site_history")))
    assert "Roles changed: Learners → Learners, Supervisors" in text
    assert "Robin Learner" in text
    assert "Certificate issued: status: — → valid" in text


def test_supervisors_and_trainers_do_not_see_role_changes_or_certificates_of_others(client, admin, program):
    person = LearnerFactory(full_name="Robin Learner")
    person.groups.add(Group.objects.get(name=SUPERVISORS))
    certificate_issue(user=LearnerFactory(full_name="Casey Holder"), program=program, actor=admin)
    for viewer in (SupervisorFactory(), TrainerFactory()):
        client.force_login(viewer)
        response = client.get(reverse("wagtailadmin_reports:site_history"))
        assert response.status_code == 200
        text = visible_text(response)
        assert "Roles changed" not in text and "Robin Learner" not in text
        assert "Certificate issued" not in text and "Casey Holder" not in text


def test_a_change_reads_as_before_and_after():
    assert describe_change({"pass_mark": 80, "mastery": {}}, {"pass_mark": 70, "mastery": {}}) == "pass mark: 80 → 70"
    assert describe_change(["Learners"], []) == "Learners → —"
    assert describe_change(False, True) == "no → yes"
