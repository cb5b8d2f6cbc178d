"""When a certificate's PDF or email fails in the background: retried with back-off, shown to
administrators under Reports > Background tasks, and never an error page for the learner."""

import logging
from datetime import date, timedelta
from io import StringIO
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.documents import pdf
from certificates.issuance.models import Certificate, CertificateEvent
from certificates.tracking.models import Assignment
from cms.models import TaskFailure
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TrainerFactory,
    build_course,
    build_program,
    complete_course,
)

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/background-tasks/"


class BrokenEmailBackend(BaseEmailBackend):
    """A mail server that refuses every message, for a while."""

    def send_messages(self, email_messages):
        raise SMTPException("421 Service not available, closing transmission channel")


class RenderFails:
    """WeasyPrint rendering that raises, counting how often it was asked."""

    def __init__(self):
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        raise OSError("WeasyPrint: could not load font configuration")


@pytest.fixture
def render_fails(monkeypatch):
    failing = RenderFails()
    monkeypatch.setattr(pdf, "render_pdf", failing)
    return failing


@pytest.fixture
def issue(catalog, django_capture_on_commit_callbacks):
    def issue(person):
        course = build_course(catalog, modules=1, lessons_per_module=1)
        build_program([course], hours={"Ethics": 6})
        with django_capture_on_commit_callbacks(execute=True):
            complete_course(person, course)
        return Certificate.objects.get(user=person)

    return issue


@pytest.fixture
def holder(db):
    return LearnerFactory(full_name="Renee Alvarez-Whitfield", email="renee@example.org")


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(AdminFactory())
    return client


def make_due(failure: TaskFailure) -> None:
    TaskFailure.objects.filter(pk=failure.pk).update(next_retry_at=timezone.now() - timedelta(seconds=1))


