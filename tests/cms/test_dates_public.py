"""Learner-facing and public pages, certificate PDFs and emails write dates the site's one way (cms.dates)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PUBLIC_TEMPLATES = [
    *(ROOT / "cms" / "templates").glob("*.html"),
    *(ROOT / "cms" / "templates" / "registration").glob("*"),
    *(ROOT / "cms" / "templates" / "includes").glob("*"),
    *(ROOT / "cms" / "templates" / "cms").glob("*.html"),
    *(ROOT / "cms" / "templates" / "cms" / "privacy").rglob("*.html"),
    *(ROOT / "cms" / "templates" / "cms" / "tokens").rglob("*.html"),
    *(ROOT / "courses" / "templates").rglob("*.html"),
    *(ROOT / "certificates" / "templates" / "certificates" / "includes").rglob("*.html"),
    *(ROOT / "certificates" / "templates" / "certificates" / "email").rglob("*.txt"),
    *(
        ROOT / "certificates" / "templates" / "certificates" / name
        for name in ("my_certificates.html", "ce_ledger.html", "certificate_pdf.html", "program_detail.html")
    ),
    *(ROOT / "certificates" / "templates" / "certificates").glob("verify*.html"),
    ROOT / "assessments" / "templates" / "assessments" / "quiz_detail.html",
]
# {{ v|date }} and {{ v|date:"DATETIME_FORMAT" }} (or another of the format module's names) only.
LITERAL_FORMAT = re.compile(r"""\|date:["'](?![A-Z_]+_FORMAT["'])|\{%\s*now\s+["'](?![A-Z_]+_FORMAT["'])""")


def test_public_templates_use_the_sites_date_formats():
    literal = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in PUBLIC_TEMPLATES
        if path.is_file()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if LITERAL_FORMAT.search(line)
    ]
    assert literal == [], 'write {{ v|date }} or {{ v|date:"DATETIME_FORMAT" }}:\n' + "\n".join(literal)
