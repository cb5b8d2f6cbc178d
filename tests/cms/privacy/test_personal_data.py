"""A person's own data: the JSON download of everything held about them, and deleting their account."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.attempts.services import attempt_answer, attempt_start, attempt_submit
from assessments.models import Attempt, Response
from certificates.ce.models import CECredit
from certificates.ce.services import credit_submit
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue
from certificates.tracking.models import Assignment, DueReminder
from cms.models import AuditLogEntry
from cms.privacy.personal_data import personal_data_erase
from courses.models import Enrollment, LessonCompletion, Reflection
from courses.progress.services import enrollment_create, lesson_complete, reflection_save
from tests.factories import (
    PASSWORD,
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    build_course,
    build_program,
    build_quiz,
    ce_category,
    course_lessons,
    module_with_quiz,
)

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7\n% stored for the test\n"


def visible_text(response) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(response.content, "html.parser").get_text(" ")).strip()


@dataclass
class Learner:
    user: object
    reflection: str
    written_answer: str
    certificate: Certificate
    credit: CECredit
    attempt: Attempt


def reflection_block_id(lesson) -> str:
    return next(block.id for block in lesson.body if block.block_type == "reflection")


def give_data(user, *, course, quiz, program, team, supervisor, tag: str) -> Learner:
    """Data in every app: progress, a reflection, a submitted attempt, a certificate, CE hours, an assignment."""
    team.members.add(user)
    enrollment_create(user=user, course=course)
    lessons = course_lessons(course)
    for lesson in lessons:
        lesson_complete(user=user, lesson=lesson)
    reflection = f"Sitting with the family helped most ({tag})."
    reflection_save(user=user, lesson=lessons[0], block_id=reflection_block_id(lessons[0]), answer=reflection)

    attempt = attempt_start(user=user, quiz=quiz).attempt
    questions = {q["kind"]: q for q in attempt.snapshot["questions"]}
    best = max(questions["single"]["options"], key=lambda o: o["credit"])
    attempt_answer(attempt=attempt, question_key=questions["single"]["key"], answer=best["key"])
    written = f"I would call her sooner next time ({tag})."
    attempt_answer(attempt=attempt, question_key=questions["reflection"]["key"], answer=written)
    attempt = attempt_submit(attempt=attempt)

    certificate, _ = certificate_issue(user=user, program=program)
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(FAKE_PDF), save=True)
    credit = credit_submit(
        user=user,
        title=f"Trauma-informed care workshop ({tag})",
        provider="County health department",
        earned_on=timezone.localdate() - timedelta(days=3),
        category=ce_category("Ethics"),
        hours=Decimal("3"),
    )
    credit.evidence.save(f"attendance-{tag}.pdf", ContentFile(FAKE_PDF), save=True)
    assignment = Assignment.objects.create(
        course=course, user=user, due_on=timezone.localdate() + timedelta(days=5), assigned_by=supervisor
    )
    DueReminder.objects.create(assignment=assignment, user=user, kind=DueReminder.Kind.SOON)
    return Learner(user, reflection, written, certificate, credit, attempt)


@pytest.fixture
def world(catalog):
    course = build_course(catalog, modules=1, lessons_per_module=2, title="Perinatal peer support")
    quiz = build_quiz(title="Boundaries check")
    module_with_quiz(course, quiz)
    program = build_program([course], name="Perinatal Peer Specialist")
    supervisor = SupervisorFactory(full_name="Dana Supervisor")
    team = TeamFactory(name="Eastside clinic")
    team.supervisors.add(supervisor)
    a = LearnerFactory(full_name="Marisol Quintero-Banks", preferred_name="Mari", email="marisol@example.org")
    b = LearnerFactory(full_name="Theo Abernathy-Lund", email="theo@example.org")
    kwargs = {"course": course, "quiz": quiz, "program": program, "team": team, "supervisor": supervisor}
    return {
        "a": give_data(a, tag="A", **kwargs),
        "b": give_data(b, tag="B", **kwargs),
        "supervisor": supervisor,
        **kwargs,
    }


def download(client, user) -> dict:
    client.force_login(user)
    response = client.get(reverse("my_data"))
    assert response.status_code == 200
    return json.loads(response.content)


# Export ------------------------------------------------------------------------------------


def test_the_profile_offers_the_download_and_the_deletion(client, world):
    client.force_login(world["a"].user)
    response = client.get(reverse("profile"))
    assert reverse("my_data") in response.content.decode()
    assert reverse("account_delete") in response.content.decode()
    assert "Download my data" in visible_text(response)


def test_the_download_is_a_dated_json_attachment(client, world):
    client.force_login(world["a"].user)
    response = client.get(reverse("my_data"))
    today = timezone.localdate()
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="pss-my-data-{today:%Y-%m-%d}.json"'
    assert "no-store" in response["Cache-Control"]


def test_the_export_holds_what_every_app_has_about_the_person(client, world):
    a = world["a"]
    data = download(client, a.user)

    account = data["account"]
    assert account["account"]["email"] == "marisol@example.org"
    assert account["account"]["full_name"] == "Marisol Quintero-Banks"
    assert account["account"]["preferred_name"] == "Mari"
    assert account["account"]["roles"] == ["Learners"]
    assert account["teams"] == ["Eastside clinic"]
    assert any("Member of teams" in entry["what"] for entry in account["audit_log"])

    learning = data["learning"]
    assert [e["course"] for e in learning["enrollments"]] == ["Perinatal peer support"]
    assert len(learning["completed_lessons"]) == 2
    assert [r["answer"] for r in learning["reflections"]] == [a.reflection]

    [attempt] = data["quizzes"]
    assert attempt["quiz"] == "Boundaries check"
    assert attempt["score_percent"] == a.attempt.score
    assert attempt["passed"] is a.attempt.passed
    assert attempt["competencies"], "the result per competency is included"
    answers = {row["question"]: row["answer"] for row in attempt["answers"]}
    assert answers["What you would do differently"] == a.written_answer
    assert answers["Asked to lend money"] == "Say no kindly and find resources together"  # the option's text
    assert "credit" not in json.dumps(attempt), "the answer key is not exported"

    certification = data["certification"]
    [certificate] = certification["certificates"]
    assert certificate["certificate_number"] == a.certificate.serial
    assert certificate["name_as_printed"] == "Marisol Quintero-Banks"
    assert certificate["status"] == "Valid"
    assert certificate["verification_url"].endswith(reverse("certificate-verify", args=[a.certificate.code]))
    assert [h["what"] for h in certificate["history"]] == ["Issued"]
    [credit] = certification["ce_hours"]
    assert credit["title"] == "Trauma-informed care workshop (A)"
    assert credit["evidence_file"].startswith("attendance-A")
    assert credit["state"] == "Awaiting review"
    [assignment] = certification["assignments"]
    assert assignment["work"] == "Perinatal peer support"
    assert assignment["assigned_by"] == "Dana Supervisor"
    assert [r["kind"] for r in certification["due_date_reminders_sent"]] == ["Due in 7 days"]


def test_the_export_holds_nothing_of_another_learner(client, world):
    text = json.dumps(download(client, world["a"].user))
    b = world["b"]
    for secret in (
        b.user.email,
        b.user.full_name,
        b.reflection,
        b.written_answer,
        b.certificate.serial,
        b.certificate.code,
        b.credit.title,
    ):
        assert secret not in text


def test_visitors_are_sent_to_log_in(client):
    for name in ("my_data", "account_delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_export_runs_a_fixed_number_of_queries(client, world, catalog):
    a = world["a"]
    client.force_login(a.user)
    client.get(reverse("my_data"))  # warm caches (content types, site root paths)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my_data")).status_code == 200
        return len(queries)

    before = count()
    # Much more of everything: another course, its progress and reflections, attempts, hours, certificates.
    course = build_course(catalog, modules=2, lessons_per_module=3, title="Second course")
    quiz = build_quiz(title="Second quiz")
    module_with_quiz(course, quiz)
    program = build_program([course], name="Second program")
    team = TeamFactory()
    supervisor = SupervisorFactory()
    team.supervisors.add(supervisor)
    give_data(a.user, course=course, quiz=quiz, program=program, team=team, supervisor=supervisor, tag="more")
    for _ in range(2):
        attempt_submit(attempt=attempt_start(user=a.user, quiz=quiz).attempt)
    assert count() == before


# Deleting one's account --------------------------------------------------------------------


def rows_containing(needle: str) -> list[str]:
    """Every row of every table whose text, email or JSON columns contain ``needle``."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        query = models.Q()
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                query |= models.Q(**{f"{field.attname}__icontains": needle})
        if query:
            for pk in model._base_manager.filter(query).values_list("pk", flat=True):
                found.append(f"{model._meta.label}:{pk}")
    return found


