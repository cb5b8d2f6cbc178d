"""CE hours: how they are written, and the instruction time that can honestly carry them.

One CE hour stands for 50 to 60 minutes of learning. A course's instruction time is its live
lessons' estimated minutes plus one attempt at each live module quiz (``quizzes_minutes``). Hours
awarded beyond one per 50 minutes of that time are flagged to the trainer, not refused: other
approved training may count toward a program's hours. The course editor, the program editor and
the demo's tests all ask this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_FLOOR, Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from assessments.quizzes.models import Quiz
from assessments.quizzes.timing import quizzes_minutes
from cms.dates import duration_text

from .models import LessonPage, ModulePage

MINUTES_PER_HOUR = 50  # the fewest minutes one CE hour may stand for


def instruction_minutes(lesson_minutes: Iterable[int], quizzes: Iterable[Quiz]) -> int:
    """The rule: the lessons' estimated minutes plus one attempt at each quiz."""
    quizzes = list(quizzes)
    minutes = quizzes_minutes(quizzes)
    return sum(lesson_minutes) + sum(minutes[quiz.pk] for quiz in quizzes)


def course_instruction_minutes(course) -> int:
    """Minutes a learner needs for ``course``: its live lessons and one attempt at each live module quiz."""
    lessons = LessonPage.objects.live().descendant_of(course).aggregate(total=Sum("estimated_minutes"))["total"]
    modules = ModulePage.objects.live().descendant_of(course).exclude(quiz=None).values("quiz")
    return instruction_minutes([lessons or 0], Quiz.objects.filter(live=True, pk__in=modules))


def hours_supported(minutes: int) -> Decimal:
    """The most CE hours ``minutes`` of instruction carry: one per 50 minutes, rounded down to a quarter hour."""
    quarters = (Decimal(minutes) * 4 / MINUTES_PER_HOUR).to_integral_value(rounding=ROUND_FLOOR)
    return quarters / 4


def hours_warning(awarded: Decimal, minutes: int) -> str | None:
    """A warning when ``awarded`` CE hours exceed what ``minutes`` of instruction support; None when they do not."""
    supported = hours_supported(minutes)
    if awarded <= supported:
        return None
    return " ".join(
        [
            _hours_phrase(_("This awards %(hours)s CE hour."), _("This awards %(hours)s CE hours."), awarded),
            _hours_phrase(
                _("Its %(time)s of lessons and quizzes support at most %(hours)s hour, one for each %(per)s minutes."),
                _("Its %(time)s of lessons and quizzes support at most %(hours)s hours, one for each %(per)s minutes."),
                supported,
                time=duration_text(minutes),
                per=MINUTES_PER_HOUR,
            ),
            _("Award fewer hours, add instruction, or make sure other approved training covers the difference."),
        ]
    )


def _hours_phrase(singular: str, plural: str, hours: Decimal, **values) -> str:
    return (singular if hours == 1 else plural) % {"hours": hours_text(hours), **values}


def hours_text(hours: Decimal) -> str:
    """How hours are written in stored facts, logs and messages: the plain decimal people typed.

    ``Decimal("10.00")`` as ``"10"``, never ``"1E+1"``; ``Decimal("2.50")`` as ``"2.5"``.
    """
    return format(hours.normalize(), "f")
