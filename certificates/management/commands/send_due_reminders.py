"""Email people about assigned work: 7 days before it is due, and once it is overdue; each reminder once.

Run it daily from cron or a scheduler, e.g. ``30 6 * * * manage.py send_due_reminders``.
Running it twice, or from two machines at once, sends nothing twice.
"""

from certificates.management.reminders import ReminderCommand
from certificates.tracking.services import due_reminders_send


class Command(ReminderCommand):
    help = "Send due-date reminders for assigned courses and programs: 7 days before, and once overdue."
    noun = "due-date reminder"
    service = staticmethod(due_reminders_send)
