"""Signed credentials: the Open Badges 3.0 credential, its VC-JWT, the published keys and their rotation.

Signatures are checked with PyJWT, independently of the library that makes them.
"""

import base64
import hashlib
import json
import os
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from io import StringIO

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from certificates.documents.credentials import (
    CredentialData,
    CredentialInvalid,
    achievement_credential,
    credential_jwt,
    credential_verify,
    jwks,
    published_keys,
    signing_key,
)
from tests.cms.test_settings import PRODUCTION_ENV, ROOT, manage

DATA = CredentialData(
    certificate_url="https://training.example.org/verify/abc123/",
    status_url="https://training.example.org/verify/abc123/status.json",
    serial="PSS-2026-000123",
    name="Renee Alvarez",
    recipient="sha256$5f1d7a0c3b7e9b1f0a4c2e6d8b9a7c5e3f1d2b4a6c8e0f1a3b5c7d9e1f2a4b6c",
    recipient_salt="b6e0f3",
    program_name="Perinatal Peer Support Specialist Foundations",
    program_description="Foundations of peer support in the perinatal period.",
    achievement_id="https://training.example.org/programs/perinatal-foundations/",
    criteria="Completed every course in the program and passed each final assessment.",
    hours={"Ethics": 6, "Peer-specific": 14.5},
    issuer_id="https://training.example.org/",
    issuer_name="Example Certification Board",
    issued_at=datetime(2026, 3, 2, 15, 30, 5, tzinfo=UTC),
    expires_on=date(2028, 3, 2),
)
PUBLIC_PARAMETERS = {"kty", "crv", "x", "kid", "use", "alg"}


def new_pem() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def thumbprint(pem: str) -> str:
    """The RFC 7638 thumbprint of an Ed25519 key, computed without the signing library."""
    public = serialization.load_pem_private_key(pem.encode(), password=None).public_key()
    x = base64.urlsafe_b64encode(public.public_bytes_raw()).rstrip(b"=").decode()
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": x}, separators=(",", ":"))
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def pyjwt_decode(token: str, key_set: dict | None = None) -> dict:
    """Verify ``token`` as an outside verifier would: PyJWT, with the key its ``kid`` names in the JWKS."""
    kid = jwt.get_unverified_header(token)["kid"]
    (jwk,) = [key for key in (key_set or jwks())["keys"] if key["kid"] == kid]
    return jwt.decode(
        token, key=jwt.PyJWK(jwk), algorithms=["EdDSA"], issuer=DATA.issuer_id, options={"verify_exp": False}
    )


def flip_one_character(token: str, segment: int) -> str:
    parts = token.split(".")
    middle = len(parts[segment]) // 2
    original = parts[segment][middle]
    parts[segment] = parts[segment][:middle] + ("A" if original != "A" else "B") + parts[segment][middle + 1 :]
    return ".".join(parts)


def test_credential_is_an_open_badges_achievement_credential():
    credential = achievement_credential(DATA)

    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["id"] == DATA.certificate_url
    assert credential["type"] == ["VerifiableCredential", "AchievementCredential"]
    assert credential["issuer"] == {"id": DATA.issuer_id, "type": ["Profile"], "name": "Example Certification Board"}
    assert credential["validFrom"] == "2026-03-02T15:30:05Z"
    assert credential["validUntil"] == "2028-03-02T23:59:59Z"
    assert "PSS-2026-000123" in credential["description"]
    assert credential["credentialStatus"] == {"id": DATA.status_url, "type": "1EdTechRevocationList"}


