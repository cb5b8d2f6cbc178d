"""Email holders whose certificates expire within 90, 30 or 7 days; each reminder is sent once.

Run it daily from cron or a scheduler, e.g. ``15 6 * * * manage.py send_expiry_reminders``.
Running it twice, or from two machines at once, sends nothing twice.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from certificates.services import expiry_reminders_send


class Command(BaseCommand):
    help = "Send expiry reminders 90, 30 and 7 days before certificates expire, once each."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD), to catch up or to test.")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today must be a date like 2026-11-27, not {today!r}.") from error
        sent = expiry_reminders_send(today=day)
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} expiry reminder{'s' if sent != 1 else ''}."))
