"""What a certificate's documents say beyond the PDF: its Open Badges credential and a LinkedIn link.

Every fact is taken from what the certificate froze when it was issued.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.urls import reverse

from cms.links import absolute_url

from .credentials import CredentialData


def linkedin_add_url(certificate) -> str:
    """LinkedIn's "Add to profile" link with the certification's facts filled in."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.program_name,
        "organizationName": certificate.organisation,
        "issueYear": certificate.issued_on.year,
        "issueMonth": certificate.issued_on.month,
        "certUrl": certificate.verification_url(),
        "certId": certificate.serial,
    }
    if certificate.expires_on:
        params |= {"expirationYear": certificate.expires_on.year, "expirationMonth": certificate.expires_on.month}
    return "https://www.linkedin.com/profile/add?" + urlencode(params)


def recipient_hash(email: str, salt: str) -> str:
    """How the credential names its holder without revealing their email: Open Badges' salted sha256."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def credential_data(certificate) -> CredentialData:
    """The Open Badges credential's facts, all taken from what the certificate froze when issued."""
    email = certificate.user.email if certificate.user else ""
    return CredentialData(
        certificate_url=certificate.verification_url(),
        status_url=absolute_url(reverse("api-verify", args=[certificate.code])),
        serial=certificate.serial,
        name=certificate.printed_name,
        recipient=recipient_hash(email, certificate.serial),
        recipient_salt=certificate.serial,
        program_name=certificate.program_name,
        program_description=certificate.program_description,
        achievement_id=absolute_url(reverse("program-achievement", args=[certificate.program_id])),
        criteria=(
            "Completed every lesson and passed every module quiz of the program's required courses"
            f" ({certificate.program_name}, version {certificate.program_version})."
        ),
        hours={row["category"]: float(row["hours"]) for row in certificate.hours},
        issuer_id=absolute_url("/"),
        issuer_name=certificate.organisation,
        issued_at=certificate.issued_at,
        expires_on=certificate.expires_on,
    )
