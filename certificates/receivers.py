"""Issue certificates as soon as they are earned: after a lesson is completed or a quiz passed completes a course.

The check runs once the learner's change is committed, so it sees it; ``robust`` means a
failure here is logged and never breaks the learner's page (``issue_certificates`` catches up).
"""

from django.db import transaction
from django.dispatch import receiver

from assessments.attempts.signals import attempt_submitted
from courses.progress.signals import lesson_completed

from .ce.selectors import attempt_completed_course
from .ce.services import learner_certificates_check


def _check_after_commit(user) -> None:
    transaction.on_commit(lambda: learner_certificates_check(user=user), robust=True)


@receiver(lesson_completed, dispatch_uid="certificates.lesson_completed")
def lesson_completed_check(sender, user, lesson, **kwargs):
    _check_after_commit(user)


def _check_if_course_completed(attempt) -> None:
    if attempt_completed_course(attempt):
        learner_certificates_check(user=attempt.user)


@receiver(attempt_submitted, dispatch_uid="certificates.attempt_submitted")
def attempt_submitted_check(sender, attempt, **kwargs):
    # Most passed attempts complete no course, and then the full check (about 15 queries) has nothing to do.
    if attempt.passed:
        transaction.on_commit(lambda: _check_if_course_completed(attempt), robust=True)
