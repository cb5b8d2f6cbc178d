"""Expiry reminders: 90, 30 and 7 days before, once each, only the most urgent after a missed run."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from certificates.issuance.models import CertificateEvent, ExpiryReminder
from certificates.issuance.services import (
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
    expiry_reminders_send,
)
from tests.factories import AdminFactory, LearnerFactory, build_course, build_program

pytestmark = pytest.mark.django_db


def long_date(day) -> str:
    return f"{day:%B} {day.day}, {day.year}"


@pytest.fixture
def program(catalog):
    course = build_course(catalog, modules=1, lessons_per_module=1)
    return build_program([course], name="Perinatal Peer Support Certificate", renewal_hours=12)


@pytest.fixture
def holder(db):
    return LearnerFactory(full_name="Renee Alvarez", email="renee@example.org")


@pytest.fixture
def certificate(program, holder):
    return certificate_issue(user=holder, program=program)[0]


def days_before(certificate, days):
    return certificate.expires_on - timedelta(days=days)


def reminders(certificate) -> list[int]:
    return sorted(ExpiryReminder.objects.filter(certificate=certificate).values_list("days_before", flat=True))


def test_daily_runs_remind_at_90_30_and_7_days_once_each(certificate, mailoutbox):
    sent_on = {}
    for days in [120, 100, 91, 90, 89, 60, 31, 30, 29, 10, 8, 7, 6, 3, 1, 0, -1]:
        for _ in range(2):  # a second run on the same day sends nothing more
            if expiry_reminders_send(today=days_before(certificate, days)):
                sent_on.setdefault(days, 0)
                sent_on[days] += 1
    assert sent_on == {90: 1, 30: 1, 7: 1}
    assert reminders(certificate) == [7, 30, 90]
    assert [email.subject for email in mailoutbox] == [
        "Your Perinatal Peer Support Certificate expires in 90 days",
        "Your Perinatal Peer Support Certificate expires in 30 days",
        "Your Perinatal Peer Support Certificate expires in 7 days",
    ]
    assert list(certificate.events.filter(action="reminded").values_list("note", "actor_name")) == [
        ("7-day reminder (7 days left).", "System"),
        ("30-day reminder (30 days left).", "System"),
        ("90-day reminder (90 days left).", "System"),
    ]


def test_the_reminder_goes_to_the_holder_and_says_when_it_expires(certificate, mailoutbox):
    assert expiry_reminders_send(today=days_before(certificate, 30)) == 1
    [email] = mailoutbox
    assert email.to == ["renee@example.org"]
    assert f"expires on {long_date(certificate.expires_on)}, in 30 days" in email.body
    assert certificate.serial in email.body
    assert "record 12 continuing education hours" in email.body and "/certificates/hours/" in email.body


def test_after_a_missed_run_only_the_most_urgent_reminder_is_sent(certificate, mailoutbox):
    assert expiry_reminders_send(today=days_before(certificate, 20)) == 1
    assert reminders(certificate) == [30]
    assert expiry_reminders_send(today=days_before(certificate, 19)) == 0
    assert expiry_reminders_send(today=days_before(certificate, 7)) == 1
    assert reminders(certificate) == [7, 30]
    assert [email.subject.rsplit(" expires ", 1)[1] for email in mailoutbox] == ["in 20 days", "in 7 days"]


def test_a_first_run_a_few_days_before_expiry_sends_one_reminder(certificate, mailoutbox):
    assert expiry_reminders_send(today=days_before(certificate, 3)) == 1
    assert reminders(certificate) == [7]
    assert len(mailoutbox) == 1 and "in 3 days" in mailoutbox[0].body


def test_nothing_is_sent_more_than_90_days_ahead_or_after_expiry(certificate, mailoutbox):
    assert expiry_reminders_send(today=days_before(certificate, 91)) == 0
    assert expiry_reminders_send(today=certificate.expires_on + timedelta(days=1)) == 0
    assert mailoutbox == [] and reminders(certificate) == []


def test_revoked_certificates_get_no_reminders(certificate, mailoutbox):
    certificate_revoke(certificate=certificate, actor=AdminFactory(), reason="Issued in error.")
    assert expiry_reminders_send(today=days_before(certificate, 30)) == 0
    assert mailoutbox == [] and reminders(certificate) == []


def test_a_replaced_certificate_gets_no_reminders_its_replacement_does(certificate, mailoutbox):
    new = certificate_reissue(certificate=certificate, actor=AdminFactory(), reason="Name change.")
    assert expiry_reminders_send(today=days_before(certificate, 30)) == 1
    assert reminders(certificate) == [] and reminders(new) == [30]
    assert new.serial in mailoutbox[0].body


def test_certificates_without_an_expiry_date_get_no_reminders(catalog, holder, mailoutbox):
    course = build_course(catalog, modules=1, lessons_per_module=1)
    lasting = build_program([course], validity_months=None)
    certificate_issue(user=holder, program=lasting)
    assert expiry_reminders_send() == 0 and mailoutbox == []


def test_certificates_of_deleted_accounts_get_no_reminders(certificate, holder, mailoutbox):
    holder.delete()
    assert expiry_reminders_send(today=days_before(certificate, 30)) == 0
    assert mailoutbox == []


def test_the_command_sends_for_a_given_day_once(certificate, mailoutbox):
    day = days_before(certificate, 90).isoformat()
    out = StringIO()
    call_command("send_expiry_reminders", today=day, stdout=out)
    assert out.getvalue().strip() == "Sent 1 expiry reminder."
    again = StringIO()
    call_command("send_expiry_reminders", today=day, stdout=again)
    assert again.getvalue().strip() == "Sent 0 expiry reminders."
    assert len(mailoutbox) == 1
    assert CertificateEvent.objects.filter(action="reminded").count() == 1


def test_the_command_refuses_a_date_it_cannot_read(certificate, mailoutbox):
    with pytest.raises(CommandError, match=r"--today must be a date like 2026-11-27, not '27/11/2026'\."):
        call_command("send_expiry_reminders", today="27/11/2026", stdout=StringIO())
    assert mailoutbox == []


def test_a_reissue_does_not_repeat_a_reminder_already_sent(certificate, mailoutbox):
    assert expiry_reminders_send(today=days_before(certificate, 30)) == 1
    new = certificate_reissue(certificate=certificate, actor=AdminFactory(), reason="Name change.")
    assert reminders(new) == [30]
    assert expiry_reminders_send(today=days_before(certificate, 20)) == 0
    assert expiry_reminders_send(today=days_before(certificate, 7)) == 1
    assert reminders(new) == [7, 30] and len(mailoutbox) == 2
