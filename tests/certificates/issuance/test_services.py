"""Issuing certificates: when a course counts as complete, automatic and idempotent issuance, numbering,
frozen facts, reissue, revocation, course CE hours and expiry dates."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.attempts import services as assessment_services
from assessments.scoring.rules import best_response, version_from_snapshot
from certificates.ce.models import CECredit
from certificates.ce.services import certificate_renew, learner_certificates_check
from certificates.documents.pdf import certificate_data
from certificates.documents.rendering import body_html
from certificates.issuance.dates import add_months
from certificates.issuance.models import Certificate, CertificateEvent, ProgramHours
from certificates.issuance.selectors import certificate_by_code
from certificates.issuance.services import (
    CertificateRefused,
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
    certificate_unrevoke,
    program_save,
)
from courses.models import CourseHours
from courses.progress.completion import course_completions
from courses.progress.services import enrollment_create, lesson_complete
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    add_lesson,
    build_course,
    build_program,
    build_quiz,
    ce_category,
    complete_course,
    course_lessons,
    module_with_quiz,
)

pytestmark = pytest.mark.django_db

SERIAL = re.compile(r"^PSS-\d{4}-\d{6}$")


def at(year, month, day, hour=12):
    return timezone.make_aware(datetime(year, month, day, hour))  # noqa: DTZ001 - made aware here


@pytest.fixture
def small_course(catalog):
    return build_course(catalog, modules=1, lessons_per_module=2, title="Boundaries in peer support")


@pytest.fixture
def program(small_course):
    return build_program([small_course], name="Perinatal Peer Support Certificate")


@pytest.fixture
def admin(db):
    return AdminFactory(full_name="Dana Okafor")


def take_quiz(user, quiz, *, best=True):
    """Start, answer and submit an attempt through the services, so the usual signal fires."""
    attempt = assessment_services.attempt_start(user=user, quiz=quiz).attempt
    version = version_from_snapshot(attempt.snapshot, attempt.question_keys)
    for question in version.questions:
        if question.kind == "reflection":
            answer = "I would ask what she needs first."
        elif best and question.kind == "branching":
            for choice in best_response(question):  # a scenario is walked one step at a time
                assessment_services.attempt_answer(attempt=attempt, question_key=question.key, answer=choice)
            continue
        elif best:
            answer = best_response(question)
        elif question.kind == "single":
            answer = min(question.options, key=lambda o: o.credit).key
        else:
            continue
        assessment_services.attempt_answer(attempt=attempt, question_key=question.key, answer=answer)
    return assessment_services.attempt_submit(attempt=attempt)


def add_course_hours(course, hours: dict[str, float]):
    for name, amount in hours.items():
        CourseHours.objects.create(course=course, category=ce_category(name), hours=Decimal(str(amount)))


# When a course counts as complete ------------------------------------------------------------


def test_a_course_with_an_unfinished_lesson_is_not_complete(small_course, learner):
    enrollment_create(user=learner, course=small_course)
    first, second = course_lessons(small_course)
    lesson_complete(user=learner, lesson=first)
    assert course_completions(user=learner, courses=[small_course]) == {small_course.pk: None}
    lesson_complete(user=learner, lesson=second)
    assert course_completions(user=learner, courses=[small_course])[small_course.pk] is not None


def test_a_course_completes_at_the_latest_lesson_or_quiz_moment(small_course, learner):
    quiz = build_quiz()
    module_with_quiz(small_course, quiz)
    complete_course(learner, small_course)
    first, second = course_lessons(small_course)
    learner.lesson_completions.filter(lesson=first).update(completed_at=at(2026, 3, 1))
    learner.lesson_completions.filter(lesson=second).update(completed_at=at(2026, 3, 5))
    learner.attempts.update(submitted_at=at(2026, 3, 3))
    assert course_completions(user=learner, courses=[small_course]) == {small_course.pk: at(2026, 3, 5)}
    learner.attempts.update(submitted_at=at(2026, 3, 9))
    assert course_completions(user=learner, courses=[small_course]) == {small_course.pk: at(2026, 3, 9)}


def test_a_module_quiz_must_be_passed_not_just_taken(small_course, learner):
    quiz = build_quiz()
    module_with_quiz(small_course, quiz)
    enrollment_create(user=learner, course=small_course)
    for lesson in course_lessons(small_course):
        lesson_complete(user=learner, lesson=lesson)
    assert course_completions(user=learner, courses=[small_course])[small_course.pk] is None
    assert take_quiz(learner, quiz, best=False).passed is False
    assert course_completions(user=learner, courses=[small_course])[small_course.pk] is None
    passed = take_quiz(learner, quiz)
    assert course_completions(user=learner, courses=[small_course])[small_course.pk] == passed.submitted_at


def test_a_draft_quiz_is_not_required(small_course, learner):
    module_with_quiz(small_course, build_quiz(publish_it=False))
    enrollment_create(user=learner, course=small_course)
    for lesson in course_lessons(small_course):
        lesson_complete(user=learner, lesson=lesson)
    assert course_completions(user=learner, courses=[small_course])[small_course.pk] is not None


def test_a_draft_lesson_is_not_required(small_course, learner):
    complete_course(learner, small_course)
    module = small_course.get_children().first().specific
    add_lesson(module, title="Not published yet", live=False)
    assert course_completions(user=learner, courses=[small_course])[small_course.pk] is not None
    # Once published it is new to those who had completed the course, not owed (docs/decisions.md).
    add_lesson(module, title="Published later")
    assert course_completions(user=learner, courses=[small_course])[small_course.pk] is not None


# Automatic issuance -------------------------------------------------------------------------


def test_completing_the_last_lesson_issues_emails_and_stores_the_certificate(
    program, small_course, django_capture_on_commit_callbacks, mailoutbox
):
    learner = LearnerFactory(full_name="Renee Alvarez", email="renee@example.org")
    enrollment_create(user=learner, course=small_course)
    first, last = course_lessons(small_course)
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=learner, lesson=first)
    assert not Certificate.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(user=learner, lesson=last)

    certificate = Certificate.objects.get()
    assert (certificate.user, certificate.program, certificate.name) == (learner, program, "Renee Alvarez")
    assert certificate.is_current and certificate.status().code == "valid"
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["renee@example.org"]
    assert email.subject == "Your certificate: Perinatal Peer Support Certificate"
    assert certificate.serial in email.body and certificate.verification_url() in email.body
    assert certificate.pdf.name.endswith(".pdf") and certificate.pdf_rendered_at is not None
    with certificate.pdf.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
    events = list(certificate.events.values_list("action", "actor", "note"))
    assert sorted(events) == [("emailed", None, "renee@example.org"), ("issued", None, "")]


def test_passing_the_last_quiz_issues_the_certificate(
    program, small_course, learner, django_capture_on_commit_callbacks, mailoutbox
):
    quiz = build_quiz(pass_mark=75)
    module_with_quiz(small_course, quiz)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_create(user=learner, course=small_course)
        for lesson in course_lessons(small_course):
            lesson_complete(user=learner, lesson=lesson)
        take_quiz(learner, quiz, best=False)
    assert not Certificate.objects.exists() and mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        take_quiz(learner, quiz)

    assert Certificate.objects.filter(user=learner, program=program).count() == 1
    assert len(mailoutbox) == 1


def test_nothing_is_issued_while_a_required_course_is_missing(
    catalog, small_course, learner, django_capture_on_commit_callbacks, mailoutbox
):
    other = build_course(catalog, modules=1, lessons_per_module=1, title="Perinatal communication")
    build_program([small_course, other])
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, small_course)
    assert not Certificate.objects.exists() and mailoutbox == []
    assert learner_certificates_check(user=learner).issued == []
    call_command("issue_certificates", stdout=StringIO())
    assert not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, other)
    assert Certificate.objects.count() == 1


def test_an_inactive_program_issues_nothing(program, small_course, learner, django_capture_on_commit_callbacks):
    program.active = False
    program.save()
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(learner, small_course)
    assert not Certificate.objects.exists()
    assert learner_certificates_check(user=learner).issued == []
    out = StringIO()
    call_command("issue_certificates", stdout=out)
    assert not Certificate.objects.exists()
    assert "Issued 0" in out.getvalue()


# Idempotency --------------------------------------------------------------------------------


def test_checking_twice_issues_one_certificate(program, small_course, learner):
    complete_course(learner, small_course)
    first = learner_certificates_check(user=learner)
    second = learner_certificates_check(user=learner)
    assert [c.program for c in first.issued] == [program]
    assert second.issued == [] and second.renewed == []
    assert Certificate.objects.count() == 1
    assert CertificateEvent.objects.filter(action="issued").count() == 1


def test_certificate_issue_returns_the_current_certificate_when_called_again(program, learner):
    certificate, created = certificate_issue(user=learner, program=program)
    again, created_again = certificate_issue(user=learner, program=program)
    assert (created, created_again) == (True, False)
    assert again.pk == certificate.pk


def test_the_issue_command_backfills_once_and_reports_what_it_did(program, small_course):
    add_course_hours(small_course, {"Ethics": 2, "Peer-specific": 3})
    learner = LearnerFactory(full_name="Marcus Bell")
    complete_course(learner, small_course)
    LearnerFactory()  # enrolled nowhere: not a candidate

    out = StringIO()
    call_command("issue_certificates", stdout=out)
    certificate = Certificate.objects.get()
    assert f"{certificate.serial}  Marcus Bell  Perinatal Peer Support Certificate" in out.getvalue()
    assert "Issued 1, renewed 0; recorded 2 course CE hours entries." in out.getvalue()

    again = StringIO()
    call_command("issue_certificates", stdout=again)
    assert Certificate.objects.count() == 1
    assert "Issued 0, renewed 0; recorded 0 course CE hours entries." in again.getvalue()
    assert certificate.serial not in again.getvalue()


def test_the_issue_command_can_be_limited_to_one_person_and_one_program(program, small_course):
    first, second = LearnerFactory(email="first@example.org"), LearnerFactory()
    complete_course(first, small_course)
    complete_course(second, small_course)
    call_command("issue_certificates", user="FIRST@example.org", program=program.pk, stdout=StringIO())
    assert list(Certificate.objects.values_list("user", flat=True)) == [first.pk]


def test_the_issue_command_names_unknown_people_and_programs(program):
    with pytest.raises(CommandError, match="No active, enrolled person has the email address 'nobody@example.org'"):
        call_command("issue_certificates", user="nobody@example.org", stdout=StringIO())
    with pytest.raises(CommandError, match=rf"No issuing program has id {program.pk + 1}\. Programs: {program.pk} \("):
        call_command("issue_certificates", program=program.pk + 1, stdout=StringIO())


# Numbers and codes --------------------------------------------------------------------------


def test_serials_count_up_within_each_year(program):
    serials = [
        certificate_issue(user=LearnerFactory(), program=program, issued_at=moment)[0].serial
        for moment in [at(2025, 3, 1), at(2025, 12, 31, 23), at(2026, 1, 1, 0), at(2025, 6, 1)]
    ]
    assert all(SERIAL.match(serial) for serial in serials)
    assert serials == ["PSS-2025-000001", "PSS-2025-000002", "PSS-2026-000001", "PSS-2025-000003"]


def test_verification_codes_are_long_url_safe_and_unique(program):
    certificates = [certificate_issue(user=LearnerFactory(), program=program)[0] for _ in range(5)]
    codes = [c.code for c in certificates]
    assert all(len(code) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", code) for code in codes)
    assert len(set(codes)) == 5
    assert [certificate_by_code(code) for code in codes] == certificates


# Frozen facts -------------------------------------------------------------------------------


def test_later_edits_to_the_program_template_and_person_change_nothing_issued(program, client):
    learner = LearnerFactory(full_name="Renee Alvarez")
    certificate, _ = certificate_issue(user=learner, program=program)
    assert certificate.program_version == program.version == 1

    program.name = "Renamed program"
    program.organisation = "Another board"
    program.signatory_name = "Someone Else"
    program_save(program)
    ProgramHours.objects.filter(program=program).update(hours=Decimal(40))
    program.template.title = "Certificate of Attendance"
    program.template.body = "Changed wording for {name}."
    program.template.save()
    learner.full_name = "Renee Whitfield"
    learner.save()

    certificate.refresh_from_db()
    assert certificate.name == "Renee Alvarez"
    assert certificate.program_name == "Perinatal Peer Support Certificate"
    assert certificate.organisation == "Example State Certification Board"
    assert certificate.signatory_name == "Dr. Ana Torres"
    assert certificate.hours == [{"category": "Ethics", "hours": "6"}, {"category": "Peer-specific", "hours": "14"}]
    assert certificate.total_hours == 20
    assert certificate.program_version == 1
    printed = certificate_data(certificate)
    assert (printed.name, printed.program, printed.title) == (
        "Renee Alvarez",
        "Perinatal Peer Support Certificate",
        "Certificate of Completion",
    )
    page = client.get(certificate.get_verification_path()).content.decode()
    assert "Renee Alvarez" in page and "Renee Whitfield" not in page and "Renamed program" not in page

    program.refresh_from_db()
    assert program.version == 2
    later, _ = certificate_issue(user=LearnerFactory(), program=program)
    assert (later.program_name, later.program_version, later.total_hours) == ("Renamed program", 2, 80)
    assert later.template["title"] == "Certificate of Attendance"


def test_hours_are_recorded_and_printed_as_plain_numbers(small_course, learner):
    program = build_program([small_course], hours={"Ethics": 10, "Peer-specific": 10, "Advocacy": 1.5})
    certificate, _ = certificate_issue(user=learner, program=program)
    assert {row["category"]: row["hours"] for row in certificate.hours} == {
        "Ethics": "10",
        "Peer-specific": "10",
        "Advocacy": "1.5",
    }
    assert certificate.total_hours == Decimal("21.5")

    tens = build_program([small_course], name="Ethics update", hours={"Ethics": 10, "Peer-specific": 10})
    certificate, _ = certificate_issue(user=learner, program=tens)
    body = body_html(certificate_data(certificate))
    assert '<strong class="value"><bdi>20</bdi></strong> hours of continuing education' in body


# Reissue ------------------------------------------------------------------------------------


def test_reissue_after_a_name_change_replaces_the_certificate_with_the_same_dates(program, admin, client):
    learner = LearnerFactory(full_name="Renee Alvarez")
    old, _ = certificate_issue(user=learner, program=program, issued_at=timezone.now() - timedelta(days=30))
    learner.full_name = "Renee Whitfield"
    learner.save()

    new = certificate_reissue(certificate=old, actor=admin, reason="Legal name change.")

    old.refresh_from_db()
    assert new.name == "Renee Whitfield" and old.name == "Renee Alvarez"
    assert (new.issued_at, new.issued_on, new.expires_on) == (old.issued_at, old.issued_on, old.expires_on)
    assert new.kind == "reissued" and new.serial != old.serial and new.is_current
    assert not old.is_current and old.superseded_by == new
    assert old.status().code == "superseded" and new.status().code == "valid"
    assert list(Certificate.objects.current().filter(user=learner)) == [new]
    assert list(old.events.values_list("action", "actor", "note")) == [
        ("superseded", admin.pk, f"Replaced by {new.serial}."),
        ("issued", None, ""),
    ]
    assert list(new.events.values_list("action", "actor", "actor_name", "note")) == [
        ("reissued", admin.pk, "Dana Okafor", f"Reissues {old.serial}. Legal name change.")
    ]
    assert "replaced by a newer one" in client.get(old.get_verification_path()).content.decode()


def test_a_reissue_changes_only_the_name_not_what_the_program_says_now(program, admin):
    learner = LearnerFactory(full_name="Renee Alvarez")
    old, _ = certificate_issue(user=learner, program=program)
    program.name, program.organisation = "Renamed Certificate", "Another Board"
    program.save()
    program.hours.update(hours=99)
    learner.full_name = "Renee Whitfield"
    learner.save()

    new = certificate_reissue(certificate=old, actor=admin, reason="Legal name change.")

    assert new.name == "Renee Whitfield"
    frozen = ["program_name", "program_version", "organisation", "signatory_name", "hours", "total_hours", "template"]
    assert [getattr(new, f) for f in frozen] == [getattr(old, f) for f in frozen]


def test_only_the_current_unrevoked_certificate_can_be_reissued(program, admin, learner):
    old, _ = certificate_issue(user=learner, program=program)
    certificate_reissue(certificate=old, actor=admin, reason="Name change.")
    with pytest.raises(CertificateRefused, match="already been replaced"):
        certificate_reissue(certificate=old, actor=admin, reason="Again.")

    revoked, _ = certificate_issue(user=LearnerFactory(), program=program)
    certificate_revoke(certificate=revoked, actor=admin, reason="Issued in error.")
    with pytest.raises(CertificateRefused, match="revoked"):
        certificate_reissue(certificate=revoked, actor=admin, reason="Name change.")
    assert Certificate.objects.count() == 3


# Revocation ---------------------------------------------------------------------------------


def test_revocation_records_who_and_why(program, admin, learner):
    certificate, _ = certificate_issue(user=learner, program=program)
    revoked = certificate_revoke(
        certificate=certificate, actor=admin, reason="  Course record was entered in error.  ", reason_public=True
    )
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.status().code == "revoked"
    assert (certificate.revoked_reason, certificate.revoked_reason_public) == (
        "Course record was entered in error.",
        True,
    )
    assert revoked.pk == certificate.pk
    event = certificate.events.get(action="revoked")
    assert (event.actor, event.actor_name, event.note) == (admin, "Dana Okafor", "Course record was entered in error.")
    with pytest.raises(CertificateRefused, match="already revoked"):
        certificate_revoke(certificate=certificate, actor=admin, reason="Twice.")


@pytest.mark.parametrize("reason", ["", "   "])
def test_revoking_or_withdrawing_a_revocation_needs_a_reason(program, admin, learner, reason):
    certificate, _ = certificate_issue(user=learner, program=program)
    with pytest.raises(CertificateRefused, match="Give a reason"):
        certificate_revoke(certificate=certificate, actor=admin, reason=reason)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and not certificate.events.filter(action="revoked").exists()

    certificate_revoke(certificate=certificate, actor=admin, reason="Under review.")
    with pytest.raises(CertificateRefused, match="Give a reason"):
        certificate_unrevoke(certificate=certificate, actor=admin, reason=reason)
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None


def test_withdrawing_a_revocation_restores_the_certificate_and_keeps_the_record(program, admin, learner):
    certificate, _ = certificate_issue(user=learner, program=program)
    with pytest.raises(CertificateRefused, match="not revoked"):
        certificate_unrevoke(certificate=certificate, actor=admin, reason="Nothing to undo.")
    certificate_revoke(certificate=certificate, actor=admin, reason="Wrong person.", reason_public=True)
    certificate_unrevoke(certificate=certificate, actor=admin, reason="It was the right person after all.")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.revoked_reason == "" and not certificate.revoked_reason_public
    assert certificate.status().code == "valid"
    assert list(certificate.events.values_list("action", "actor", "note"))[:2] == [
        ("unrevoked", admin.pk, "It was the right person after all."),
        ("revoked", admin.pk, "Wrong person."),
    ]


def test_a_revoked_certificate_is_neither_replaced_nor_renewed(small_course, admin, learner):
    program = build_program([small_course], renewal_hours=2)
    complete_course(learner, small_course)
    certificate, _ = certificate_issue(user=learner, program=program, issued_at=timezone.now() - timedelta(days=60))
    CECredit.objects.create(
        user=learner,
        title="Ethics refresher",
        earned_on=timezone.localdate() - timedelta(days=5),
        category=ce_category("Ethics"),
        hours=Decimal(5),
        state=CECredit.State.APPROVED,
    )
    certificate_revoke(certificate=certificate, actor=admin, reason="Under investigation.")

    result = learner_certificates_check(user=learner)

    assert result.issued == [] and result.renewed == []
    assert list(Certificate.objects.all()) == [certificate]
    with pytest.raises(CertificateRefused, match="revoked certificate cannot be renewed"):
        certificate_renew(certificate=certificate)


# Course CE hours ----------------------------------------------------------------------------


def test_course_hours_are_recorded_once_per_course_and_category_and_approved(catalog, small_course, learner):
    add_course_hours(small_course, {"Ethics": 2, "Perinatal and family": 1.5})
    unfinished = build_course(catalog, modules=1, lessons_per_module=1, title="Advocacy basics")
    add_course_hours(unfinished, {"Advocacy": 3})
    enrollment_create(user=learner, course=unfinished)
    complete_course(learner, small_course)
    finished_on = timezone.localdate(course_completions(user=learner, courses=[small_course])[small_course.pk])

    first = learner_certificates_check(user=learner)
    second = learner_certificates_check(user=learner)

    assert (first.credits_added, second.credits_added) == (2, 0)
    rows = set(
        CECredit.objects.filter(user=learner).values_list(
            "source", "course", "title", "category__name", "hours", "state", "earned_on"
        )
    )
    assert rows == {
        ("course", small_course.pk, "Boundaries in peer support", "Ethics", Decimal(2), "approved", finished_on),
        (
            "course",
            small_course.pk,
            "Boundaries in peer support",
            "Perinatal and family",
            Decimal("1.5"),
            "approved",
            finished_on,
        ),
    }


# Expiry -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2026, 11, 27), 24, date(2028, 11, 27)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month(start, months, expected):
    assert add_months(start, months) == expected


def test_a_certificate_expires_its_validity_months_after_the_issue_date(small_course, learner):
    monthly = build_program([small_course], validity_months=1)
    certificate, _ = certificate_issue(user=learner, program=monthly, issued_at=at(2025, 1, 31))
    assert (certificate.issued_on, certificate.expires_on) == (date(2025, 1, 31), date(2025, 2, 28))
    assert certificate.status(today=date(2025, 2, 28)).code == "expiring"
    assert certificate.status(today=date(2025, 3, 1)).code == "expired"


def test_a_program_without_validity_issues_certificates_that_never_expire(small_course, learner):
    lasting = build_program([small_course], validity_months=None)
    certificate, _ = certificate_issue(user=learner, program=lasting, issued_at=at(2001, 5, 1))
    assert certificate.expires_on is None
    assert certificate.status().code == "valid"
