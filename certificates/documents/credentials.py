"""Signed digital credentials: an issued certificate as an Open Badges 3.0 ``AchievementCredential``.

The credential follows the W3C Verifiable Credentials Data Model 2.0 and is secured as a
VC-JWT (a compact JWS, Ed25519 under the JOSE name ``EdDSA``), so anyone holding the file can
check that this site issued it, with any JWT library and the public keys from ``jwks()``.

Keys come from settings. ``CREDENTIAL_SIGNING_KEY`` (PEM) signs new credentials;
``CREDENTIAL_RETIRED_KEYS`` (PEMs) are earlier signing keys, still published so credentials
they signed keep verifying. In development, when no key is configured, one is generated into
``CREDENTIAL_KEY_FILE`` the first time it is needed. Each key's ``kid`` is its RFC 7638
thumbprint. No database: callers pass a ``CredentialData`` snapshot of the certificate.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.text import slugify
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwa import EdDSAAlgorithm
from joserfc.jwk import OKPKey
from joserfc.jws import JWSRegistry

CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
ALGORITHM = "EdDSA"
KEY_SETTINGS = {"CREDENTIAL_SIGNING_KEY", "CREDENTIAL_RETIRED_KEYS", "CREDENTIAL_KEY_FILE"}


class CredentialInvalid(ValueError):
    """A credential token that this site's published keys do not verify."""


@dataclass(frozen=True)
class CredentialData:
    """Everything an issued certificate's credential states, frozen when it was issued."""

    certificate_url: str  # the public verification page; also the credential's id
    status_url: str  # the machine-readable status (revocation) endpoint
    serial: str
    name: str  # the learner's name as printed on the certificate
    recipient: str  # opaque identity hash of the learner's email, e.g. "sha256$..."
    program_name: str
    program_description: str
    achievement_id: str  # URL identifying the program
    criteria: str  # what a learner did to earn it, as narrative text
    issuer_id: str  # URL of the issuer profile: the site root
    issuer_name: str  # the approving organisation
    issued_at: datetime
    expires_on: date | None = None
    hours: Mapping[str, float] = field(default_factory=dict)  # CE hours by category
    recipient_salt: str = ""  # the salt hashed into ``recipient``, when it may be published

    def __post_init__(self):
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must be timezone-aware.")

    @property
    def valid_until(self) -> datetime | None:
        """The last second of the expiry day, in UTC."""
        return datetime.combine(self.expires_on, time(23, 59, 59), tzinfo=UTC) if self.expires_on else None


class Ed25519Algorithm(EdDSAAlgorithm):
    """EdDSA over Ed25519 under the JOSE name "EdDSA".

    RFC 9864 deprecates the name because it does not say which curve; its replacement,
    "Ed25519", is not yet understood by verifiers such as PyJWT. Keys here are always
    Ed25519 (``key_from_pem`` refuses others), so the name is unambiguous in practice.
    """

    security_warning = None


class CredentialRegistry(JWSRegistry):
    """The JWS algorithms credentials are signed and verified with: Ed25519 only."""

    algorithms = {ALGORITHM: Ed25519Algorithm()}


REGISTRY = CredentialRegistry(algorithms=[ALGORITHM])


def key_from_pem(pem: str) -> OKPKey:
    """An Ed25519 key (private or public) from PEM text, with its RFC 7638 thumbprint as ``kid``."""
    try:
        key = OKPKey.import_key(pem)
    except (ValueError, JoseError) as error:
        raise ImproperlyConfigured(f"A credential key is not a readable Ed25519 PEM key: {error}") from error
    if key.curve_name != "Ed25519":
        raise ImproperlyConfigured(f"Credential keys must be Ed25519, not {key.curve_name}.")
    key.ensure_kid()
    return key


def _public_key(key: OKPKey) -> OKPKey:
    """The public half of ``key``, with the same ``kid``."""
    return OKPKey.import_key(key.as_dict(private=False), parameters={"kid": key.kid})


def _generated_key_pem(path: Path) -> str:
    """The development signing key stored at ``path``, created (readable by its owner only) on first use."""
    if path.exists():
        return path.read_text()
    pem = OKPKey.generate_key("Ed25519").as_pem(private=True).decode()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text()
    with os.fdopen(descriptor, "w") as file:
        file.write(pem)
    return pem


@functools.cache
def _keyring() -> tuple[OKPKey, dict[str, OKPKey]]:
    """The current signing key, and every published public key (current first) by ``kid``."""
    pem = settings.CREDENTIAL_SIGNING_KEY
    if not pem and settings.CREDENTIAL_KEY_FILE:
        pem = _generated_key_pem(Path(settings.CREDENTIAL_KEY_FILE))
    if not pem:
        raise ImproperlyConfigured(
            "No credential signing key: set CREDENTIAL_SIGNING_KEY (or CREDENTIAL_SIGNING_KEY_FILE); "
            "`manage.py credential_keygen` makes one."
        )
    current = key_from_pem(pem)
    published = {current.kid: _public_key(current)}
    for retired_pem in settings.CREDENTIAL_RETIRED_KEYS:
        retired = key_from_pem(retired_pem)
        published.setdefault(retired.kid, _public_key(retired))
    return current, published


