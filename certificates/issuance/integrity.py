"""Does an issued certificate still verify? Used by ``manage.py verify_certificates`` after a restore, or any time.

A certificate is intact when the public verification page finds it by its code, when a
credential signed for it now verifies against the published keys (JWKS) and states what the
certificate froze, and when its stored PDF is there and is a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..documents import credentials
from ..documents.selectors import credential_data
from . import selectors
from .models import Certificate


@dataclass
class Integrity:
    certificate: Certificate
    problems: list[str] = field(default_factory=list)
    pdf_pending: bool = False  # never rendered yet: not a loss, the background task renders it

    @property
    def ok(self) -> bool:
        return not self.problems


def _verification_problems(certificate: Certificate) -> list[str]:
    found = selectors.certificate_by_code(certificate.code)
    if found is None or found.pk != certificate.pk:
        return [f"the verification page does not find code {certificate.code}"]
    return []


def _credential_problems(certificate: Certificate) -> list[str]:
    data = credential_data(certificate)
    try:
        claims = credentials.credential_verify(credentials.credential_jwt(data))
    except credentials.CredentialInvalid as error:
        return [f"its credential does not verify against the published keys: {error}"]
    if claims.get("jti") != data.certificate_url or claims.get("name") != certificate.program_name:
        return ["its credential does not state what the certificate froze"]
    return []


def _pdf_problems(certificate: Certificate) -> list[str]:
    name = certificate.pdf.name
    if not certificate.pdf.storage.exists(name):
        return [f"its stored PDF {name} is missing"]
    with certificate.pdf.open("rb") as stored:
        if stored.read(5) != b"%PDF-":
            return [f"its stored PDF {name} is not a PDF"]
    return []


def certificate_integrity(certificate: Certificate) -> Integrity:
    """What, if anything, is wrong with ``certificate``: verification, signed credential, stored PDF."""
    result = Integrity(certificate, _verification_problems(certificate) + _credential_problems(certificate))
    if certificate.pdf:
        result.problems += _pdf_problems(certificate)
    else:
        result.pdf_pending = True
    return result


def current_certificates():
    """Every current certificate (revoked ones too: their verification pages must still answer)."""
    return Certificate.objects.current().select_related("user", "program", "superseded_by").order_by("pk")
