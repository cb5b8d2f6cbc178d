"""`make bench`: every benchmark in this folder, one after another. Never part of the test suite."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

from bench import pages, scoring  # noqa: E402

scoring.main()
pages.main()
