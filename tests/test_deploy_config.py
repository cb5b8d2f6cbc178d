"""Deployment configuration: what the environment variables turn on, static file names, gunicorn's
settings, and private files read through the storage API (so object storage works as well as disk).
"""

import json
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.core.management import call_command
from storages.backends.s3 import S3Storage
from weasyprint.urls import URLFetchingError

from certificates.ce.models import CECredit
from certificates.documents.rendering import LocalFiles
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue
from cms.settings.object_storage import object_storages
from tests.factories import build_program, ce_category

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "DJANGO_SECRET_KEY": "x" * 50,
    "DJANGO_ALLOWED_HOSTS": "training.example.org",
    "CREDENTIAL_SIGNING_KEY": "not used here",
    "DATABASE_URL": "postgres://pss@db.internal:5432/pss",
}
SETTINGS_PROBE = """
import json
from django.conf import settings
print(json.dumps({
    "session_engine": settings.SESSION_ENGINE,
    "cache": settings.CACHES["default"],
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "storages": settings.STORAGES,
}, default=str))
"""


def production_settings(**env) -> dict:
    """Settings that production reads from ``env``, from a fresh interpreter (settings load once per process)."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_", "REDIS", "CACHE_", "DATABASE"))
    }
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", f"import django; django.setup(); {SETTINGS_PROBE}"],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_production_without_redis_or_a_bucket_keeps_sessions_in_the_database_and_files_on_disk():
    found = production_settings()
    assert found["session_engine"] == "django.contrib.sessions.backends.db"
    assert found["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["conn_max_age"] == 60
    assert found["storages"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["storages"]["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert found["storages"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_production_with_redis_and_a_bucket_shares_cache_sessions_and_files():
    found = production_settings(
        REDIS_URL="redis://cache.internal:6379/0",
        CACHE_KEY_PREFIX="pss-staging",
        CACHE_VERSION="3",
        DATABASE_CONN_MAX_AGE="0",
        AWS_STORAGE_BUCKET_NAME="pss-files",
        AWS_S3_ENDPOINT_URL="https://minio.internal:9000",
    )
    # Cached in Redis, kept in the database: a Redis restart logs nobody out.
    assert found["session_engine"] == "django.contrib.sessions.backends.cached_db"
    cache = found["cache"]
    assert (cache["BACKEND"], cache["LOCATION"]) == ("django_redis.cache.RedisCache", "redis://cache.internal:6379/0")
    assert (cache["KEY_PREFIX"], cache["VERSION"]) == ("pss-staging", 3)
    assert found["conn_max_age"] == 0
    media, private = found["storages"]["default"], found["storages"]["private"]
    assert media["BACKEND"] == private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["location"] == "media" and private["OPTIONS"]["location"] == "private"
    assert private["OPTIONS"]["endpoint_url"] == "https://minio.internal:9000"
    assert found["storages"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_object_storage_is_off_without_a_bucket():
    assert object_storages({}) == {}
    assert object_storages({"AWS_S3_ENDPOINT_URL": "https://minio.internal:9000"}) == {}


def test_object_storage_keeps_private_files_apart_signed_and_without_acls():
    found = object_storages(
        {
            "AWS_STORAGE_BUCKET_NAME": "pss-media",
            "AWS_PRIVATE_STORAGE_BUCKET_NAME": "pss-private",
            "AWS_S3_REGION_NAME": "eu-west-1",
            "AWS_S3_CUSTOM_DOMAIN": "media.example.org",
            "AWS_PRIVATE_QUERYSTRING_EXPIRE": "120",
        }
    )
    media, private = found["default"]["OPTIONS"], found["private"]["OPTIONS"]
    assert (media["bucket_name"], media["location"], media["custom_domain"]) == (
        "pss-media",
        "media",
        "media.example.org",
    )
    assert media["querystring_auth"] is False
    assert (private["bucket_name"], private["location"], private["custom_domain"]) == ("pss-private", "private", None)
    assert (private["querystring_auth"], private["querystring_expire"]) == (True, 120)
    assert media["default_acl"] is None and private["default_acl"] is None
    assert media["file_overwrite"] is False and private["file_overwrite"] is False


def test_object_storage_options_are_ones_django_storages_accepts():
    found = object_storages(
        {
            "AWS_STORAGE_BUCKET_NAME": "pss",
            "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
            "AWS_S3_ADDRESSING_STYLE": "path",
        }
    )
    private = S3Storage(**found["private"]["OPTIONS"])  # builds no connection until used
    assert (private.bucket_name, private.location, private.querystring_auth) == ("pss", "private", True)
    assert private.endpoint_url == "http://127.0.0.1:9000"


def test_object_storage_refuses_unclear_or_clashing_settings():
    with pytest.raises(ImproperlyConfigured, match="AWS_MEDIA_QUERYSTRING_AUTH"):
        object_storages({"AWS_STORAGE_BUCKET_NAME": "pss", "AWS_MEDIA_QUERYSTRING_AUTH": "sometimes"})
    with pytest.raises(ImproperlyConfigured, match="must differ"):
        object_storages({"AWS_STORAGE_BUCKET_NAME": "pss", "AWS_PRIVATE_LOCATION": "media"})


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    for name in ("GUNICORN_BIND", "GUNICORN_HOST", "GUNICORN_PRELOAD", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_MAX_REQUESTS", "500")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == ["127.0.0.1:8123"]
    assert (config["workers"], config["threads"], config["preload_app"]) == (3, 1, False)
    assert (config["max_requests"], config["max_requests_jitter"]) == (500, 50)
    assert config["accesslog"] is None
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert config["control_socket_disable"] is True

    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.setenv("GUNICORN_BIND", "unix:/run/pss/gunicorn.sock")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["bind"] == ["unix:/run/pss/gunicorn.sock"]
    assert config["workers"] == 2 * (os.cpu_count() or 1) + 1


@pytest.fixture
def collected_static(settings, tmp_path) -> dict[str, str]:
    """Collects the project's static files with production's storage; returns the manifest's names."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # As in production: WhiteNoise serves what collectstatic wrote, not the apps' own folders.
    settings.WHITENOISE_USE_FINDERS = False
    # The project's own files only: compressing every admin file takes most of a minute.
    ignore = ["wagtail*", "rest_framework", "drf_spectacular_sidecar", "django_tasks*", "admin"]
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=ignore)
    return json.loads((tmp_path / "staticfiles.json").read_text())["paths"]


