"""Check that every current certificate still verifies: after restoring a backup, or at any time.

For each certificate: the verification page finds it by its code, a credential signed for it
verifies against the published keys (JWKS), and its stored PDF is there. Prints one line per
certificate and a summary; exits with status 1 if any certificate fails. A PDF that was never
rendered (the background task has not run yet) is reported but is not a failure.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from certificates.documents import credentials
from certificates.issuance.integrity import certificate_integrity, current_certificates


class Command(BaseCommand):
    help = "Check that every current certificate verifies: code lookup, signed credential and stored PDF."

    def handle(self, *args, **options):
        try:
            credentials.published_keys()
        except ImproperlyConfigured as error:
            raise CommandError(f"Credentials cannot be checked: {error}") from error
        checked = failed = pending = 0
        for certificate in current_certificates().iterator(chunk_size=500):
            result = certificate_integrity(certificate)
            checked += 1
            if not result.ok:
                failed += 1
                self.stdout.write(f"FAIL  {certificate.serial}  {certificate.code}: {'; '.join(result.problems)}")
            elif result.pdf_pending:
                pending += 1
                self.stdout.write(f"OK    {certificate.serial}  {certificate.code}  (PDF not rendered yet)")
            else:
                self.stdout.write(f"OK    {certificate.serial}  {certificate.code}")
        summary = f"{checked} certificates checked: {checked - failed} verify, {failed} fail"
        summary += f", {pending} PDFs not rendered yet." if pending else "."
        if failed:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
