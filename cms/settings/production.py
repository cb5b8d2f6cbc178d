"""Production. Every secret and host comes from the environment; nothing insecure is defaulted."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = False
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names in production.")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
if os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER"):
    # e.g. "X-Forwarded-Proto=https" (or "HTTP_X_FORWARDED_PROTO=https") behind a TLS-terminating
    # load balancer. Set it only when that proxy always sets or strips the header.
    header, _, value = os.environ["DJANGO_SECURE_PROXY_SSL_HEADER"].partition("=")
    header = header.strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (header if header.startswith("HTTP_") else f"HTTP_{header}", value.strip() or "https")
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# No script reads the CSRF cookie: forms and the quiz autosave send the token from the page.
CSRF_COOKIE_HTTPONLY = True
# Wagtail's preview views allow same-origin framing themselves; everything else refuses frames.
X_FRAME_OPTIONS = "DENY"
# One JSON object per log line unless DJANGO_LOG_FORMAT=text (cms/ops/observability.py).
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "json")
if LOG_FORMAT not in LOGGING["formatters"]:  # noqa: F405
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    **LOGGING,  # noqa: F405
    "handlers": {**LOGGING["handlers"], "console": {**LOGGING["handlers"]["console"], "formatter": LOG_FORMAT}},  # noqa: F405
}

STORAGES = {
    # Uploads and private files: the file system, or object storage when configured (base.py).
    **STORAGES,  # noqa: F405
    # Hashed names (cached for a year by browsers and CDNs) and gzip/Brotli copies, served by WhiteNoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# Each gunicorn worker and task worker keeps one database connection open for up to a minute
# instead of connecting for every request. DATABASE_CONN_MAX_AGE=0 closes them after each request.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))  # noqa: F405
DEMO_CONTENT_ALLOWED = False
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)

# Signed credentials: production signs only with a configured key, never a generated one.
if not CREDENTIAL_SIGNING_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "CREDENTIAL_SIGNING_KEY (or CREDENTIAL_SIGNING_KEY_FILE) must be set in production; "
        "`manage.py credential_keygen` prints a new key."
    )
