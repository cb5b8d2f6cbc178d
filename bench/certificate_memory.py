"""Memory growth of a long-running certificate renderer, run by `make bench`. Not part of the test suite.

Renders the certificate of ``bench.certificate_render`` 500 times in one process through
``certificates.rendering.render_pdf`` (one shared font configuration) and reads the resident
set size after 20 warm-up renders and after the 500. Then, for the record, renders 100 more with
a new ``FontConfiguration`` each time, the pattern the project avoids, and reports its growth per
render.

Target: under 20 MB of growth over the 500 renders. Prints ``target: ... | measured: ... | met`` (or
``missed``) and exits non-zero when the target is missed.
"""

import gc
import logging
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

django.setup()

import weasyprint  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from bench.certificate_render import CERTIFICATE  # noqa: E402
from bench.targets import Target, load_line, record  # noqa: E402
from certificates.documents.pdf import local_files  # noqa: E402
from certificates.documents.rendering import certificate_html, certificate_stylesheet, render_pdf  # noqa: E402

WARMUPS = 20
RENDERS = int(os.environ.get("BENCH_MEMORY_RENDERS", "500"))
FRESH_FONT_RENDERS = int(os.environ.get("BENCH_MEMORY_FRESH_RENDERS", "100"))
TARGET_MB = 20


def rss_mb() -> float:
    """Resident set size of this process, in MB, after a full garbage collection."""
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS not found in /proc/self/status")


def main() -> bool:
    load_text = load_line()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    files = local_files()

    for _ in range(WARMUPS):
        render_pdf(CERTIFICATE, files=files)
    after_warmup = rss_mb()
    checkpoints = []
    start = time.perf_counter()
    for done in range(1, RENDERS + 1):
        render_pdf(CERTIFICATE, files=files)
        if done % 100 == 0 and done < RENDERS:
            checkpoints.append((done, rss_mb()))
    elapsed = time.perf_counter() - start
    after_renders = rss_mb()
    growth = after_renders - after_warmup

    # The pattern the project avoids: a new font configuration for every render.
    before_fresh = rss_mb()
    for _ in range(FRESH_FONT_RENDERS):
        html = weasyprint.HTML(string=certificate_html(CERTIFICATE), base_url="static:/", url_fetcher=files)
        stylesheet = certificate_stylesheet(CERTIFICATE.page, CERTIFICATE.accent_colour)
        html.write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1", font_config=FontConfiguration())
    fresh_growth = rss_mb() - before_fresh
    fresh_per_render = fresh_growth / FRESH_FONT_RENDERS

    met = growth < TARGET_MB
    print(f"Certificate PDF memory: RSS after {WARMUPS} warm-up renders, then after {RENDERS} more ({elapsed:.0f}s)\n")
    print("| what | RSS MB |")
    print("|---|---|")
    print(f"| after {WARMUPS} warm-up renders | {after_warmup:.1f} |")
    for done, rss in checkpoints:
        print(f"| after {done} renders | {rss:.1f} |")
    print(f"| after {RENDERS} renders, one shared font configuration | {after_renders:.1f} |")
    print(f"| growth over {RENDERS} renders | {growth:+.1f} ({growth / RENDERS * 1024:+.1f} KB per render) |")
    print(
        f"| growth over {FRESH_FONT_RENDERS} renders, a new FontConfiguration each "
        f"| {fresh_growth:+.1f} ({fresh_per_render * 1024:+.0f} KB per render, "
        f"{fresh_per_render * RENDERS:+.0f} MB per {RENDERS} renders) |"
    )
    target = Target(f"resident memory grows under {TARGET_MB} MB over {RENDERS} renders", f"{growth:+.1f} MB", met)
    print(f"\n{target.line()}\n")
    record("certificate_memory", [target], load_text)
    return met


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