def delete_account(client, user, password=PASSWORD, capture=None):
    client.force_login(user)
    with capture(execute=True):
        return client.post(reverse("account_delete"), {"password": password})


@pytest.fixture
def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


def test_the_confirmation_page_explains_what_is_deleted_and_kept(client, world):
    client.force_login(world["a"].user)
    text = visible_text(client.get(reverse("account_delete")))
    assert "What is deleted" in text
    assert "Certificates you have been issued stay as they are" in text
    assert "organisation's policy" in text


def test_deleting_keeps_certificates_verifiable_with_the_printed_name(
    client, world, django_capture_on_commit_callbacks, private_storage
):
    a, b = world["a"], world["b"]
    client.login(email=a.user.email, password="not-the-password")  # the login protection records the address
    response = delete_account(client, a.user, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_deleted")
    assert "deleted" in visible_text(client.get(response["Location"]))

    # Signed out, and cannot sign in again.
    assert client.get(reverse("profile")).status_code == 302
    assert not client.login(email="marisol@example.org", password=PASSWORD)

    person = get_user_model().objects.get(pk=a.user.pk)
    assert person.email == f"deleted-{person.pk}@invalid"
    assert person.full_name == "Deleted account"
    assert not person.is_active and not person.has_usable_password()
    assert not person.groups.exists() and not person.teams.exists()

    # The certificate still verifies, with the name as printed; its PDF, the issued document, stays.
    page = client.get(reverse("certificate-verify", args=[a.certificate.code]))
    assert page.status_code == 200
    assert "This certificate is valid." in visible_text(page)
    assert "Marisol Quintero-Banks" in visible_text(page)
    certificate = Certificate.objects.get(pk=a.certificate.pk)
    assert certificate.user is None
    assert private_storage.exists(certificate.pdf.name)

    # Personal data is gone: the email nowhere; the name only as printed on the certificate.
    assert rows_containing("marisol@example.org") == []
    allowed = {f"certificates.Certificate:{certificate.pk}"} | {
        f"cms.AuditLogEntry:{pk}"
        for pk in AuditLogEntry.objects.filter(
            object_id=str(certificate.pk), content_type__model="certificate"
        ).values_list("pk", flat=True)
    }
    assert set(rows_containing("Quintero-Banks")) <= allowed
    assert not Reflection.objects.filter(user=person).exists()
    assert not Enrollment.objects.filter(user=person).exists()
    assert not LessonCompletion.objects.filter(user=person).exists()
    assert not CECredit.objects.filter(pk=a.credit.pk).exists()
    assert not private_storage.exists(a.credit.evidence.name)
    assert not Assignment.objects.filter(user=person).exists()

    # The submitted attempt stays for item statistics, without the written answer.
    attempt = Attempt.objects.get(pk=a.attempt.pk)
    assert attempt.user_id == person.pk and attempt.score == a.attempt.score
    assert not Response.objects.filter(attempt=attempt, answer=a.written_answer).exists()
    assert Response.objects.filter(attempt=attempt).count() == 1  # the option chosen

    # Administrators see that it happened.
    entry = AuditLogEntry.objects.get(action="pss.user.erased", object_id=str(person.pk))
    assert entry.data["after"]["certificates"] == "keep"

    # Everyone else is untouched.
    other = get_user_model().objects.get(pk=b.user.pk)
    assert other.email == "theo@example.org" and other.is_active
    assert Reflection.objects.filter(user=other, answer=b.reflection).exists()
    assert Certificate.objects.get(pk=b.certificate.pk).user == other
    assert private_storage.exists(b.credit.evidence.name)
    assert world["team"].members.filter(pk=other.pk).exists()


def test_deleting_with_the_revoke_policy_revokes_certificates_and_removes_the_name(
    client, world, settings, django_capture_on_commit_callbacks, private_storage
):
    settings.PERSONAL_DATA_DELETION_CERTIFICATES = "revoke"
    a = world["a"]
    client.force_login(a.user)
    assert "are revoked" in visible_text(client.get(reverse("account_delete")))
    pdf_name = a.certificate.pdf.name

    delete_account(client, a.user, capture=django_capture_on_commit_callbacks)

    page = client.get(reverse("certificate-verify", args=[a.certificate.code]))
    text = visible_text(page)
    assert page.status_code == 200
    assert "This certificate has been revoked." in text
    assert "The holder's account was deleted at their request." in text
    assert "Quintero-Banks" not in text
    assert "Removed at the holder's request" in text
    assert not private_storage.exists(pdf_name)
    assert rows_containing("marisol@example.org") == []
    assert rows_containing("Quintero-Banks") == []
    assert Certificate.objects.get(pk=world["b"].certificate.pk).name == "Theo Abernathy-Lund"


def test_a_wrong_password_deletes_nothing(client, world, django_capture_on_commit_callbacks):
    a = world["a"]
    response = delete_account(client, a.user, password="not-my-password", capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "That password is not right" in visible_text(response)
    person = get_user_model().objects.get(pk=a.user.pk)
    assert person.email == "marisol@example.org" and person.is_active
    assert Reflection.objects.filter(user=person).exists()
    assert client.get(reverse("profile")).status_code == 200  # still signed in


def test_a_failure_part_way_leaves_everything_as_it_was(world, monkeypatch, private_storage):
    """The account is erased last: if it fails, what the other apps erased before it is rolled back."""
    from cms.privacy import personal_data as privacy

    a = world["a"]

    def broken(user, erasure):
        raise RuntimeError("the database went away")

    sections = privacy.sections()
    monkeypatch.setattr(
        privacy,
        "sections",
        lambda: [
            privacy.PersonalDataSection(s.name, s.export, broken, s.order) if s.name == "account" else s
            for s in sections
        ],
    )
    with pytest.raises(RuntimeError):
        personal_data_erase(user=a.user, actor=a.user)
    person = get_user_model().objects.get(pk=a.user.pk)
    assert person.email == "marisol@example.org"
    assert Reflection.objects.filter(user=person).exists()
    assert CECredit.objects.filter(pk=a.credit.pk).exists()
    assert private_storage.exists(a.credit.evidence.name)
    assert Certificate.objects.get(pk=a.certificate.pk).user == person


# An administrator deletes someone's personal data ------------------------------------------


def test_an_administrator_can_delete_a_persons_data(client, world, django_capture_on_commit_callbacks):
    a = world["a"]
    admin = AdminFactory()
    client.force_login(admin)
    url = reverse("cms_user_erase", args=[a.user.pk])
    listing = client.get(reverse("wagtailusers_users:index"))
    assert url in listing.content.decode()

    wrong = client.post(url, {"email": "someone@example.org"})
    assert wrong.status_code == 200
    assert "This is not the person's email address" in visible_text(wrong)
    assert get_user_model().objects.get(pk=a.user.pk).is_active

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "Marisol@example.org"})
    assert response.status_code == 302
    assert rows_containing("marisol@example.org") == []
    entry = AuditLogEntry.objects.get(action="pss.user.erased", object_id=str(a.user.pk))
    assert entry.user == admin
    assert entry.data["requested_by"] == "an administrator"


def test_only_administrators_may_delete_someone_elses_data(client, world):
    url = reverse("cms_user_erase", args=[world["a"].user.pk])
    client.force_login(world["supervisor"])
    refused = client.post(url, {"email": "marisol@example.org"})
    assert (refused.status_code, refused["Location"]) == (
        302,
        reverse("wagtailadmin_home"),
    )  # Wagtail's "no permission"
    client.force_login(world["b"].user)
    refused = client.post(url, {"email": "marisol@example.org"})
    assert refused.status_code == 302 and reverse("wagtailadmin_login") in refused["Location"]
    assert get_user_model().objects.get(pk=world["a"].user.pk).is_active
