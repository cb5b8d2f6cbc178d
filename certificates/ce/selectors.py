"""Reads for the CE hours ledger: a person's entries and totals, renewal progress, and hours awaiting review.

Who may see a person's hours and evidence is decided by ``cms.access`` alone; anyone else gets
"not found".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Exists, Prefetch
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils import timezone

from assessments.models import Attempt
from cms.people.access import may_see_person, person_records
from courses.models import CECategory, CoursePage, ModulePage
from courses.progress.completion import course_tallies
from courses.progress.selectors import course_progress
from courses.progress.standing import CourseProgress

from ..issuance.dates import add_months
from ..issuance.models import Certificate, Program, ProgramCourse
from ..issuance.requirements import Requirements, program_requirements
from .models import CECredit


@dataclass
class RenewalProgress:
    """A person's approved CE hours in a certificate's validity window against the program's renewal rule."""

    certificate: Certificate
    required_total: Decimal
    earned_total: Decimal
    minimums: list[tuple[str, Decimal, Decimal]]  # (category, required, earned)

    @property
    def met(self) -> bool:
        return self.earned_total >= self.required_total and all(earned >= need for _, need, earned in self.minimums)

    @property
    def percent(self) -> int:
        if not self.required_total:
            return 100
        return min(100, int(100 * self.earned_total / self.required_total))

    @property
    def missing_total(self) -> Decimal:
        return max(self.required_total - self.earned_total, Decimal(0))

    @property
    def missing(self) -> list[tuple[str, Decimal]]:
        return [(category, need - earned) for category, need, earned in self.minimums if earned < need]


def renewal_window(certificate: Certificate, today: date) -> tuple[date, date]:
    """The dates whose hours renew ``certificate``: after its issue date and on or before its expiry.

    Once it has lapsed, the window is the validity period before ``today`` (never reaching back
    to the issue date), so a lapsed certificate is reinstated by hours as recent as a renewal's.
    The hours that earned the certificate never count towards renewing it.
    """
    if today <= certificate.expires_on:
        return certificate.issued_on, certificate.expires_on
    return max(certificate.issued_on, add_months(today, -certificate.program.validity_months)), today


def renewal_progress(
    *, certificate: Certificate, credits: list[CECredit], today: date | None = None
) -> RenewalProgress | None:
    """How far ``credits`` go towards renewing ``certificate``; None if its program does not renew by hours.

    Approved hours earned inside ``renewal_window`` (the start date excluded) count.
    """
    program = certificate.program
    if not program.renews or not certificate.expires_on:
        return None
    start, end = renewal_window(certificate, today or timezone.localdate())
    window = [c for c in credits if c.state == CECredit.State.APPROVED and start < c.earned_on <= end]
    by_category: dict[int, Decimal] = {}
    for credit in window:
        by_category[credit.category_id] = by_category.get(credit.category_id, Decimal(0)) + credit.hours
    minimums = [
        (row.category.name, row.hours, by_category.get(row.category_id, Decimal(0)))
        for row in program.renewal_minimums.all()
    ]
    return RenewalProgress(
        certificate=certificate,
        required_total=program.renewal_hours,
        earned_total=sum(by_category.values(), Decimal(0)),
        minimums=minimums,
    )


@dataclass
class ProgramStanding:
    """One program as a learner sees it: requirements, and for a current certificate, renewal progress."""

    requirements: Requirements
    certificate: Certificate | None
    renewal: RenewalProgress | None
    still_to_do: list[CourseProgress] = field(default_factory=list)  # each required course not complete yet


@dataclass
class Ledger:
    credits: list[CECredit]
    totals: list[tuple[CECategory, Decimal]]  # approved hours by category
    total: Decimal
    programs: list[ProgramStanding]


