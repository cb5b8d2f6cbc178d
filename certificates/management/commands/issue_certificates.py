"""Issue every certificate already earned, record course CE hours and renew what is due (backfills, after imports).

Safe to run at any time and as often as wanted: it issues nothing twice.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from certificates.ce.services import learner_certificates_check
from certificates.issuance.models import Program
from certificates.issuance.selectors import programs_for_issuing


class Command(BaseCommand):
    help = "Issue earned certificates, record course CE hours and renew certificates whose renewal hours are met."

    def add_arguments(self, parser):
        parser.add_argument("--user", help="Only this person (email address).")
        parser.add_argument("--program", type=int, help="Only this program (id).")

    def handle(self, *args, user=None, program=None, **options):
        programs = programs_for_issuing()
        if program is not None:
            programs = programs.filter(pk=program)
            if not programs.exists():
                raise CommandError(f"No issuing program has id {program}. Programs: {self._program_list()}")
        programs = list(programs)
        people = get_user_model().objects.filter(is_active=True, enrollments__isnull=False).distinct().order_by("pk")
        if user:
            people = people.filter(email__iexact=user)
            if not people.exists():
                raise CommandError(f"No active, enrolled person has the email address {user!r}.")
        issued = renewed = credits = 0
        for person in people.iterator():
            result = learner_certificates_check(user=person, programs=programs)
            issued += len(result.issued)
            renewed += len(result.renewed)
            credits += result.credits_added
            for certificate in result.issued + result.renewed:
                self.stdout.write(f"{certificate.serial}  {certificate.name}  {certificate.program_name}")
        self.stdout.write(
            self.style.SUCCESS(f"Issued {issued}, renewed {renewed}; recorded {credits} course CE hours entries.")
        )

    def _program_list(self) -> str:
        return ", ".join(f"{p.pk} ({p.name})" for p in Program.objects.filter(active=True)) or "none"
