"""Production settings for app servers started by tests (tests/test_two_servers.py).

Everything else comes from the environment, exactly as in production. The one change: static
files are served from the apps (WhiteNoise's finders) under their plain names, so a test run
need not collect and compress every static file first. Production's hashed, compressed names
are checked by tests/test_deploy_config.py.
"""

from cms.settings.production import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
