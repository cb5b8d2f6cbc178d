"""Certificate rendering: escaped content, placeholders, a local QR code, a fetcher that refuses the network,
names in every script and of any length inside the frame, and no missing glyphs."""

import io
import logging
import re
from datetime import date

import pypdfium2
import pytest
import weasyprint
from pypdf import PdfReader
from weasyprint.urls import URLFetchingError

from certificates.documents.models import DEFAULT_BODY
from certificates.documents.qr import verification_qr
from certificates.documents.rendering import (
    CertificateData,
    LocalFiles,
    body_html,
    certificate_html,
    certificate_stylesheet,
    placeholder_values,
    render_pdf,
)

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
    assert "Renee Alvarez" in html and '<strong class="value"><bdi>20</bdi></strong> hours' in html
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
    assert f'src="{verification_qr(DATA.verification_url).data_uri}"' in html  # the PNG QR code, inline


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


def test_pdf_draws_the_qr_code_as_one_sharp_png_image_not_a_vector_path(files):
    reader = PdfReader(io.BytesIO(render_pdf(DATA, files=files)))
    page = reader.pages[0]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    images = [x for x in images if x["/Subtype"] == "/Image"]
    assert len(images) == 1
    assert images[0]["/Width"] == images[0]["/Height"] == verification_qr(DATA.verification_url).pixels
    assert images[0]["/ColorSpace"] == "/DeviceGray"
    assert images[0]["/Interpolate"].value is False  # drawn with sharp edges, not smoothed
    # An SVG QR code became hundreds of path segments; what is left are the frame, rules and table lines.
    content = page.get_contents().get_data().decode("latin-1")
    assert len(re.findall(r"(?m) (?:l|re|c)$", content)) < 60


def test_stylesheet_is_parsed_once_per_layout_and_colour(files):
    certificate_stylesheet.cache_clear()
    render_pdf(DATA, files=files)
    render_pdf(CertificateData(**{**DATA.__dict__, "name": "Ana Lee"}), files=files)
    assert certificate_stylesheet.cache_info().misses == 1
    render_pdf(CertificateData(**{**DATA.__dict__, "accent_colour": "#802020"}), files=files)
    assert certificate_stylesheet.cache_info().misses == 2


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
    data = CertificateData(**{**FULL.__dict__, "page": page})
    reader = PdfReader(io.BytesIO(render_pdf(data, files=files)))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert re.sub(r"\s+", "", data.verification_url) in text  # wrapped, never cut off
    assert "6.25" in text and "Recoveryandwellnesssupport" in text


# Long names stay inside the frame ------------------------------------------------------------

MM = 72 / 25.4  # PDF points per millimetre
PAGE_MARGIN, BORDER, FOOTER_SPACE = 12 * MM, 3 * 0.75, 52 * MM  # from certificate_pdf.html: @page, .frame


def page_characters(pdf: bytes) -> tuple[tuple[float, float], list[tuple[str, tuple[float, float, float, float]]]]:
    """The page's size and every character drawn on it with its box (left, bottom, right, top), in points."""
    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    text = page.get_textpage()
    try:
        return page.get_size(), [
            (chr(pypdfium2.raw.FPDFText_GetUnicode(text, index)), text.get_charbox(index))
            for index in range(text.count_chars())
        ]
    finally:
        text.close()
        page.close()
        document.close()


def boxes_of(characters, wanted: str) -> list[tuple[float, float, float, float]]:
    """The boxes of every occurrence of ``wanted``, a run of characters not broken by a line end."""
    text = "".join(char for char, _ in characters)
    found = [start for start in range(len(text)) if text.startswith(wanted, start)]
    return [characters[start + offset][1] for start in found for offset in range(len(wanted))]


# On landscape pages the facts sit beside the hours table: a short table with a long
# organization leaves the facts lowest.
FEW_HOURS = {
    "hours": {"Ethics": 6},
    "organisation": (
        "Riverside Regional Peer Certification Board, State Office of Behavioral Health and the Department "
        "of Health Services Division of Substance Use Prevention, Treatment and Recovery Support"
    ),
}


