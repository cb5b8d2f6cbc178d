"""Uploaded files never run in the site's origin: type and size limits, and safe serving headers."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Collection

from certificates.forms import CECreditForm
from certificates.models import CECredit
from tests.factories import AdminFactory, ce_category

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


# CE evidence (certificates: CECredit.evidence)


def evidence_form(name: str, content: bytes) -> CECreditForm:
    data = {
        "title": "Trauma-informed care basics",
        "provider": "County health department",
        "earned_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "category": ce_category("Ethics").pk,
        "hours": "2.5",
    }
    return CECreditForm(data, {"evidence": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(
    ("name", "content"),
    [("attendance.pdf", HTML), ("attendance.png", SVG), ("attendance.jpg", b"GIF89a not a jpeg")],
)
def test_evidence_whose_content_is_not_its_type_is_refused(name, content):
    form = evidence_form(name, content)
    assert not form.is_valid()
    assert form.errors["evidence"] == ["Upload a PDF, PNG or JPEG file."]


@pytest.mark.parametrize("name", ["attendance.html", "attendance.svg", "attendance.htm"])
def test_evidence_with_another_extension_is_refused(name):
    form = evidence_form(name, PDF)
    assert not form.is_valid()
    assert "is not allowed" in form.errors["evidence"][0]


def test_oversized_evidence_is_refused_with_a_field_error(settings):
    settings.CE_EVIDENCE_MAX_UPLOAD_SIZE = 1024 * 1024
    form = evidence_form("attendance.pdf", PDF + b"0" * (1024 * 1024))
    assert not form.is_valid()
    assert form.errors["evidence"] == ["The file is larger than 1 MB."]


@pytest.mark.parametrize(("name", "content"), [("attendance.pdf", PDF), ("attendance.png", None)])
def test_real_pdf_and_png_evidence_is_accepted(name, content):
    assert evidence_form(name, content or png_bytes()).is_valid()


def test_evidence_is_served_as_a_sandboxed_download_whatever_its_content(client, learner):
    credit = CECredit.objects.create(
        user=learner,
        title="Motivational interviewing",
        earned_on=timezone.localdate(),
        category=ce_category("Ethics"),
        hours=Decimal(1),
    )
    # Even a file that slipped past the checks would be only a download.
    credit.evidence.save("attendance.pdf", ContentFile(b"%PDF-" + HTML))
    client.force_login(learner)

    response = client.get(reverse("ce-evidence", args=[credit.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


# Wagtail images


@pytest.fixture
def admin(db):
    return AdminFactory()


def image_form(admin, name: str, content: bytes):
    form_class = get_image_form(get_image_model())
    return form_class(
        {"title": "Upload", "collection": Collection.get_first_root_node().pk},
        {"file": SimpleUploadedFile(name, content)},
        user=admin,
    )


@pytest.mark.parametrize(("name", "content"), [("logo.svg", SVG), ("logo.png", SVG), ("page.html", HTML)])
def test_svg_and_html_images_are_refused(admin, name, content):
    form = image_form(admin, name, content)
    assert not form.is_valid()
    assert "file" in form.errors


def test_a_real_png_image_is_accepted(admin):
    assert image_form(admin, "logo.png", png_bytes()).is_valid()


def test_oversized_images_are_refused(admin, settings):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 100
    form = image_form(admin, "logo.png", png_bytes() + b"\0" * 200)
    assert not form.is_valid()
    assert "too big" in form.errors["file"][0]


def test_svg_is_not_an_allowed_image_extension(settings):
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS


# Wagtail documents


def document_form(admin, name: str, content: bytes):
    form_class = get_document_form(get_document_model())
    return form_class(
        {"title": "Handout", "collection": Collection.get_first_root_node().pk},
        {"file": SimpleUploadedFile(name, content)},
        user=admin,
    )


@pytest.mark.parametrize("name", ["handout.html", "handout.htm", "handout.svg", "handout.xhtml", "handout.js"])
def test_html_svg_and_script_documents_are_refused(admin, name):
    form = document_form(admin, name, HTML)
    assert not form.is_valid()
    assert "file" in form.errors


def test_oversized_documents_are_refused(admin, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 100
    form = document_form(admin, "handout.pdf", PDF + b"0" * 200)
    assert not form.is_valid()
    assert "file" in form.errors


def stored_document(name: str, content: bytes):
    document = get_document_model()(title=name)
    document.file.save(name, ContentFile(content), save=False)
    document.save()
    return document


def test_documents_other_than_pdf_are_sandboxed_downloads(client):
    document = stored_document("roster.csv", b"name\n<script>alert(1)</script>\n")

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_pdf_documents_open_in_the_browser_with_nothing_allowed_to_run(client):
    document = stored_document("handout.pdf", PDF)

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_documents_are_always_served_through_the_view(settings):
    # Never a redirect to the storage's URL, which would skip these headers and collection privacy.
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert settings.WAGTAILDOCS_INLINE_CONTENT_TYPES == ["application/pdf"]