@receiver(setting_changed)
def _keyring_reload(*, setting: str, **kwargs):
    """Forget the loaded keys when a key setting changes (tests, ``override_settings``)."""
    if setting in KEY_SETTINGS:
        _keyring.cache_clear()


def signing_key() -> OKPKey:
    """The private key that signs new credentials."""
    return _keyring()[0]


def published_keys() -> list[OKPKey]:
    """The public keys verifiers may meet: the current signing key's first, then retired ones."""
    return list(_keyring()[1].values())


def jwks() -> dict[str, list[dict[str, str]]]:
    """The published keys as a JSON Web Key Set, public parameters only."""
    return {
        "keys": [
            {"kty": key["kty"], "crv": key["crv"], "x": key["x"], "kid": key.kid, "use": "sig", "alg": ALGORITHM}
            for key in published_keys()
        ]
    }


def _iso_utc(moment: datetime) -> str:
    """``moment`` in UTC as ISO 8601 with a ``Z``, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def achievement_credential(data: CredentialData) -> dict[str, Any]:
    """The certificate as an unsigned Open Badges 3.0 ``AchievementCredential``.

    The learner is identified by the hashed email and, in plain text, by the name printed on
    the certificate. CE hours appear as totals (``creditsEarned``, ``creditsAvailable``) and,
    per category, as results described by the achievement.
    """
    total_hours = float(sum(data.hours.values()))
    email = {"type": "IdentityObject", "identityHash": data.recipient, "identityType": "emailAddress", "hashed": True}
    if data.recipient_salt:
        email["salt"] = data.recipient_salt
    hour_results = [
        (
            {
                "id": f"{data.achievement_id}#hours-{slugify(category)}",
                "type": ["ResultDescription"],
                "name": f"{category} CE hours",
                "resultType": "RawScore",
            },
            f"{float(hours):g}",
        )
        for category, hours in data.hours.items()
    ]
    achievement = {
        "id": data.achievement_id,
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": data.program_name,
        "description": data.program_description or data.program_name,
        "criteria": {"narrative": data.criteria} if data.criteria else {"id": data.achievement_id},
        "creditsAvailable": total_hours,
    }
    subject = {
        "type": ["AchievementSubject"],
        "identifier": [
            email,
            {"type": "IdentityObject", "identityHash": data.name, "identityType": "name", "hashed": False},
        ],
        "achievement": achievement,
        "creditsEarned": total_hours,
    }
    if hour_results:
        achievement["resultDescription"] = [description for description, _ in hour_results]
        subject["result"] = [
            {"type": ["Result"], "resultDescription": description["id"], "value": value}
            for description, value in hour_results
        ]
    credential = {
        "@context": CONTEXTS,
        "id": data.certificate_url,
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": data.program_name,
        "description": f"Certificate {data.serial}: {data.program_name}",
        "issuer": {"id": data.issuer_id, "type": ["Profile"], "name": data.issuer_name},
        "validFrom": _iso_utc(data.issued_at),
        "awardedDate": _iso_utc(data.issued_at),
        "credentialSubject": subject,
        "credentialStatus": {"id": data.status_url, "type": "1EdTechRevocationList"},
    }
    if data.valid_until:
        credential["validUntil"] = _iso_utc(data.valid_until)
    return credential


def credential_jwt(data: CredentialData, *, now: datetime | None = None) -> str:
    """The credential signed with the current key, as a VC-JWT (compact JWS).

    As Open Badges 3.0 maps it onto the VC Data Model 2.0, the JWT payload is the credential
    itself plus the registered claims ``iss`` (issuer), ``sub`` (recipient), ``jti``
    (credential id), ``nbf`` (``validFrom``), ``exp`` (``validUntil``, when it expires) and
    ``iat``, the moment of signing (``now``, by default the present).
    """
    key = signing_key()
    claims = {
        **achievement_credential(data),
        "iss": data.issuer_id,
        "sub": data.recipient,
        "jti": data.certificate_url,
        "nbf": int(data.issued_at.timestamp()),
        "iat": int((now or datetime.now(UTC)).timestamp()),
    }
    if data.valid_until:
        claims["exp"] = int(data.valid_until.timestamp())
    header = {"alg": ALGORITHM, "kid": key.kid, "typ": "JWT"}
    return jwt.encode(header, claims, key, algorithms=[ALGORITHM], registry=REGISTRY)


def credential_verify(token: str) -> dict[str, Any]:
    """The claims of ``token`` once its signature is verified against a published key.

    Raises ``CredentialInvalid`` when the token is malformed, names no published key, or its
    signature does not match. Only the signature is checked: an expired credential was still
    genuinely issued, and whether it is expired or revoked is a separate question for the
    caller (``exp``/``validUntil``, and the status endpoint).
    """
    try:
        kid = jws.extract_compact(token.encode()).headers().get("kid")
    except (JoseError, ValueError) as error:
        raise CredentialInvalid(f"Not a signed credential: {error}") from error
    key = _keyring()[1].get(kid) if isinstance(kid, str) else None
    if key is None:
        raise CredentialInvalid(f"Signed with an unknown key {kid!r}.")
    try:
        return jwt.decode(token, key, algorithms=[ALGORITHM], registry=REGISTRY).claims
    except (JoseError, ValueError) as error:
        raise CredentialInvalid(f"The signature does not verify: {error}") from error
