"""When assigned work is due and when it is overdue: the one rule every surface uses.

The status report and its exports, the team and person pages, the admin home, the learner's
"Due dates" panel, the reminders and the API all take a person's due date for a piece of work from
``due_date`` and decide "overdue" with ``is_overdue``. Only open assignments count
(``Assignment.objects.open()``: withdrawn ones do not), each with its current due date, so a date a
supervisor has since changed never leaves an "Overdue" behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

# Reminders go out this many days before the due date.
SOON_DAYS = 7


def due_date(dates: Iterable[date]) -> date | None:
    """The due date of one piece of work for one person, from the open assignments of it: the earliest."""
    return min(dates, default=None)


def is_overdue(due_on: date | None, *, done: bool, today: date) -> bool:
    """Work is overdue once its due date has passed and it is not done yet."""
    return due_on is not None and not done and due_on < today
