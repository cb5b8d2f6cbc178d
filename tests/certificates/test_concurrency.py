"""Races a real site meets: two triggers at once for the same person issue one certificate, numbers never
repeat, two reminder jobs send one reminder, and course hours are recorded once.

These need PostgreSQL's real concurrent transactions; SQLite serialises writers, so they skip there.
"""

import queue
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.ce import services as ce_services
from certificates.ce.models import CECredit
from certificates.issuance import services
from certificates.issuance.models import Certificate, CertificateEvent, ExpiryReminder
from courses.models import CourseHours, Enrollment, LessonCompletion
from tests.concurrency import needs_postgres, race  # noqa: F401 - needs_postgres is an autouse fixture
from tests.factories import LearnerFactory, build_course, build_program, ce_category, course_lessons

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _no_pdf_rendering(monkeypatch):
    """Rendering is not what races here; leaving it out keeps these tests quick."""
    monkeypatch.setattr("certificates.issuance.tasks.certificate_pdf_render", lambda certificate, **kwargs: b"")


@pytest.fixture
def small_course(catalog):
    course = build_course(catalog, modules=1, lessons_per_module=2, title="Boundaries in peer support")
    for name, hours in {"Ethics": 2, "Peer-specific": 3}.items():
        CourseHours.objects.create(course=course, category=ce_category(name), hours=Decimal(hours))
    return course


@pytest.fixture
def program(small_course):
    return build_program([small_course])


def completed_without_triggers(user, course):
    """Record a finished course directly, so no automatic check runs before the race starts."""
    Enrollment.objects.create(user=user, course=course)
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(user=user, lesson=lesson) for lesson in course_lessons(course)]
    )


def test_simultaneous_issues_for_one_person_create_one_certificate(program, mailoutbox):
    learner = LearnerFactory()
    results, errors = race(lambda: services.certificate_issue(user=learner, program=program))
    assert errors == []
    assert Certificate.objects.filter(user=learner, program=program).count() == 1
    assert sum(created for _, created in results) == 1
    assert len({certificate.pk for certificate, _ in results}) == 1
    assert CertificateEvent.objects.filter(action="issued").count() == 1
    assert len(mailoutbox) == 1


def test_simultaneous_checks_for_one_person_issue_once_and_record_hours_once(program, small_course, mailoutbox):
    learner = LearnerFactory()
    completed_without_triggers(learner, small_course)
    results, errors = race(lambda: ce_services.learner_certificates_check(user=learner))
    assert errors == []
    assert Certificate.objects.filter(user=learner, program=program).count() == 1
    assert sum(len(result.issued) for result in results) == 1
    assert CECredit.objects.filter(user=learner).count() == 2
    assert len(mailoutbox) == 1


def test_simultaneous_issues_to_different_people_never_share_a_number(program):
    people = queue.Queue()
    for _ in range(8):
        people.put(LearnerFactory())
    results, errors = race(lambda: services.certificate_issue(user=people.get_nowait(), program=program)[0])
    assert errors == []
    serials = sorted(certificate.serial for certificate in results)
    year = timezone.localdate().year
    assert serials == [f"PSS-{year}-{n:06d}" for n in range(1, 9)]
    assert all(re.fullmatch(r"PSS-\d{4}-\d{6}", serial) for serial in serials)
    assert Certificate.objects.count() == 8


def test_two_reminder_jobs_at_once_send_one_reminder(program, mailoutbox):
    certificate, _ = services.certificate_issue(user=LearnerFactory(), program=program)
    mailoutbox.clear()
    today = certificate.expires_on - timedelta(days=30)
    results, errors = race(lambda: services.expiry_reminders_send(today=today))
    assert errors == []
    assert sum(results) == 1
    assert list(ExpiryReminder.objects.values_list("certificate", "days_before")) == [(certificate.pk, 30)]
    assert CertificateEvent.objects.filter(action="reminded").count() == 1
    assert len(mailoutbox) == 1


def test_simultaneous_course_hours_records_keep_one_row_per_category(small_course):
    learner = LearnerFactory()
    completed_without_triggers(learner, small_course)
    _, errors = race(lambda: ce_services.course_credits_record(user=learner))
    assert errors == []
    rows = CECredit.objects.filter(user=learner).values_list("course", "category__name", "hours")
    assert sorted(rows) == [(small_course.pk, "Ethics", Decimal(2)), (small_course.pk, "Peer-specific", Decimal(3))]
