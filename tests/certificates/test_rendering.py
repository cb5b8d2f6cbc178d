"""Certificate rendering: escaped content, placeholders, a local QR code, and a fetcher that refuses the network."""

from datetime import date

import pytest
import weasyprint
from weasyprint.urls import URLFetchingError

from certificates.rendering import CertificateData, LocalFiles, body_html, certificate_html, render_pdf

DATA = CertificateData(
    name="Renee Alvarez",
    program="Perinatal Peer Support Specialist Foundations",
    serial="PSS-2026-000123",
    verification_url="https://training.example.org/verify/abc123/",
    issued_on=date(2026, 11, 27),
    expires_on=date(2028, 11, 27),
    hours={"Ethics": 6, "Peer-specific": 14},
    organisation="Example Certification Board",
    signatory_name="Dr. Priya Raman",
    signatory_title="Clinical Supervisor",
    body="This certifies that {name} completed {program} ({hours} hours) on {issued_on}.",
)


@pytest.fixture
def files(tmp_path):
    (tmp_path / "static").mkdir()
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')
    (tmp_path / "secret.txt").write_text("not for certificates")
    return LocalFiles({"static": tmp_path / "static", "media": tmp_path / "media"})


def test_placeholders_are_filled_with_escaped_values():
    html = body_html(DATA)
    assert "Renee Alvarez" in html and '<strong class="value">20</strong> hours' in html
    assert "November 27, 2026" in html


def test_hostile_name_and_template_text_are_escaped():
    hostile = CertificateData(
        **{
            **DATA.__dict__,
            "name": '<script>alert(1)</script><img src="http://evil.example/x">',
            "body": "<b>{name}</b> {unknown}",
        }
    )
    html = certificate_html(hostile)
    assert "<script>" not in html and '<img src="http://evil.example' not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;" in html and "{unknown}" in html


def test_html_carries_every_printed_fact_and_a_local_qr_code():
    html = certificate_html(DATA)
    for fact in [
        "PSS-2026-000123",
        "Example Certification Board",
        "November 27, 2028",
        "Ethics",
        "Peer-specific",
        "https://training.example.org/verify/abc123/",
        "Dr. Priya Raman, Clinical Supervisor",
    ]:
        assert fact in html, fact
    assert 'src="data:image/svg+xml;base64,' in html


@pytest.mark.parametrize("colour", ["red", "#12345", "#1f5f5b; background: url(http://x)"])
def test_accent_colour_must_be_a_hex_colour(colour):
    with pytest.raises(ValueError, match="accent colour"):
        certificate_html(CertificateData(**{**DATA.__dict__, "accent_colour": colour}))


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/x.png", "https://example.org/x.png", "file:///etc/passwd", "media:../secret.txt", "ftp://x/y"],
)
def test_fetcher_refuses_anything_but_local_files(files, url):
    with pytest.raises((URLFetchingError, ValueError)):
        files.fetch(url)


def test_fetcher_serves_local_media_and_inline_data(files):
    assert b"<svg" in files.fetch("media:logo.svg").read()
    assert files.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_pdf_is_tagged_with_title_and_author_and_fetches_nothing_remote(files):
    data = CertificateData(**{**DATA.__dict__, "logo": "media:logo.svg", "signature": "http://127.0.0.1:9/sig.png"})
    pdf = render_pdf(data, files=files)
    assert pdf.startswith(b"%PDF")
    assert files.refused == ["http://127.0.0.1:9/sig.png"]
    document = weasyprint.HTML(string=certificate_html(data), base_url="static:/", url_fetcher=files).render()
    assert document.metadata.title.startswith("Certificate of Completion: Renee Alvarez")
    assert document.metadata.authors == ["Example Certification Board"]


FULL = CertificateData(
    name="Maria-Guadalupe Fernández-Whitaker de la Cruz",
    program="Perinatal Peer Support Specialist Certificate for Work with Families Affected by Opioid Use Disorder",
    serial="PSS-2026-000123",
    verification_url="https://training.riverside-peer-certification.org/verify/" + "x" * 32 + "/",
    issued_on=date(2026, 11, 27),
    expires_on=date(2028, 11, 27),
    hours={
        "Ethics": 6,
        "Peer-specific": 10,
        "Advocacy": 4.5,
        "Mentoring and education": 4,
        "Recovery and wellness support": 6.25,
        "Perinatal and family": 4,
    },
    organisation="Riverside Regional Peer Certification Board and State Office of Behavioral Health",
    signatory_name="Dr. Ana Torres",
    signatory_title="Director of Training and Workforce Development",
    body=(
        "This certifies that {name} has completed {program}, including scenario assessments in ethics, "
        "boundaries and perinatal communication, earning {hours} continuing education hours."
    ),
    logo="media:logo.svg",
    signature="media:logo.svg",
)


@pytest.mark.parametrize("page", sorted(["letter-landscape", "letter-portrait", "a4-landscape", "a4-portrait"]))
def test_a_full_certificate_fits_on_one_page_with_the_whole_url(files, page):
    import io
    import re as regex

    from pypdf import PdfReader

    data = CertificateData(**{**FULL.__dict__, "page": page})
    reader = PdfReader(io.BytesIO(render_pdf(data, files=files)))
    assert len(reader.pages) == 1
    text = regex.sub(r"\s+", "", reader.pages[0].extract_text())
    assert regex.sub(r"\s+", "", data.verification_url) in text  # wrapped, never cut off
    assert "6.25" in text and "Recoveryandwellnesssupport" in text