def test_collected_static_files_get_hashed_and_compressed_names(collected_static, tmp_path):
    hashed = collected_static["css/site.css"]
    assert hashed != "css/site.css" and hashed.startswith("css/site.") and hashed.endswith(".css")
    assert (tmp_path / hashed).is_file()
    assert (tmp_path / f"{hashed}.gz").is_file()
    assert (tmp_path / f"{hashed}.br").is_file()


def test_hashed_static_files_are_cached_for_a_year_or_more_and_sent_compressed(collected_static, client):
    url = f"/static/{collected_static['css/site.css']}"
    plain = client.get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    max_age = re.search(r"max-age=(\d+)", plain["Cache-Control"]).group(1)
    assert int(max_age) >= 365 * 24 * 60 * 60
    assert {"public", "immutable"} <= {part.strip() for part in plain["Cache-Control"].split(",")}
    assert plain["Vary"] == "Accept-Encoding"
    size = len(b"".join(plain.streaming_content))
    for encoding in ("br", "gzip"):
        compressed = client.get(url, headers={"Accept-Encoding": encoding})
        assert compressed["Content-Encoding"] == encoding
        assert len(b"".join(compressed.streaming_content)) < size
    # The name without its hash may change content under the same address: browsers check it again soon.
    unhashed = client.get("/static/css/site.css")
    assert unhashed.status_code == 200
    assert "immutable" not in unhashed["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", unhashed["Cache-Control"]).group(1)) <= 60 * 60


class RemoteStorage(Storage):
    """Stands for object storage: files are reachable by name only, with no path on this machine."""

    def __init__(self):
        self.files = {}

    def _save(self, name, content):
        self.files[name] = b"".join(content.chunks())
        return name

    def _open(self, name, mode="rb"):
        if name not in self.files:
            raise FileNotFoundError(name)
        return ContentFile(self.files[name], name=name)

    def exists(self, name):
        return name in self.files

    def delete(self, name):
        self.files.pop(name, None)

    def size(self, name):
        return len(self.files[name])


@pytest.fixture
def remote_private_storage(monkeypatch):
    storage = RemoteStorage()
    for model, field in ((Certificate, "pdf"), (CECredit, "evidence")):
        monkeypatch.setattr(model._meta.get_field(field), "storage", storage)
    return storage


@pytest.fixture
def certificate(course, learner):
    certificate, _ = certificate_issue(user=learner, program=build_program([course]))
    return certificate


def test_certificate_pdfs_are_stored_and_served_through_the_storage_api(
    remote_private_storage, certificate, learner_client
):
    url = f"/certificates/{certificate.serial}/pdf/"
    first = learner_client.get(url)
    assert first.status_code == 200 and first.content.startswith(b"%PDF-")
    certificate.refresh_from_db()
    assert remote_private_storage.exists(certificate.pdf.name)
    with remote_private_storage.open(certificate.pdf.name) as stored:
        assert stored.read() == first.content
    again = learner_client.get(url)
    assert again.status_code == 200 and b"".join(again.streaming_content) == first.content


def test_ce_evidence_is_served_through_the_storage_api(remote_private_storage, learner, learner_client):
    credit = CECredit.objects.create(
        user=learner, title="Motivational interviewing", earned_on="2026-01-10", category=ce_category("Ethics"), hours=2
    )
    credit.evidence.save("attendance.pdf", ContentFile(b"%PDF-1.7 evidence"))
    response = learner_client.get(f"/certificates/hours/{credit.pk}/evidence/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 evidence"


def test_certificate_images_can_come_from_a_storage_by_name_only():
    storage = RemoteStorage()
    storage.save("images/logo.svg", ContentFile(b'<svg xmlns="http://www.w3.org/2000/svg"/>'))
    storage.save("secret.txt", ContentFile(b"not for certificates"))
    files = LocalFiles({"media": storage})
    assert files.fetch("media:images/logo.svg").read().startswith(b"<svg")
    for refused in ("media:../secret.txt", "media:images/../secret.txt", "media:/etc/passwd", "media:images/none.png"):
        with pytest.raises(URLFetchingError):
            files.fetch(refused)
    assert len(files.refused) == 4


def test_the_example_environment_file_lists_every_variable_the_settings_read():
    read = re.compile(
        r"""(?:environ\.get\(|environ\[|env_bool\(|env_list\(|_flag\(environ, )["']([A-Z][A-Z0-9_]+)["']"""
    )
    sources = [*sorted((ROOT / "cms" / "settings").glob("*.py")), ROOT / "gunicorn.conf.py"]
    names = {name for source in sources for name in read.findall(source.read_text())}
    # Production always runs with debug off, whatever DJANGO_DEBUG says.
    names -= {"DJANGO_DEBUG"}
    assert {"REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "WEB_CONCURRENCY"} <= names
    example = (ROOT / "deploy" / "pss.env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert names - listed == set(), "add these to deploy/pss.env.example, with a comment"
