"""Certificate PDF render time against plain WeasyPrint, run by `make bench`. Not part of the test suite.

Renders a realistic certificate through ``certificates.rendering.render_pdf`` and, in the same
process and alternating with it, a reference page of similar weight rendered by plain WeasyPrint:
one landscape page with a border, a title, a name, three lines of text, a three-row table and a
QR code drawn as a PNG image (qrcode's Pillow factory, as a ``data:`` URI), the cheapest way a
plain page shows one. Both reuse one font configuration, as the project does, and both make
their QR code on every render: the certificate's QR cache is cleared before each of its renders,
since in use every certificate has its own verification link.

Target (issue 15): the certificate's median render time is at most 1.2 times the reference's median.
Prints ``target: ... | measured: ... | met`` (or ``missed``) and exits non-zero when it is missed.
"""

import base64
import io
import logging
import os
import statistics
import sys
import time
from datetime import date
from decimal import Decimal

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

django.setup()

import qrcode  # noqa: E402
import weasyprint  # noqa: E402
from weasyprint.text.ffi import harfbuzz_subset  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from bench.targets import Target, load_line, record  # noqa: E402
from certificates.documents.pdf import local_files  # noqa: E402
from certificates.documents.qr import verification_qr  # noqa: E402
from certificates.documents.rendering import CertificateData, certificate_html, render_pdf  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_RENDER_ROUNDS", "30"))
WARMUPS = 3
TARGET_RATIO = 1.2

CERTIFICATE = CertificateData(
    name="Renee Alvarez-Whitfield",
    program="Perinatal Peer Support Specialist Certificate",
    serial="PSS-2026-000123",
    verification_url="https://training.example.org/verify/kZ3v9Qm1xR7tL2pW8nY4cB6dF0hJ5sGa/",
    issued_on=date(2026, 11, 27),
    expires_on=date(2028, 11, 27),
    hours={"Ethics": Decimal(6), "Peer-specific": Decimal(10), "Perinatal and family": Decimal(4)},
    organisation="Example State Certification Board",
    signatory_name="Dr. Ana Torres",
    signatory_title="Director of Training",
    page="letter-landscape",
)

REFERENCE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Reference page</title>
<style>
  @page {{ size: letter landscape; margin: 14mm; }}
  body {{ font-family: "DejaVu Sans", sans-serif; margin: 0; }}
  .frame {{ border: 3px solid #1f5f5b; padding: 10mm 14mm; height: 170mm; position: relative; }}
  h1 {{ font-size: 26pt; color: #1f5f5b; }}
  .name {{ font-size: 24pt; font-weight: bold; }}
  table {{ border-collapse: collapse; font-size: 11pt; }}
  td {{ padding: 1mm 6mm 1mm 0; border-bottom: 0.5pt solid #8c8472; }}
  .qr {{ position: absolute; right: 14mm; bottom: 10mm; width: 36mm; height: 36mm; image-rendering: pixelated; }}
</style></head>
<body><div class="frame">
  <h1>Certificate of Completion</h1>
  <p class="name">Renee Alvarez-Whitfield</p>
  <p>This certifies that the person named above has completed the program below.</p>
  <p>Perinatal Peer Support Specialist Certificate, 20 continuing education hours.</p>
  <p>Issued November 27, 2026 by Example State Certification Board.</p>
  <table>
    <tr><td>Ethics</td><td>6</td></tr>
    <tr><td>Peer-specific</td><td>10</td></tr>
    <tr><td>Perinatal and family</td><td>4</td></tr>
  </table>
  <img class="qr" src="{qr}" alt="QR code">
</div></body></html>
"""
REFERENCE_FONTS = FontConfiguration()


def reference_pdf() -> bytes:
    """The reference page, QR code included, made the way any plain WeasyPrint page would be."""
    image = qrcode.make(CERTIFICATE.verification_url, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    qr = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return weasyprint.HTML(string=REFERENCE_PAGE.format(qr=qr)).write_pdf(font_config=REFERENCE_FONTS)


def timed(render) -> float:
    start = time.perf_counter()
    render()
    return (time.perf_counter() - start) * 1000


def p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def main() -> bool:
    # Without HarfBuzz-Subset, WeasyPrint warns on every render that it subsets fonts with fontTools.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    files = local_files()
    load_before = os.getloadavg()[0]
    load_text = load_line()

    def certificate():
        verification_qr.cache_clear()
        return render_pdf(CERTIFICATE, files=files)

    def html():
        verification_qr.cache_clear()
        return certificate_html(CERTIFICATE)

    for _ in range(WARMUPS):
        certificate()
        reference_pdf()
    certificate_ms, reference_ms, html_ms = [], [], []
    for _ in range(ROUNDS):  # alternating, so drift in machine load touches both alike
        certificate_ms.append(timed(certificate))
        reference_ms.append(timed(reference_pdf))
        html_ms.append(timed(html))

    ratio = statistics.median(certificate_ms) / statistics.median(reference_ms)
    met = ratio <= TARGET_RATIO
    subsetter = "HarfBuzz-Subset" if harfbuzz_subset is not None else "fontTools (no libharfbuzz-subset0)"
    print(f"Certificate PDF render: {ROUNDS} renders each after {WARMUPS} warm-ups, alternating")
    print(f"  WeasyPrint {weasyprint.__version__}, font subsetting by {subsetter}")
    print(f"  load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (2 cores)\n")
    print("| what | median ms | p95 ms |")
    print("|---|---|---|")
    print(
        f"| certificate (render_pdf, PDF/UA-1) | {statistics.median(certificate_ms):.1f} | {p95(certificate_ms):.1f} |"
    )
    print(f"| reference page (plain WeasyPrint) | {statistics.median(reference_ms):.1f} | {p95(reference_ms):.1f} |")
    print(f"| of which certificate HTML and QR code | {statistics.median(html_ms):.1f} | {p95(html_ms):.1f} |")
    target = Target(
        f"certificate median render at most {TARGET_RATIO} times the reference page's (PNG QR code)",
        f"{ratio:.2f} ({statistics.median(certificate_ms):.1f} ms vs {statistics.median(reference_ms):.1f} ms)",
        met,
    )
    print(f"\n{target.line()}\n")
    record("certificate_render", [target], load_text)
    return met


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
