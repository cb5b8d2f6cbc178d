"""What the daily reminder commands share: a --today option, and sending through one service."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError


class ReminderCommand(BaseCommand):
    """A daily reminder job. Subclasses set ``service``: a function taking ``today`` and returning how many were sent."""

    noun = "reminder"
    service = staticmethod(lambda *, today: 0)

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD), to catch up or to test.")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError as error:
            raise CommandError(f"--today must be a date like 2026-11-27, not {today!r}.") from error
        sent = self.service(today=day)
        self.stdout.write(self.style.SUCCESS(f"Sent {sent} {self.noun}{'s' if sent != 1 else ''}."))
