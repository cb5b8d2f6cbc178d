"""Email holders whose certificates expire within 90, 30 or 7 days; each reminder is sent once.

Run it daily from cron or a scheduler, e.g. ``15 6 * * * manage.py send_expiry_reminders``.
Running it twice, or from two machines at once, sends nothing twice.
"""

from certificates.issuance.services import expiry_reminders_send
from certificates.management.reminders import ReminderCommand


class Command(ReminderCommand):
    help = "Send expiry reminders 90, 30 and 7 days before certificates expire, once each."
    noun = "expiry reminder"
    service = staticmethod(expiry_reminders_send)
