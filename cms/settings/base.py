"""Settings shared by every environment. Values that differ per machine come from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .environment import env_bool, env_list
from .object_storage import object_storages

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = BASE_DIR / "var"


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "cms",
    "assessments",
    "courses",
    "certificates",
    "cms.apps.UsersConfig",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    # First: the request id and the one log line per request cover everything below.
    "cms.ops.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # /healthz answers before the host check and sessions (cms/ops/health.py).
    "cms.ops.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "cms.site.routing.CachedSiteMiddleware",  # after the host check: Wagtail's site from the cache (cms/site/routing.py)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Names the person acting in audit entries written by signals (cms/audit/log.py).
    "cms.audit.log.AuditActorMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "cms.security.two_factor.enforcement.AdminTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.security.headers.SiteCSPMiddleware",
    "cms.security.headers.UploadedDocumentHeadersMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A view that fails because the database is unreachable answers 503 (cms/ops/resilience.py).
    "cms.ops.resilience.DatabaseUnavailableMiddleware",
    # Last: turns a login refused for too many failures into the "too many attempts" page (cms/security/login_protection.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.site.context_processors.site_navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        # A kept connection is checked before each request reuses it, so the app reconnects by
        # itself after PostgreSQL restarts (meanwhile requests get a 503: cms/ops/resilience.py).
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cms.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my-learning"
LOGOUT_REDIRECT_URL = "/"

# Whether people may create their own learner account. Organisations that enroll staff
# themselves switch this off.
SIGNUP_ENABLED = env_bool("SIGNUP_ENABLED", True)

# When a person deletes their account: "keep" leaves the certificates they were issued verifiable,
# with the name as printed; "revoke" revokes them and removes the name (docs/privacy.md).
PERSONAL_DATA_DELETION_CERTIFICATES = os.environ.get("PERSONAL_DATA_DELETION_CERTIFICATES", "keep")
# Sign-up is finished from an emailed link (cms/people/account_emails.py), which works for this long.
SIGNUP_LINK_MAX_AGE = 3 * 24 * 60 * 60

# Login protection (cms/security/login_protection.py, docs/decisions.md). django-axes counts failed logins, on the
# site and in the admin, per email address and client address together, in the database (shared by every
# app server). After LOGIN_FAILURE_LIMIT failures that pair waits LOGIN_COOLOFF_MINUTES; each further try
# restarts the wait, and a successful login clears the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = "cms.security.login_protection.login_cooloff"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Both login forms post the email address as "username" and pass it to authenticate() under that name.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "cms.security.login_protection.login_username"
AXES_CLIENT_IP_CALLABLE = "cms.security.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "cms.security.login_protection.lockout_response"
# Successful logins are not kept forever with their addresses; failed ones expire with the cool-off.
AXES_DISABLE_ACCESS_LOG = True
# Requests with a bearer token that is not valid, per client address (counted in the cache).
API_TOKEN_FAILURE_LIMIT = int(os.environ.get("API_TOKEN_FAILURE_LIMIT", "10"))
# How many proxies of ours (load balancer, TLS terminator) add to X-Forwarded-For. 0: use the connection's
# address. Never set it higher than the real number: the client could then choose its own address.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# Requests per client address (cms/security/ratelimit.py): "60/minute", "10/hour", "5/15m", or "off".
# Verification pages and the verification API share one allowance. Password reset requests (the site's
# and the admin's together) are limited per client address and also per email address asked for, known
# or not: the second caps the reset emails one person can be sent.
RATE_LIMITS = {
    "verify": os.environ.get("VERIFY_RATE_LIMIT", "60/minute"),
    "signup": os.environ.get("SIGNUP_RATE_LIMIT", "10/hour"),
    "password_reset": os.environ.get("PASSWORD_RESET_RATE_LIMIT", "10/hour"),
    "password_reset_account": os.environ.get("PASSWORD_RESET_ACCOUNT_RATE_LIMIT", "3/hour"),
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One way of writing dates and times on every page, email, PDF and export (cms/formats/en/formats.py).
FORMAT_MODULE_PATH = ["cms.formats"]

STATIC_ROOT = VAR_DIR / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
# Files only their owner (and their supervisors or admins) may read: certificate PDFs and
# evidence for external CE hours. Never served from a public URL; views check access first.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # With AWS_STORAGE_BUCKET_NAME set, uploads and private files go to object storage instead.
    **object_storages(),
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

REDIS_URL = os.environ.get("REDIS_URL", "")
# Whether every process reads the same cache; without it, cache versions live 15 seconds (cms.ops.cache_versions).
CACHE_SHARED = bool(REDIS_URL)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Several sites (or a staging copy) can share one Redis: each keeps its own prefix.
            # Raising the version retires every cached value at once, e.g. after a risky upgrade.
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "pss"),
            "VERSION": int(os.environ.get("CACHE_VERSION", "1")),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Once configured, Redis is needed like the database (and /healthz says so): when it
                # does not answer, requests fail within seconds instead of holding every worker.
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
    # Sessions are written to the database and cached in Redis: every app server reads them
    # from Redis, and nobody is logged out when Redis restarts or is emptied.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # One cache per process. Sessions stay in the database (the default), so they still work
    # across processes and servers, without a shared cache.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "training@example.org")

TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}
# A failed background task is retried after 1, 2, 4, 8… minutes (cms/ops/tasks/retry.py), at most an hour apart,
# until this many attempts have failed; then it waits for an administrator (Reports > Background tasks).
TASK_RETRY_MAX_ATTEMPTS = int(os.environ.get("TASK_RETRY_MAX_ATTEMPTS", "5"))
TASK_RETRY_BASE_DELAY = int(os.environ.get("TASK_RETRY_BASE_DELAY", "60"))  # seconds
TASK_RETRY_MAX_DELAY = int(os.environ.get("TASK_RETRY_MAX_DELAY", "3600"))  # seconds

WAGTAIL_SITE_NAME = "Peer Support Training"
# The site's public address: every absolute link (PDFs and QR codes, emails, the API, LinkedIn links,
# credentials) is written on it by cms.links.absolute_url. `make run PORT=…` sets it to that port.
# WAGTAILADMIN_BASE_URL is still read for servers configured before SITE_URL existed.
SITE_URL = (os.environ.get("SITE_URL") or os.environ.get("WAGTAILADMIN_BASE_URL") or "http://127.0.0.1:8000").rstrip(
    "/"
)
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Evidence learners attach to external CE hours (PDF, PNG or JPEG; checked by content, not name).
CE_EVIDENCE_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
# Uploaded files never run in the site's origin. Images: raster formats only (an SVG can carry
# script). Documents: always through Wagtail's view, which checks collection privacy and sends
# `nosniff` and a locked-down CSP (sandboxed for downloads: cms/security/headers.py), never a redirect to
# the storage; only PDFs open in the browser, everything else downloads.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
# The admin asks no third party for anything: no avatar lookups (they would send a hash of each
# editor's email address) and no release check from the dashboard.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_PASSWORD_RESET_ENABLED = True
# Reset emails go out from a background task, so the answer takes as long for an unknown address.
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "cms.people.account_emails.AdminPasswordResetForm"  # noqa: S105

# Two-factor authentication (cms/security/two_factor/services.py): everyone with admin access (trainers, supervisors,
# administrators) confirms a code from an authenticator app, or a recovery code, before any admin
# page opens. On in every environment, development included; switch it off only for a local
# experiment. API requests made with a personal API token are not affected.
ADMIN_2FA_REQUIRED = env_bool("ADMIN_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
# Wrong codes slow down verification: after n failures in a row the next try waits 2^(n-1) seconds.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cms.security.api_tokens.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Services' refusals (cms.refusals) become JSON problems here, not view by view.
    "EXCEPTION_HANDLER": "cms.refusals.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Peer Support Training API",
    "DESCRIPTION": (
        "Courses, learner progress, quiz attempts, certificates and public certificate verification. "
        "Every error is JSON with a `detail` message (a 400 names each field instead), "
        "including the 404 for an unknown URL under /api/."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["cms.api.schema.only_project_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cms.api.schema.document_error_responses",
    ],
    # Swagger UI is served from the project's own static files: the site works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Content-Security-Policy (django-csp), the same in every environment so browser tests meet the
# production policy. Scripts only from the site's own files: no inline script, no eval. Inline
# style attributes are allowed (progress bars set their width; Wagtail's admin uses them too);
# they cannot run code. The admin's narrow exceptions are in cms/security/headers.py.
# DJANGO_CSP_MEDIA_ORIGINS: where images and video come from when object storage or a CDN serves
# them directly, e.g. "https://media.example.org". DJANGO_CSP_FRAME_ORIGINS: the video sites
# lessons may embed.
CSP_MEDIA_ORIGINS = env_list("DJANGO_CSP_MEDIA_ORIGINS")
CSP_FRAME_ORIGINS = env_list(
    "DJANGO_CSP_FRAME_ORIGINS", "https://www.youtube.com,https://www.youtube-nocookie.com,https://player.vimeo.com"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *CSP_MEDIA_ORIGINS],
        "media-src": ["'self'", *CSP_MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", *CSP_FRAME_ORIGINS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# /healthz reports the task queue; past either limit it says "degraded" but still answers 200,
# so a slow queue never takes app servers out of the load balancer (cms/ops/health.py).
HEALTHZ_TASK_BACKLOG_WARNING = int(os.environ.get("HEALTHZ_TASK_BACKLOG_WARNING", "500"))
HEALTHZ_TASK_AGE_WARNING_SECONDS = int(os.environ.get("HEALTHZ_TASK_AGE_WARNING_SECONDS", "600"))
# Load balancers may probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]

# "text" for people reading a terminal, "json" (one object per line) for log collectors;
# production defaults to json. Every record carries the request id (cms/ops/observability.py).
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cms.ops.observability.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "cms.ops.observability.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # One line per background task and per page action is noise outside debugging.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Failed logins and lockouts are warnings; successful logins would be one more line per login.
        "axes": {"level": "WARNING"},
    },
}
DEMO_CONTENT_ALLOWED = True

# Signed credentials: Ed25519 keys for the Open Badges credentials issued with certificates.
# CREDENTIAL_SIGNING_KEY (PEM) signs new credentials; retired keys stay published in the JWKS
# so credentials they signed keep verifying. `manage.py credential_keygen` makes a key.
CREDENTIAL_SIGNING_KEY = os.environ.get("CREDENTIAL_SIGNING_KEY", "")
if not CREDENTIAL_SIGNING_KEY and os.environ.get("CREDENTIAL_SIGNING_KEY_FILE"):
    CREDENTIAL_SIGNING_KEY = Path(os.environ["CREDENTIAL_SIGNING_KEY_FILE"]).read_text()
_retired_keys_file = os.environ.get("CREDENTIAL_RETIRED_KEYS_FILE", "")
_retired_keys_text = Path(_retired_keys_file).read_text() if _retired_keys_file else ""
CREDENTIAL_RETIRED_KEYS = ["-----BEGIN" + block for block in _retired_keys_text.split("-----BEGIN")[1:]]
# Where a key is generated on first use when none is configured: development only.
CREDENTIAL_KEY_FILE = None
