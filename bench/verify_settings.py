"""Production settings for the benchmarks that serve the site on gunicorn (``bench/servers.py``) only.

Adds a minimal view to compare against (``bench/verify_urls.py``) and collects static files
into a scratch folder instead of ``var/static``, uncompressed to save a minute and a half per
run: pages get their static URLs from the same manifest either way.
"""

import os
from pathlib import Path

from cms.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.verify_urls"
STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
