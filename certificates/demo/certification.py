"""Demo certification: a program for the demo course, and demo people with certificates in several states.

The people and their history are invented. Dates are set in the past where a state needs it
(a certificate expiring soon, one expired, a course overdue), so a new user sees every status and
due date on day one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessments.attempts import services as quiz_services
from assessments.models import Attempt, Quiz
from assessments.scoring.rules import BRANCHING, REFLECTION, best_response, version_from_snapshot
from cms.people.access import server_side
from courses.models import CECategory, CourseHours, CoursePage, LessonCompletion, ModulePage
from courses.progress.selectors import course_outline
from courses.progress.services import enrollment_create, lesson_complete

from ..ce.models import CECredit
from ..ce.services import course_credits_record, credit_submit, learner_certificates_check
from ..documents.models import CertificateTemplate
from ..issuance.models import Certificate, Program, ProgramCourse, ProgramHours, RenewalMinimum
from ..issuance.services import certificate_issue, certificate_revoke, program_save
from ..tracking.models import Assignment
from ..tracking.services import assignment_create

PROGRAM_NAME = "Perinatal Peer Support Specialist Certificate"
# What the demo course honestly takes, by category: one hour for each 50 to 60 minutes of its modules'
# lessons and quizzes (tests/certificates/demo/test_honest_hours.py holds it to that).
HOURS = {"Ethics": Decimal(3), "Peer-specific": Decimal(7), "Perinatal and family": Decimal(8)}
ORGANISATION = "Riverside Regional Peer Certification Board"
REFLECTION_ANSWER = "I would listen first, share only what helps, and check in with my supervisor."
# Team members assigned the program, due in 30 days: those without a valid certificate. The demo
# learner is left to enroll on their own, so their first visit shows a new learner's pages.
PROGRAM_ASSIGNED = ["bea.nguyen@example.org", "casey.morgan@example.org", "emery.brooks@example.org"]


def program_ensure(course: CoursePage) -> tuple[Program, bool]:
    """The demo program, its template, and CE hours on the demo course."""
    categories = {c.name: c for c in CECategory.objects.filter(name__in=HOURS)}
    if not course.ce_hours.exists():
        for name, hours in HOURS.items():
            CourseHours.objects.create(course=course, category=categories[name], hours=hours)
    existing = Program.objects.filter(name=PROGRAM_NAME).first()
    if existing:
        return existing, False
    template, _ = CertificateTemplate.objects.get_or_create(
        name="Standard landscape",
        defaults={
            "title": "Certificate of Completion",
            "body": (
                "This certifies that {name} has earned the {certificate}, passing a graded final assessment in six "
                "SAMHSA competency areas and completing {hours} hours of continuing education."
            ),
        },
    )
    program = Program(
        name=PROGRAM_NAME,
        description=(
            "Foundations for peer support specialists who work with pregnant and parenting people with "
            "opioid use disorder: core peer skills and ethics, a perinatal specialty track from pregnancy "
            "through the first year, and a graded final assessment."
        ),
        validity_months=24,
        organisation=ORGANISATION,
        signatory_name="Dr. Ana Torres",
        signatory_title="Director of Training",
        template=template,
        renewal_hours=Decimal(20),
    )
    program_save(program)
    ProgramCourse.objects.create(program=program, course=course)
    for name, hours in HOURS.items():
        ProgramHours.objects.create(program=program, category=categories[name], hours=hours)
    RenewalMinimum.objects.create(program=program, category=categories["Ethics"], hours=Decimal(6))
    return program, True


def quiz_pass(user, quiz: Quiz) -> Attempt:
    """Take ``quiz`` through the real services, choosing the best response every time."""
    attempt = quiz_services.attempt_start(user=user, quiz=quiz).attempt
    for question in version_from_snapshot(attempt.snapshot, attempt.question_keys).questions:
        if question.kind == BRANCHING:
            for choice in best_response(question):
                quiz_services.attempt_answer(attempt=attempt, question_key=question.key, answer=choice)
        elif question.kind == REFLECTION:
            quiz_services.attempt_answer(attempt=attempt, question_key=question.key, answer=REFLECTION_ANSWER)
        else:
            answer = best_response(question)
            answer = list(answer) if isinstance(answer, tuple) else answer
            quiz_services.attempt_answer(attempt=attempt, question_key=question.key, answer=answer)
    return quiz_services.attempt_submit(attempt=attempt)


def course_finish(user, course: CoursePage, *, when: datetime | None = None) -> None:
    """Complete every lesson and pass every module quiz; with ``when``, as if it all happened then."""
    enrollment_create(user=user, course=course)
    lessons = [entry.lesson for entry in course_outline(course=course, user=user).lessons]
    for lesson in lessons:
        lesson_complete(user=user, lesson=lesson)
    quizzes = Quiz.objects.filter(pk__in=ModulePage.objects.descendant_of(course).values("quiz"), live=True)
    attempts = [quiz_pass(user, quiz) for quiz in quizzes]
    if when:
        LessonCompletion.objects.filter(user=user, lesson__in=lessons).update(completed_at=when)
        Attempt.objects.filter(pk__in=[a.pk for a in attempts]).update(started_at=when, submitted_at=when)


def _certified_in_the_past(user, course: CoursePage, program: Program, *, days_ago: int) -> Certificate:
    """A certificate issued ``days_ago``, with the course finished just before it.

    Runs in one transaction, so automatic issuance (which waits for the commit) finds this
    certificate already there instead of issuing a new one dated today.
    """
    when = timezone.now() - timedelta(days=days_ago)
    with transaction.atomic():
        course_finish(user, course, when=when)
        certificate, _ = certificate_issue(user=user, program=program, issued_at=when)
        course_credits_record(user=user)
    return certificate


def demo_certification_ensure(*, course: CoursePage, users: dict, admin) -> Program:
    """The demo program, and on first run, the demo team's certificates in every state."""
    program, created = program_ensure(course)
    if not created:
        return program
    person = users.__getitem__
    # Certified today: finished the course through the site's own services. Issuance also runs on
    # its own once the last quiz is committed; checking here makes it independent of that.
    alex = person("alex.rivera@example.org")
    course_finish(alex, course)
    learner_certificates_check(user=alex)
    # Certified 22 months ago: expiring within 90 days, with renewal hours part-way and one entry to review.
    dee = person("dee.washington@example.org")
    certificate = _certified_in_the_past(dee, course, program, days_ago=22 * 30)
    ethics, peer = CECategory.objects.get(name="Ethics"), CECategory.objects.get(name="Peer-specific")
    approved = credit_submit(
        user=dee,
        title="Ethics and boundaries refresher",
        provider="State Peer Support Association",
        earned_on=certificate.issued_on + timedelta(days=200),
        category=ethics,
        hours=Decimal(6),
    )
    CECredit.objects.filter(pk=approved.pk).update(
        state=CECredit.State.APPROVED, reviewed_by=person("supervisor@example.org"), reviewed_at=timezone.now()
    )
    credit_submit(
        user=dee,
        title="Motivational interviewing for peer supporters",
        provider="Riverside Community College",
        earned_on=timezone.localdate() - timedelta(days=20),
        category=peer,
        hours=Decimal(8),
    )
    # Certified 25 months ago: expired last month.
    _certified_in_the_past(person("emery.brooks@example.org"), course, program, days_ago=25 * 30 + 5)
    # Certified, then revoked: the certificate was issued to a duplicate account. Revoked in the same
    # transaction, so the "Congratulations" email (sent once it commits) finds it revoked and is not sent.
    with transaction.atomic():
        revoked = _certified_in_the_past(person("frankie.okoro@example.org"), course, program, days_ago=90)
        certificate_revoke(
            certificate=revoked, actor=admin, reason="Issued to a duplicate account; see the person's main record."
        )
    _assignments_ensure(course, program, person, admin)
    return program


def _assignments_ensure(course: CoursePage, program: Program, person, admin) -> None:
    """The program due in 30 days for the people still working toward it, and one course overdue."""
    due_on = timezone.localdate() + timedelta(days=30)
    for email in PROGRAM_ASSIGNED:
        assignment_create(actor=server_side(admin), program=program, user=person(email), due_on=due_on)
    # Assigned five weeks ago, due five days ago, and not finished. The service refuses due dates in
    # the past, so this one is written as it would stand today.
    casey = person("casey.morgan@example.org")
    overdue = Assignment.objects.create(
        course=course,
        user=casey,
        due_on=timezone.localdate() - timedelta(days=5),
        assigned_by=person("supervisor@example.org"),
    )
    Assignment.objects.filter(pk=overdue.pk).update(created_at=timezone.now() - timedelta(days=35))
    enrollment_create(user=casey, course=course)