def test_credential_subject_names_the_learner_and_the_program_with_its_hours():
    subject = achievement_credential(DATA)["credentialSubject"]

    assert subject["type"] == ["AchievementSubject"]
    assert subject["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": DATA.recipient,
            "identityType": "emailAddress",
            "hashed": True,
            "salt": "b6e0f3",
        },
        {"type": "IdentityObject", "identityHash": "Renee Alvarez", "identityType": "name", "hashed": False},
    ]
    achievement = subject["achievement"]
    assert achievement["id"] == DATA.achievement_id
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["name"] == "Perinatal Peer Support Specialist Foundations"
    assert achievement["description"] == DATA.program_description
    assert achievement["criteria"] == {"narrative": DATA.criteria}
    assert subject["creditsEarned"] == achievement["creditsAvailable"] == 20.5

    descriptions = {item["id"]: item["name"] for item in achievement["resultDescription"]}
    hours = {descriptions[result["resultDescription"]]: result["value"] for result in subject["result"]}
    assert hours == {"Ethics CE hours": "6", "Peer-specific CE hours": "14.5"}


def test_credential_without_expiry_or_hours_has_no_end_and_no_hour_results():
    data = CredentialData(**{**DATA.__dict__, "expires_on": None, "hours": {}, "recipient_salt": ""})
    credential = achievement_credential(data)

    assert "validUntil" not in credential
    assert credential["credentialSubject"]["creditsEarned"] == 0
    assert "result" not in credential["credentialSubject"]
    assert "salt" not in credential["credentialSubject"]["identifier"][0]
    assert "exp" not in pyjwt_decode(credential_jwt(data))


def test_naive_issue_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        CredentialData(**{**DATA.__dict__, "issued_at": datetime(2026, 3, 2, 15, 30)})  # noqa: DTZ001


def test_jwt_verifies_with_pyjwt_and_carries_the_credential():
    signed_at = datetime(2026, 3, 3, tzinfo=UTC)
    token = credential_jwt(DATA, now=signed_at)

    header = jwt.get_unverified_header(token)
    assert header == {"alg": "EdDSA", "kid": signing_key().kid, "typ": "JWT"}
    claims = pyjwt_decode(token)
    assert claims["iss"] == DATA.issuer_id
    assert claims["sub"] == DATA.recipient
    assert claims["jti"] == DATA.certificate_url
    assert claims["nbf"] == int(DATA.issued_at.timestamp())
    assert claims["iat"] == int(signed_at.timestamp())
    assert claims["exp"] == int(datetime(2028, 3, 2, 23, 59, 59, tzinfo=UTC).timestamp())
    credential = achievement_credential(DATA)
    assert {name: claims[name] for name in credential} == credential
    assert credential_verify(token) == claims


@pytest.mark.parametrize("segment", [0, 1, 2], ids=["header", "payload", "signature"])
def test_changing_one_character_breaks_the_signature(segment):
    token = credential_jwt(DATA)
    (jwk,) = jwks()["keys"]
    tampered = flip_one_character(token, segment)
    assert tampered != token

    with pytest.raises(jwt.InvalidTokenError):
        jwt.decode(tampered, key=jwt.PyJWK(jwk), algorithms=["EdDSA"], options={"verify_exp": False})
    with pytest.raises(CredentialInvalid):
        credential_verify(tampered)


def test_garbage_is_not_a_credential():
    for token in ["", "not-a-token", "a.b.c"]:
        with pytest.raises(CredentialInvalid):
            credential_verify(token)


def test_rotation_keeps_old_credentials_verifying(settings):
    key_a, key_b = new_pem(), new_pem()
    settings.CREDENTIAL_SIGNING_KEY = key_a
    settings.CREDENTIAL_RETIRED_KEYS = []
    old_token = credential_jwt(DATA)
    assert jwt.get_unverified_header(old_token)["kid"] == thumbprint(key_a)

    settings.CREDENTIAL_SIGNING_KEY = key_b
    settings.CREDENTIAL_RETIRED_KEYS = [key_a]
    assert [key["kid"] for key in jwks()["keys"]] == [thumbprint(key_b), thumbprint(key_a)]
    assert pyjwt_decode(old_token)["jti"] == DATA.certificate_url
    assert credential_verify(old_token)["jti"] == DATA.certificate_url
    new_token = credential_jwt(DATA)
    assert jwt.get_unverified_header(new_token)["kid"] == thumbprint(key_b)
    assert credential_verify(new_token)["jti"] == DATA.certificate_url

    settings.CREDENTIAL_RETIRED_KEYS = []
    with pytest.raises(CredentialInvalid, match="unknown key"):
        credential_verify(old_token)