def test_a_failed_render_is_retried_and_the_learner_sees_being_prepared(
    render_fails, issue, holder, client, admin_client, monkeypatch
):
    certificate = issue(holder)
    assert not certificate.pdf and render_fails.calls == 1
    failure = TaskFailure.objects.get()
    assert failure.task_path == "certificates.issuance.tasks.certificate_render_pdf"
    assert failure.subject == f"Certificate {certificate.serial}: PDF"
    assert failure.state == "retrying" and failure.attempts == 1
    assert failure.last_error == "OSError: WeasyPrint: could not load font configuration"

    client.force_login(holder)
    page = client.get(reverse("my-certificates"))
    assert page.status_code == 200
    assert "Your certificate PDF is being prepared" in page.text

    response = client.get(reverse("certificate-pdf", args=[certificate.serial]))
    assert response.status_code == 202 and response["Content-Type"].startswith("text/html")
    assert "Your certificate PDF is being prepared" in response.text
    assert reverse("certificate-verify", args=[certificate.code]) in response.text
    assert render_fails.calls == 1  # no render in the request while the task retries it

    report = admin_client.get(REPORT)
    assert report.status_code == 200
    assert f"Certificate {certificate.serial}: PDF" in report.text and "certificate_render_pdf" in report.text
    assert "WeasyPrint: could not load font configuration" in report.text
    assert report.context["counts"] == {"retrying": 1, "failed": 0, "resolved": 0}

    monkeypatch.undo()  # rendering works again
    answer = admin_client.post(reverse("background_task_retry", args=[failure.pk]), follow=True)
    assert "ran again and succeeded" in answer.text
    failure.refresh_from_db()
    assert failure.state == "resolved" and failure.resolved_at
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.pdf_rendered_at

    response = client.get(reverse("certificate-pdf", args=[certificate.serial]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "being prepared" not in client.get(reverse("my-certificates")).text
    assert admin_client.get(REPORT).context["counts"] == {"retrying": 0, "failed": 0, "resolved": 1}


def test_a_render_failing_while_the_learner_waits_is_handed_to_the_background_task(issue, holder, client, monkeypatch):
    certificate = issue(holder)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_rendered_at=None)
    render_fails = RenderFails()
    monkeypatch.setattr(pdf, "render_pdf", render_fails)
    client.force_login(holder)

    response = client.get(reverse("certificate-pdf", args=[certificate.serial]))

    assert response.status_code == 202 and "being prepared" in response.text
    failure = TaskFailure.objects.get()
    assert failure.task_path == "certificates.issuance.tasks.certificate_render_pdf"
    assert failure.args == {"args": [certificate.pk], "kwargs": {}}
    assert failure.state == "retrying" and failure.next_retry_at > timezone.now()


def test_retries_wait_longer_each_time_then_the_failure_is_logged_and_shown_as_failed(
    render_fails, issue, holder, admin_client, caplog
):
    issue(holder)
    failure = TaskFailure.objects.get()
    waits = [failure.next_retry_at - failure.last_failed_at]
    with caplog.at_level(logging.WARNING, logger="pss.tasks"):
        for _ in range(4):
            make_due(failure)
            call_command("retry_failed_tasks", stdout=StringIO())
            failure.refresh_from_db()
            if failure.next_retry_at:
                waits.append(failure.next_retry_at - failure.last_failed_at)
    assert [w.total_seconds() for w in waits] == [60, 120, 240, 480]
    assert (failure.state, failure.attempts, render_fails.calls) == ("failed", 5, 5)
    errors = [r for r in caplog.records if r.name == "pss.tasks" and r.levelno == logging.ERROR]
    assert len(errors) == 1 and "certificate_render_pdf" in errors[0].getMessage()

    report = admin_client.get(REPORT)
    assert report.context["counts"] == {"retrying": 0, "failed": 1, "resolved": 0}
    assert "Failed" in report.text and "Not scheduled" in report.text


def test_a_failed_issue_email_is_retried_and_sent_once_the_mail_server_is_back(issue, holder, settings, admin_client):
    settings.EMAIL_BACKEND = "tests.certificates.issuance.test_tasks.BrokenEmailBackend"
    certificate = issue(holder)
    failure = TaskFailure.objects.get()
    assert failure.task_path == "certificates.issuance.tasks.certificate_email_issued"
    assert failure.subject == f"Certificate {certificate.serial}: email, to renee@example.org"
    assert failure.last_error == "SMTPException: 421 Service not available, closing transmission channel"
    assert not CertificateEvent.objects.filter(action=CertificateEvent.Action.EMAILED).exists()

    make_due(failure)
    call_command("retry_failed_tasks", stdout=StringIO())  # still down
    failure.refresh_from_db()
    assert failure.attempts == 2 and failure.state == "retrying"
    assert (failure.next_retry_at - failure.last_failed_at).total_seconds() == 120

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    answer = admin_client.post(reverse("background_task_retry", args=[failure.pk]), follow=True)
    assert "ran again and succeeded" in answer.text
    [email] = mail.outbox
    assert email.to == ["renee@example.org"] and certificate.serial in email.body
    assert CertificateEvent.objects.filter(action=CertificateEvent.Action.EMAILED).count() == 1
    failure.refresh_from_db()
    assert failure.state == "resolved"

    call_command("retry_failed_tasks", "--include-failed", stdout=StringIO())
    assert len(mail.outbox) == 1  # nothing sent twice


def test_a_failed_due_date_reminder_is_retried(catalog, settings):
    from certificates.tracking.services import due_reminders_send

    course = build_course(catalog, modules=1, lessons_per_module=1, title="Ethics refresher")
    person = LearnerFactory(email="sam@example.org")
    Assignment.objects.create(course=course, user=person, due_on=date(2030, 1, 10))
    settings.EMAIL_BACKEND = "tests.certificates.issuance.test_tasks.BrokenEmailBackend"
    assert due_reminders_send(today=date(2030, 1, 5)) == 1
    failure = TaskFailure.objects.get()
    assert failure.task_path == "certificates.tracking.tasks.assignment_email_due_reminder"
    assert "sam@example.org" in failure.subject

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_due(failure)
    call_command("retry_failed_tasks", stdout=StringIO())
    [email] = mail.outbox
    assert email.to == ["sam@example.org"] and "Ethics refresher" in email.subject
    failure.refresh_from_db()
    assert failure.state == "resolved"


@pytest.mark.parametrize("factory", [TrainerFactory, SupervisorFactory])
def test_only_administrators_open_the_report_and_retry(factory, render_fails, issue, holder):
    issue(holder)
    failure = TaskFailure.objects.get()
    client = Client()
    client.force_login(factory())
    # Wagtail's "no permission": back to the dashboard.
    assert client.get(REPORT)["Location"] == "/admin/"
    assert client.post(reverse("background_task_retry", args=[failure.pk]))["Location"] == "/admin/"
    assert render_fails.calls == 1
    admin_home = client.get("/admin/")
    assert REPORT not in admin_home.text


def test_retry_now_needs_a_post_with_a_csrf_token(render_fails, issue, holder):
    issue(holder)
    failure = TaskFailure.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(AdminFactory())
    url = reverse("background_task_retry", args=[failure.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    assert render_fails.calls == 1
    report = client.get(REPORT)
    assert f'action="{url}"' in report.text and "csrfmiddlewaretoken" in report.text


def test_the_report_is_in_the_administrators_menu_and_says_when_nothing_is_failing(admin_client):
    assert REPORT in admin_client.get("/admin/").text
    report = admin_client.get(REPORT)
    assert report.status_code == 200 and "Nothing is failing" in report.text


def test_no_congratulations_for_a_certificate_revoked_before_the_email_goes(catalog, holder, mailoutbox):
    """The email says what is true when it runs: a certificate revoked (or replaced, or expired) by then is not celebrated."""
    from certificates.issuance.services import certificate_issue, certificate_revoke
    from certificates.issuance.tasks import certificate_email_issued

    course = build_course(catalog, modules=1, lessons_per_module=1)
    program = build_program([course])
    certificate, _ = certificate_issue(user=holder, program=program)
    certificate_revoke(certificate=certificate, actor=AdminFactory(), reason="Duplicate account")
    certificate_email_issued.call(certificate.pk)
    assert mailoutbox == []
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=None)
    certificate_email_issued.call(certificate.pk)
    assert [m.to for m in mailoutbox] == [[holder.email]]


@pytest.mark.parametrize(
    ("program_name", "sentence"),
    [
        (
            "Perinatal Peer Support Specialist Certificate",
            "you have earned the Perinatal Peer Support Specialist Certificate.",
        ),
        ("Ethics Refresher", "you have earned the Ethics Refresher certificate."),
    ],
)
def test_the_congratulations_email_names_what_was_earned_as_the_certificate_does(
    catalog, holder, mailoutbox, program_name, sentence
):
    from certificates.issuance.services import certificate_issue
    from certificates.issuance.tasks import certificate_email_issued

    program = build_program([build_course(catalog, modules=1, lessons_per_module=1)])
    program.name = program_name
    program.save()
    certificate, _ = certificate_issue(user=holder, program=program)
    mailoutbox.clear()
    certificate_email_issued.call(certificate.pk)
    [email] = mailoutbox
    assert sentence in " ".join(email.body.split())
    assert "Certificate certificate" not in email.body