def learner_ledger(*, user) -> Ledger:
    """A person's CE hours: every entry, approved totals by category, and where each program stands."""
    credits = list(
        CECredit.objects.filter(user=user).select_related("category", "course", "reviewed_by").order_by("-earned_on")
    )
    totals: dict[CECategory, Decimal] = {}
    for credit in credits:
        if credit.state == CECredit.State.APPROVED:
            totals[credit.category] = totals.get(credit.category, Decimal(0)) + credit.hours
    programs = list(
        Program.objects.filter(active=True).prefetch_related(
            Prefetch("required_courses", queryset=ProgramCourse.objects.select_related("course")),
            "renewal_minimums__category",
        )
    )
    # The newest certificate of each program, revoked or expired ones included: the page says which.
    current = {c.program_id: c for c in Certificate.objects.current().filter(user=user)}
    standings = []
    every_requirement = program_requirements(user=user, programs=programs)
    # What is left of each course still missing, in the words the course pages use.
    missing = {course.pk: course for r in every_requirement for course in r.missing}
    progress = course_progress(user=user, courses=list(missing.values()))
    for requirements in every_requirement:
        certificate = current.get(requirements.program.pk)
        renewal = None
        if certificate:
            certificate.program = requirements.program
            if certificate.revoked_at is None:
                renewal = renewal_progress(certificate=certificate, credits=credits)
        standings.append(
            ProgramStanding(
                requirements=requirements,
                certificate=certificate,
                renewal=renewal,
                still_to_do=[progress[course.pk] for course in requirements.missing],
            )
        )
    return Ledger(
        credits=credits,
        totals=sorted(totals.items(), key=lambda item: item[0].name),
        total=sum(totals.values(), Decimal(0)),
        programs=standings,
    )


def credit_for_viewer(*, viewer, credit_id: int) -> CECredit:
    credit = CECredit.objects.select_related("user", "category").filter(pk=credit_id).first()
    if credit is None or not may_see_person(viewer, credit.user_id):
        raise Http404("No such entry.")
    return credit


def credits_to_review(*, reviewer):
    """External hours awaiting review that this person may decide: their team members', or everyone's for admins."""
    pending = CECredit.objects.filter(source=CECredit.Source.EXTERNAL, state=CECredit.State.PENDING)
    return (
        person_records(reviewer, pending)
        .exclude(user=reviewer)
        .select_related("user", "category")
        .order_by("created_at")
    )


def _course_paths_holding(quiz_id: int):
    """The tree paths of the courses with a module that holds this quiz (a module sits one level below its course)."""
    return (
        ModulePage.objects.filter(quiz_id=quiz_id)
        .annotate(course_path=Substr("path", 1, Length("path") - ModulePage.steplen))
        .values_list("course_path", flat=True)
    )


def attempt_completed_course(attempt) -> bool:
    """Whether a submitted attempt completed a course for its learner, so the certificate check has news.

    Only that changes what ``services.learner_certificates_check`` decides after a quiz: course hours are
    recorded, programs are met and renewals are earned when a course completes. So it must be the learner's
    first pass at the quiz (a later pass leaves every completion as it was), the quiz must sit in a module of
    a course, and that course must now be complete as ``course_tallies`` defines it. Seven queries at most.
    """
    if not attempt.passed or attempt.submitted_at is None:
        return False
    earlier_pass = Attempt.objects.filter(
        user_id=attempt.user_id, quiz_id=attempt.quiz_id, passed=True, submitted_at__lt=attempt.submitted_at
    )
    # One query: no course when the quiz is in none, or when the learner had passed it before.
    courses = list(
        CoursePage.objects.filter(path__in=_course_paths_holding(attempt.quiz_id))
        .alias(passed_before=Exists(earlier_pass))
        .filter(passed_before=False)
        .only("pk", "path")
    )
    tallies = course_tallies(people=[attempt.user_id], courses=courses)
    return any(tally.completed_at is not None for tally in tallies.values())


def program_completed_by_attempt(attempt) -> Program | None:
    """The program a passed quiz attempt has just completed, if any: an active program requiring a course
    whose module holds this quiz, whose requirements are met, and of which the learner held no certificate
    before the submission (nor a revoked one since).

    Judged from the requirements, not from the new certificate: issuance runs once the submission commits,
    so a second submit of the same attempt, answered while the first is still issuing, says the same.
    Issuance itself is ``services.learner_certificates_check``; this only reads.
    """
    if not attempt.passed or attempt.submitted_at is None:
        return None
    course_paths = set(_course_paths_holding(attempt.quiz_id))
    if not course_paths:
        return None
    programs = list(
        Program.objects.filter(active=True, required_courses__course__path__in=course_paths)
        .distinct()
        .order_by("pk")
        .prefetch_related(Prefetch("required_courses", queryset=ProgramCourse.objects.select_related("course")))
    )
    held = Certificate.objects.current().filter(user_id=attempt.user_id, program__in=programs)
    settled = {c.program_id for c in held if c.revoked_at is not None or c.issued_at < attempt.submitted_at}
    programs = [program for program in programs if program.pk not in settled]
    if not programs:
        return None
    met = (r.program for r in program_requirements(user=attempt.user, programs=programs) if r.met)
    return next(met, None)