def test_retired_keys_may_be_public_halves(settings):
    key_a = new_pem()
    settings.CREDENTIAL_SIGNING_KEY = key_a
    old_token = credential_jwt(DATA)
    public_a = (
        serialization.load_pem_private_key(key_a.encode(), password=None)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )

    settings.CREDENTIAL_SIGNING_KEY = new_pem()
    settings.CREDENTIAL_RETIRED_KEYS = [public_a]
    assert thumbprint(key_a) in [key["kid"] for key in jwks()["keys"]]
    assert credential_verify(old_token)["jti"] == DATA.certificate_url


def test_jwks_publishes_public_parameters_only(settings):
    settings.CREDENTIAL_RETIRED_KEYS = [new_pem()]  # a private PEM: its "d" must still stay out
    key_set = jwks()

    assert len(key_set["keys"]) == 2
    for key in key_set["keys"]:
        assert set(key) == PUBLIC_PARAMETERS
        assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["use"] == "sig" and key["alg"] == "EdDSA"
    assert key_set["keys"][0]["kid"] == thumbprint(settings.CREDENTIAL_SIGNING_KEY)
    assert '"d"' not in json.dumps(key_set)
    assert not any(key.is_private for key in published_keys())


def test_without_a_key_signing_is_refused_clearly(settings):
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_KEY_FILE = None

    with pytest.raises(ImproperlyConfigured, match="CREDENTIAL_SIGNING_KEY"):
        credential_jwt(DATA)


@pytest.mark.parametrize(
    "other_key", [generate_private_key(SECP256R1()), Ed448PrivateKey.generate()], ids=["P-256", "Ed448"]
)
def test_a_key_that_is_not_ed25519_is_refused(settings, other_key):
    settings.CREDENTIAL_SIGNING_KEY = other_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()

    with pytest.raises(ImproperlyConfigured, match="Ed25519"):
        signing_key()


def test_development_key_is_generated_once_and_readable_by_its_owner_only(settings, tmp_path):
    path = tmp_path / "var" / "credential-signing-key.pem"
    settings.CREDENTIAL_SIGNING_KEY = ""
    settings.CREDENTIAL_KEY_FILE = path

    kid = signing_key().kid
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert kid == thumbprint(path.read_text())

    settings.CREDENTIAL_KEY_FILE = str(path)  # a reload reads the same file rather than making a new key
    assert signing_key().kid == kid


def test_keygen_command_prints_a_loadable_key():
    stdout, stderr = StringIO(), StringIO()
    call_command("credential_keygen", stdout=stdout, stderr=stderr)

    key = serialization.load_pem_private_key(stdout.getvalue().encode(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    assert thumbprint(stdout.getvalue()) in stderr.getvalue()


def test_retired_keys_file_may_hold_several_pem_blocks(tmp_path):
    pems = [new_pem(), new_pem()]
    path = tmp_path / "retired.pem"
    path.write_text("".join(pems))
    env = {**os.environ, "CREDENTIAL_RETIRED_KEYS_FILE": str(path)}
    script = "import json; from cms.settings import base; print(json.dumps(base.CREDENTIAL_RETIRED_KEYS))"

    result = subprocess.run(  # noqa: S603 - fixed arguments, our own settings module
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert [thumbprint(pem) for pem in json.loads(result.stdout)] == [thumbprint(pem) for pem in pems]


def test_production_refuses_to_start_without_a_credential_signing_key():
    env = {**PRODUCTION_ENV, "CREDENTIAL_SIGNING_KEY": "", "CREDENTIAL_SIGNING_KEY_FILE": ""}
    result = manage("check", env=env)

    assert result.returncode != 0
    assert "CREDENTIAL_SIGNING_KEY (or CREDENTIAL_SIGNING_KEY_FILE) must be set in production" in result.stderr
