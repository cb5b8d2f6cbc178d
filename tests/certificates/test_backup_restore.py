"""Backup and restore, end to end: deploy/backup.sh dumps the database and media, deploy/restore.sh puts
them into a fresh database and empty folders, and the certificates there still verify.

PostgreSQL only: the scripts use pg_dump and pg_restore.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from certificates.issuance.models import Certificate
from tests.concurrency import needs_postgres  # noqa: F401 - an autouse fixture: skips on SQLite
from tests.factories import LearnerFactory, build_course, build_program, complete_course

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROJECT = Path(__file__).resolve().parents[2]


def database_url(name: str) -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def run(command: list[str], **env) -> subprocess.CompletedProcess:
    """Run a script or command with a clean environment plus ``env``; its output is shown if it fails."""
    environment = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8", **env}  # noqa: S108
    return subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603


@pytest.fixture
def restored_database():
    """A fresh, empty database beside the test database, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def certificates(catalog):
    """Two learners' issued certificates with their stored PDFs, and an uploaded media file."""
    course = build_course(catalog, modules=1, lessons_per_module=1)
    build_program([course], hours={"Ethics": 6})
    for name in ["Renee Alvarez-Whitfield", "Sam Okafor"]:
        complete_course(LearnerFactory(full_name=name), course)  # immediate tasks render the PDFs
    issued = list(Certificate.objects.order_by("pk"))
    assert len(issued) == 2 and all(c.pdf for c in issued)
    Path(settings.MEDIA_ROOT, "images").mkdir(parents=True, exist_ok=True)
    Path(settings.MEDIA_ROOT, "images", "logo.txt").write_text("an uploaded file")
    return issued


def test_a_restored_backup_has_every_certificate_verifying(certificates, restored_database, tmp_path):
    source = {
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    backup = run([str(PROJECT / "deploy" / "backup.sh"), str(tmp_path / "backups")], **source)
    assert backup.returncode == 0, backup.stderr
    [backup_dir] = (tmp_path / "backups").iterdir()
    assert backup_dir.name.startswith("pss-backup-")
    manifest = (backup_dir / "manifest.txt").read_text()
    assert "database.dump" in manifest and "private-media.tar.gz" in manifest and "media.tar.gz" in manifest
    assert "password" not in manifest.lower()

    target = {
        "DATABASE_URL": database_url(restored_database),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "restored" / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "restored" / "private"),
    }
    restore = run([str(PROJECT / "deploy" / "restore.sh"), str(backup_dir)], **target)
    assert restore.returncode == 0, restore.stderr
    assert (tmp_path / "restored" / "media" / "images" / "logo.txt").read_text() == "an uploaded file"
    for certificate in certificates:
        assert (tmp_path / "restored" / "private" / certificate.pdf.name).read_bytes().startswith(b"%PDF-")

    site = {
        **target,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "CREDENTIAL_SIGNING_KEY": settings.CREDENTIAL_SIGNING_KEY,  # the key the test run signs with
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(PROJECT / "manage.py")]
    check = run([*manage, "verify_certificates"], **site)
    assert check.returncode == 0, check.stdout + check.stderr
    for certificate in certificates:
        assert f"OK    {certificate.serial}  {certificate.code}" in check.stdout
    assert "2 certificates checked: 2 verify, 0 fail." in check.stdout

    code = certificates[0].code
    page = run(
        [
            *manage,
            "shell",
            "-c",
            "from django.test import Client;"
            f"r = Client(HTTP_HOST='localhost').get('/verify/{code}/');"
            "print(r.status_code, 'Renee Alvarez-Whitfield' in r.content.decode())",
        ],
        **site,
    )
    assert page.stdout.strip().splitlines()[-1] == "200 True", page.stdout + page.stderr

    # Restoring again into the same (no longer empty) database is refused, loudly.
    again = run([str(PROJECT / "deploy" / "restore.sh"), str(backup_dir)], **target)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_verify_certificates_fails_when_a_stored_pdf_is_lost(certificates, restored_database, tmp_path):
    source = {
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
    }
    assert run([str(PROJECT / "deploy" / "backup.sh"), str(tmp_path / "backups")], **source).returncode == 0
    [backup_dir] = (tmp_path / "backups").iterdir()
    target = {
        "DATABASE_URL": database_url(restored_database),
        "DJANGO_MEDIA_ROOT": str(tmp_path / "restored" / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "restored" / "private"),
    }
    assert run([str(PROJECT / "deploy" / "restore.sh"), str(backup_dir)], **target).returncode == 0
    lost = certificates[1]
    (tmp_path / "restored" / "private" / lost.pdf.name).unlink()
    site = {
        **target,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "CREDENTIAL_SIGNING_KEY": settings.CREDENTIAL_SIGNING_KEY,
        "DJANGO_LOG_LEVEL": "WARNING",
    }

    check = run([sys.executable, str(PROJECT / "manage.py"), "verify_certificates"], **site)
    assert check.returncode == 1
    assert f"FAIL  {lost.serial}" in check.stdout and "is missing" in check.stdout
    assert f"OK    {certificates[0].serial}" in check.stdout
    assert "1 fail" in check.stderr


def test_the_scripts_fail_loudly_without_a_database_url(tmp_path):
    backup = run([str(PROJECT / "deploy" / "backup.sh"), str(tmp_path)])
    assert backup.returncode != 0 and "DATABASE_URL is not set" in backup.stderr
    restore = run([str(PROJECT / "deploy" / "restore.sh"), str(tmp_path)])
    assert restore.returncode != 0 and "not a backup" in restore.stderr
    assert list(tmp_path.iterdir()) == []