@pytest.mark.parametrize("facts", [{}, FEW_HOURS], ids=["six hour categories", "one category"])
@pytest.mark.parametrize("length", [30, 60, 90, 150])  # the longest of each size the name is set in
@pytest.mark.parametrize("page", sorted(["letter-landscape", "letter-portrait", "a4-landscape", "a4-portrait"]))
def test_a_long_unbroken_name_wraps_inside_the_frame_above_the_footer(files, page, length, facts):
    name = "Ŵ" * length  # the widest letter, with no space to break at, and used nowhere else
    data = CertificateData(**{**FULL.__dict__, **facts, "page": page, "name": name})
    pdf = render_pdf(data, files=files)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1

    (width, height), characters = page_characters(pdf)
    name_boxes = [box for char, box in characters if char == "Ŵ"]
    assert len(name_boxes) == 2 * length  # the name line and the body's {name}: nothing cut off
    lowest_in_flow = boxes_of(characters, "PSS-2026-000123") + boxes_of(characters, list(data.hours)[-1])
    assert lowest_in_flow  # the certificate number and the last hours row
    for left, bottom, right, top in name_boxes + lowest_in_flow:
        assert PAGE_MARGIN + BORDER <= left and right <= width - PAGE_MARGIN - BORDER  # inside the border
        assert top <= height - PAGE_MARGIN - BORDER
        assert bottom >= PAGE_MARGIN + BORDER + FOOTER_SPACE  # clear of the signature, link and QR code


# Names in every script, isolated, with no missing glyphs ------------------------------------

SCRIPT_NAMES = {
    "accented Latin": "Zoë Nguyễn-Ñúñez Łukasz",
    "Arabic": "محمد بن عبد الله",
    "Hebrew": "נועה כהן",
    "Chinese": "李小龙",
    "Japanese": "山田さくら",
    "Korean": "김민준",
    "Devanagari": "प्रिया शर्मा",
    "Ethiopic": "አበበ ቢቂላ",
    "Cherokee": "ᏣᎳᎩ",
    "emoji": "Ana 🌻 👩🏽‍⚕️ ❤️",
}


def missing_glyphs(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if ".notdef" in record.getMessage()]


def embedded_fonts(pdf: bytes) -> dict[str, str]:
    """Each embedded font's name (without the subset tag) and its encoding."""
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    return {
        font.get_object()["/BaseFont"].split("+")[-1]: str(font.get_object()["/Encoding"].get_object().get("/CMapName"))
        if hasattr(font.get_object()["/Encoding"].get_object(), "get")
        else str(font.get_object()["/Encoding"])
        for font in fonts
    }


