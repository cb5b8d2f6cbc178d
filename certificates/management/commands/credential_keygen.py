"""Make a new Ed25519 signing key for certificate credentials.

The private key (PEM) goes to standard output and its ``kid`` to standard error, so
``manage.py credential_keygen > credential-signing-key.pem`` stores only the key.

To rotate keys: move the current key into CREDENTIAL_RETIRED_KEYS (through the file named by
CREDENTIAL_RETIRED_KEYS_FILE; its public half is enough), put the new key in
CREDENTIAL_SIGNING_KEY (or the file named by CREDENTIAL_SIGNING_KEY_FILE), and restart.
New credentials are then signed with the new key, and the JWKS keeps publishing the old one
so credentials it signed still verify. Never drop a retired key while its credentials matter.
"""

from django.core.management.base import BaseCommand
from joserfc.jwk import OKPKey

from certificates.documents.credentials import key_from_pem


class Command(BaseCommand):
    help = "Print a new Ed25519 private key (PEM) for signing certificate credentials; its kid goes to stderr."

    def handle(self, *args, **options):
        pem = OKPKey.generate_key("Ed25519").as_pem(private=True).decode()
        self.stdout.write(pem, ending="")
        self.stderr.write(f"kid {key_from_pem(pem).kid}")
