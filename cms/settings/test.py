"""The test suite. Fast hashing, in-memory email and cache, immediate tasks."""

import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process runs the tests, so its local cache is shared by every request they make.
CACHE_SHARED = True
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["*"]
# Links are written on this address whatever the environment says, so tests can expect it.
SITE_URL = WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
WAGTAILEMBEDS_FINDERS = [{"class": "tests.embeds.OfflineEmbedFinder"}]
# A fresh directory per test run, so stored certificate PDFs and evidence never pile up between runs.
PRIVATE_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="pss-test-private-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": PRIVATE_MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Serve static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True

# Signed credentials: a fresh key for each test run.
CREDENTIAL_SIGNING_KEY = (
    Ed25519PrivateKey.generate()
    .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    .decode()
)
CREDENTIAL_RETIRED_KEYS = []