@pytest.mark.parametrize("script", SCRIPT_NAMES)
def test_names_in_every_script_print_without_missing_glyphs(files, caplog, script):
    name = SCRIPT_NAMES[script]
    caplog.set_level(logging.WARNING, logger="weasyprint")
    pdf = render_pdf(CertificateData(**{**DATA.__dict__, "name": name}), files=files)
    assert missing_glyphs(caplog) == []
    # WeasyPrint encodes a font with a missing glyph through its own CMap, to draw .notdef.
    assert set(embedded_fonts(pdf).values()) == {"/Identity-H"}
    if script == "emoji":
        assert "Noto-Color-Emoji-Bold" in embedded_fonts(pdf)
    else:
        text = re.sub(r"\s+", "", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
        assert sum(char in text for char in name.replace(" ", "")) >= 0.9 * len(name.replace(" ", ""))


def test_a_character_no_font_has_would_print_as_an_empty_box(files, caplog):
    """The check above can fail: names are refused such characters (cms.people.names) for this reason."""
    caplog.set_level(logging.WARNING, logger="weasyprint")
    pdf = render_pdf(CertificateData(**{**DATA.__dict__, "name": "Ana \U00020000"}), files=files)
    assert missing_glyphs(caplog) and set(embedded_fonts(pdf).values()) != {"/Identity-H"}


def test_the_name_is_isolated_from_the_words_around_it():
    html = certificate_html(CertificateData(**{**DATA.__dict__, "name": "محمد بن عبد الله"}))
    assert '<p class="name"><bdi>محمد بن عبد الله</bdi></p>' in html
    assert 'that <strong class="value"><bdi>محمد بن عبد الله</bdi></strong> completed' in html


def test_a_right_to_left_name_keeps_the_words_around_it_in_order(files):
    name = "محمد بن عبد الله"
    data = CertificateData(**{**DATA.__dict__, "name": name, "body": "Awarded to {name} 2026 for {hours} hours."})
    _, characters = page_characters(render_pdf(data, files=files))
    to_box = boxes_of(characters, "Awarded to")[-1]
    line = [(char, box) for char, box in characters if abs(box[1] - to_box[1]) < 2]  # the body's first line
    arabic = [box for char, box in line if "\u0600" <= char <= "\u06ff"]
    year = boxes_of(line, "2026")
    assert len(arabic) >= 10  # 13 letters; ligatures such as the one in "الله" draw some together
    # Reading left to right: "Awarded to", the whole name, then "2026": the number is not pulled into the name.
    assert to_box[2] <= min(box[0] for box in arabic)
    assert max(box[2] for box in arabic) <= min(box[0] for box in year)


def test_hidden_characters_in_a_name_saved_before_the_rule_are_not_printed():
    html = certificate_html(CertificateData(**{**DATA.__dict__, "name": "\u202eAna\u200b Lee\u2066"}))
    assert "\u202e" not in html and "\u200b" not in html and "\u2066" not in html
    assert "<title>Certificate of Completion: Ana Lee," in html and "<bdi>Ana Lee</bdi>" in html


# Wording and balance -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("program", "phrase"),
    [
        ("Perinatal Peer Support Specialist Certificate", "Perinatal Peer Support Specialist Certificate"),
        ("Peer Support Certification", "Peer Support Certification"),
        ("Ethics Refresher", "Ethics Refresher certificate"),
        ("The  Family Recovery Program", "Family Recovery Program certificate"),
    ],
)
def test_the_certificate_phrase_reads_naturally_after_has_earned_the(program, phrase):
    data = CertificateData(**{**DATA.__dict__, "program": program, "body": "{name} has earned the {certificate}."})
    assert placeholder_values(data)["certificate"] == phrase
    assert f'has earned the <strong class="value"><bdi>{phrase}</bdi></strong>.' in body_html(data)


def test_the_default_wording_says_what_was_earned():
    data = CertificateData(
        **{**DATA.__dict__, "program": "Perinatal Peer Support Specialist Certificate", "body": DEFAULT_BODY}
    )
    text = re.sub(r"<[^>]+>", "", body_html(data))
    assert text == (
        "This certifies that Renee Alvarez has earned the Perinatal Peer Support Specialist Certificate and "
        "completed 20 hours of continuing education."
    )


def test_dates_in_the_wording_are_the_sites_one_format():
    assert placeholder_values(DATA)["issued_on"] == "November 27, 2026"


@pytest.mark.parametrize("page", sorted(["letter-landscape", "letter-portrait", "a4-landscape", "a4-portrait"]))
def test_the_title_and_name_are_centred_on_the_page(files, page):
    data = CertificateData(**{**DATA.__dict__, "page": page, "title": "Certificate of Completion"})
    (width, _height), characters = page_characters(render_pdf(data, files=files))
    for wanted in ["Certificate of Completion".replace(" ", ""), "Renee Alvarez".replace(" ", "")]:
        boxes = boxes_of([(c, box) for c, box in characters if not c.isspace()], wanted)
        left, right = min(box[0] for box in boxes), max(box[2] for box in boxes)
        assert abs((left + right) / 2 - width / 2) < 0.03 * width, wanted
