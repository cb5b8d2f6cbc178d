"""Local development: `make run`. Debug on unless DJANGO_DEBUG says otherwise."""

import os

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
INTERNAL_IPS = ["127.0.0.1"]
# One process (runserver) serves every request, so its local cache is shared by all of them.
CACHE_SHARED = True

# Serve static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = True

# Signed credentials: without CREDENTIAL_SIGNING_KEY, a key is generated here on first use.
CREDENTIAL_KEY_FILE = VAR_DIR / "credential-signing-key.pem"  # noqa: F405
