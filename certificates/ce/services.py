"""Writes for the CE hours ledger, and keeping a person's certificates up to date with it.

Course hours are recorded when a course is completed; external hours count once a supervisor or
administrator approves them. ``learner_certificates_check`` then issues what is earned and renews
what the approved hours renew.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cms.people.access import may_see_person
from courses.models import CoursePage
from courses.progress.completion import course_completions

from ..issuance.dates import add_months
from ..issuance.models import Certificate, Program
from ..issuance.requirements import program_requirements
from ..issuance.selectors import programs_for_issuing
from ..issuance.services import CertificateRefused, certificate_issue, certificate_supersede
from .audit import credit_review_audit
from .models import CECredit
from .selectors import renewal_progress

User = get_user_model()


def _enrolled_courses(user) -> list[CoursePage]:
    return list(CoursePage.objects.live().prefetch_related("ce_hours__category").filter(enrollments__user=user))


def course_credits_record(*, user, courses: list[CoursePage] | None = None, completed: dict | None = None) -> int:
    """Add the CE hours of every course this person has completed to their ledger; returns how many rows were added.

    ``courses`` (enrolled, with ``ce_hours`` prefetched) and ``completed`` may be passed by a caller that has them.
    """
    courses = _enrolled_courses(user) if courses is None else courses
    completed = course_completions(user=user, courses=courses) if completed is None else completed
    existing = set(
        CECredit.objects.filter(user=user, source=CECredit.Source.COURSE).values_list("course_id", "category_id")
    )
    rows = [
        CECredit(
            user=user,
            source=CECredit.Source.COURSE,
            course=course,
            title=course.title,
            provider="",
            earned_on=timezone.localdate(completed[course.pk]),
            category=hours.category,
            hours=hours.hours,
            state=CECredit.State.APPROVED,
        )
        for course in courses
        if completed.get(course.pk)
        for hours in course.ce_hours.all()
        if (course.pk, hours.category_id) not in existing
    ]
    # Another trigger may have recorded the same course meanwhile: the unique constraint keeps one row.
    CECredit.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def certificate_renew(*, certificate: Certificate, actor=None, today: date | None = None) -> Certificate:
    """Replace a certificate whose renewal hours are met with one valid for a new period.

    The new period starts where the old one ends (or today, if it has already lapsed), so
    renewing early loses no time. The old certificate is marked superseded and keeps its
    verification page.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        old = (
            Certificate.objects.select_for_update(of=("self",)).select_related("program", "user").get(pk=certificate.pk)
        )
        if not old.is_current:
            return old.superseded_by
        if old.revoked_at:
            raise CertificateRefused("A revoked certificate cannot be renewed.")
        credits = list(CECredit.objects.filter(user=old.user).select_related("category"))
        progress = renewal_progress(certificate=old, credits=credits, today=today)
        if progress is None or not progress.met:
            raise CertificateRefused("The renewal hours for this certificate are not met yet.")
        start = max(old.expires_on, today)
        return certificate_supersede(
            old,
            Certificate.Kind.RENEWED,
            user=old.user,
            issued_at=timezone.now(),
            expires_on=add_months(start, old.program.validity_months),
            actor=actor,
            note=f"Renews {old.serial}.",
        )


@dataclass
class CheckResult:
    issued: list[Certificate]
    renewed: list[Certificate]
    credits_added: int


def learner_certificates_check(*, user, programs: list[Program] | None = None) -> CheckResult:
    """Bring one person's ledger and certificates up to date: record course hours, issue what is earned, renew what is due.

    Runs after every lesson completion and quiz submission, from ``issue_certificates``, and
    when external hours are approved. Doing it twice changes nothing.
    """
    programs = programs if programs is not None else list(programs_for_issuing())
    enrolled = _enrolled_courses(user)
    courses = {c.pk: c for c in enrolled} | {
        row.course_id: row.course for p in programs for row in p.required_courses.all()
    }
    done = course_completions(user=user, courses=list(courses.values()))
    credits_added = course_credits_record(user=user, courses=enrolled, completed=done)
    issued, renewed = [], []
    for requirements in program_requirements(user=user, programs=programs, done=done):
        if requirements.met:
            certificate, created = certificate_issue(user=user, program=requirements.program)
            if created:
                issued.append(certificate)
    renewable = [p for p in programs if p.renews]
    current = list(Certificate.objects.current().filter(user=user, revoked_at=None, program__in=renewable))
    credits = list(CECredit.objects.filter(user=user).select_related("category")) if current else []
    for certificate in current:
        certificate.program = next(p for p in renewable if p.pk == certificate.program_id)
        progress = renewal_progress(certificate=certificate, credits=credits)
        if progress and progress.met:
            renewed.append(certificate_renew(certificate=certificate))
    return CheckResult(issued=issued, renewed=renewed, credits_added=credits_added)


def program_certificates_check(*, program_id: int) -> int:
    """Issue ``program``'s certificate to everyone who has met its requirements and holds none; returns how many.

    Runs when a program is saved active (created, edited, or resumed after a pause), so people who met
    its requirements meanwhile are not left "passed, awaiting certificate". Only people enrolled in
    a required course can have met them. Doing it twice changes nothing.
    """
    programs = list(programs_for_issuing().filter(pk=program_id))
    if not programs:
        return 0  # paused or gone: it issues nothing
    courses = [row.course_id for row in programs[0].required_courses.all()]
    people = User.objects.filter(is_active=True, enrollments__course_id__in=courses).distinct().order_by("pk")
    return sum(len(learner_certificates_check(user=person, programs=programs).issued) for person in people)


def credit_submit(*, user, **fields) -> CECredit:
    """A learner records external training hours; they count once a supervisor or admin approves them."""
    credit = CECredit(user=user, source=CECredit.Source.EXTERNAL, state=CECredit.State.PENDING, **fields)
    credit.full_clean()
    credit.save()
    return credit


def credit_review(*, credit: CECredit, reviewer, approve: bool, note: str = "") -> CECredit:
    """Approve or reject external hours. People cannot review their own; approved hours may renew a certificate."""
    if credit.user_id == reviewer.pk:
        raise CertificateRefused("You cannot review your own hours.")
    if not may_see_person(reviewer, credit.user_id):
        raise CertificateRefused("Only the person's supervisor or an administrator can review these hours.")
    if credit.source != CECredit.Source.EXTERNAL:
        raise CertificateRefused("Hours from courses on this site are approved automatically.")
    if credit.state != CECredit.State.PENDING:
        raise CertificateRefused("These hours have already been reviewed.")
    if not approve and not note.strip():
        raise CertificateRefused("Say why the hours are not approved, so the learner can fix it.")
    with transaction.atomic():
        before_state = credit.state
        credit.state = CECredit.State.APPROVED if approve else CECredit.State.REJECTED
        credit.reviewed_by = reviewer
        credit.reviewed_at = timezone.now()
        credit.review_note = note.strip()
        credit.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_note"])
        credit_review_audit(credit, reviewer=reviewer, before_state=before_state)
    if approve:
        transaction.on_commit(lambda: learner_certificates_check(user=credit.user), robust=True)
    return credit
