"""``python -m bench.load_data [--learners N] [--teams M] [--seed S]``: generate load-test data (see the package)."""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from bench.load_data.data import EMAIL_DOMAIN  # noqa: E402
from bench.load_data.generator import LoadData, LoadDataError  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load_data", description=__doc__)
    parser.add_argument("--learners", type=int, default=10000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1, help="Random seed, for the same shape of data again.")
    options = parser.parse_args(argv)
    if not getattr(settings, "DEMO_CONTENT_ALLOWED", False):
        print("bench.load_data is refused under production settings.", file=sys.stderr)
        return 2
    started = time.perf_counter()
    generator = LoadData(seed=options.seed, stdout=sys.stdout)
    try:
        summary = generator.run(learners=options.learners, teams=options.teams)
    except LoadDataError as error:
        print(error, file=sys.stderr)
        return 2
    print(f"Generated in {time.perf_counter() - started:.1f}s for program {generator.program.name!r}:")
    for label, count in summary.items():
        print(f"  {label:<28} {count:>9,}")
    print(f"Generated accounts use the demo password and end in @{EMAIL_DOMAIN}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
