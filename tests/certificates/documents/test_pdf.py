"""Certificate PDFs as issued: the printed facts, a QR code that scans, nothing fetched, and serving the file."""

import io
import re

import pypdf
import pypdfium2
import pytest
import zxingcpp
from bs4 import BeautifulSoup
from django.urls import reverse

from certificates.documents import pdf
from certificates.documents.models import CertificateTemplate
from certificates.documents.rendering import LocalFiles
from certificates.issuance.models import Certificate
from tests.factories import LearnerFactory, TrainerFactory, build_course, build_program, complete_course

pytestmark = pytest.mark.django_db

HOSTILE_NAME = '<img src="http://127.0.0.1:9/x">'


class RecordingFiles(LocalFiles):
    """The project's fetcher, also noting every URL WeasyPrint asks for."""

    def __init__(self, roots):
        super().__init__(roots)
        self.requested: list[str] = []

    def fetch(self, url, headers=None):
        self.requested.append(url)
        return super().fetch(url, headers)


@pytest.fixture
def fetchers(monkeypatch):
    """Every fetcher the PDF code makes, for asserting what rendering tried to read."""
    made = []
    original = pdf.local_files

    def recording():
        files = RecordingFiles(original().roots)
        made.append(files)
        return files

    monkeypatch.setattr(pdf, "local_files", recording)
    return made


@pytest.fixture
def issue(catalog, django_capture_on_commit_callbacks):
    """Earn a certificate the way a learner does; the background tasks render and store the PDF."""

    def issue(person=None):
        course = build_course(catalog, modules=1, lessons_per_module=1)
        build_program([course], hours={"Ethics": 6, "Peer-specific": 14.5})
        person = person or LearnerFactory(full_name="Renee Alvarez-Whitfield")
        with django_capture_on_commit_callbacks(execute=True):
            complete_course(person, course)
        return Certificate.objects.get(user=person)

    return issue


def stored_bytes(certificate: Certificate) -> bytes:
    with certificate.pdf.open("rb") as stored:
        return stored.read()


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def test_issued_certificate_has_a_stored_pdf_with_every_printed_fact(issue):
    certificate = issue()
    assert certificate.pdf and certificate.pdf_rendered_at
    content = stored_bytes(certificate)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for fact in [
        "Renee Alvarez-Whitfield",
        certificate.serial,
        certificate.verification_url(),
        "Example State Certification Board",
        "Peer Support Specialist Certificate",
        "Dr. Ana Torres, Director of Training",
        "Continuing education hours: 20.5",
        "Ethics 6",
        "Peer-specific 14.5",
        f"{certificate.expires_on:%B} {certificate.expires_on.day}, {certificate.expires_on.year}",
    ]:
        assert fact in text, fact


def test_qr_code_scans_to_the_verification_url(issue):
    certificate = issue()
    document = pypdfium2.PdfDocument(stored_bytes(certificate))
    image = document[0].render(scale=3).to_pil()
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [certificate.verification_url()]


def test_markup_in_a_name_is_printed_as_text_and_fetches_nothing(issue, fetchers):
    certificate = issue(LearnerFactory(full_name=HOSTILE_NAME))
    assert HOSTILE_NAME in pdf_text(stored_bytes(certificate))
    assert fetchers, "the PDF was rendered with the project's fetcher"
    for files in fetchers:
        assert files.refused == []
        assert all(url.startswith("data:") for url in files.requested), files.requested


def test_pdf_metadata_names_the_certificate_and_the_organisation(issue):
    certificate = issue()
    metadata = pypdf.PdfReader(io.BytesIO(stored_bytes(certificate))).metadata
    assert metadata.title == ("Certificate of Completion: Renee Alvarez-Whitfield, Peer Support Specialist Certificate")
    assert metadata.author == "Example State Certification Board"


def test_download_serves_the_stored_file(issue, client):
    certificate = issue()
    marker = b"%PDF-1.7 the stored copy"
    with certificate.pdf.open("wb") as stored:
        stored.write(marker)
    client.force_login(certificate.user)
    url = reverse("certificate-pdf", args=[certificate.serial])

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{certificate.serial}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == marker

    download = client.get(url, {"download": "1"})
    assert download["Content-Disposition"] == f'attachment; filename="{certificate.serial}.pdf"'


@pytest.mark.parametrize("loss", ["cleared", "deleted"])
def test_download_renders_and_stores_a_missing_file(issue, client, loss):
    certificate = issue()
    if loss == "cleared":
        Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_rendered_at=None)
    else:
        certificate.pdf.storage.delete(certificate.pdf.name)
    client.force_login(certificate.user)

    response = client.get(reverse("certificate-pdf", args=[certificate.serial]))

    assert response.status_code == 200
    content = response.getvalue()
    assert content.startswith(b"%PDF") and certificate.serial in pdf_text(content)
    certificate.refresh_from_db()
    assert certificate.pdf and certificate.pdf_rendered_at
    assert stored_bytes(certificate) == content


# Template preview in the admin --------------------------------------------------------------

TEMPLATE_FORM = {
    "name": "Board certificate",
    "title": "Certificate of Achievement",
    "body": "This certifies that {name} has completed {program}.",
    "logo": "",
    "signature": "",
    "accent_colour": "#2a4d69",
    "page_size": "a4-portrait",
}


@pytest.fixture
def trainer_client(client):
    client.force_login(TrainerFactory())
    return client


def preview_urls(template=None):
    if template is None:
        url = reverse("wagtailsnippets_certificates_certificatetemplate:preview_on_add")
    else:
        url = reverse("wagtailsnippets_certificates_certificatetemplate:preview_on_edit", args=[template.pk])
    return url


def test_trainer_previews_a_new_template_as_a_pdf(trainer_client, fetchers):
    url = preview_urls()
    assert trainer_client.post(url, TEMPLATE_FORM).json() == {"is_valid": True, "is_available": True}

    response = trainer_client.get(url, {"mode": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Certificate of Achievement" in text and "Renee Alvarez-Whitfield" in text
    assert all(files.refused == [] for files in fetchers)
    assert not CertificateTemplate.objects.filter(name="Board certificate").exists()


def test_trainer_previews_edits_to_a_template(trainer_client):
    template = CertificateTemplate.objects.create(name="Existing", title="Old title")
    url = preview_urls(template)
    assert trainer_client.post(url, {**TEMPLATE_FORM, "name": "Existing", "title": "New title"}).json()["is_valid"]

    response = trainer_client.get(url, {"mode": "pdf"})

    assert response["Content-Type"] == "application/pdf"
    assert "New title" in pdf_text(response.content)
    template.refresh_from_db()
    assert template.title == "Old title"


def test_bad_accent_colour_is_a_field_error(trainer_client):
    bad = {**TEMPLATE_FORM, "accent_colour": "#12345g"}
    assert trainer_client.post(preview_urls(), bad).json()["is_valid"] is False

    response = trainer_client.post(reverse("wagtailsnippets_certificates_certificatetemplate:add"), bad)

    assert response.status_code == 200
    assert "Use a hex colour such as #1f5f5b." in response.content.decode()
    assert not CertificateTemplate.objects.filter(name="Board certificate").exists()


ALLOWED = "{name}, {program}, {certificate}, {issued_on}, {expires_on}, {hours}, {organisation}, {serial}"


def test_unknown_placeholder_is_a_field_error_naming_it_and_the_allowed_ones(trainer_client):
    bad = {**TEMPLATE_FORM, "body": "This certifies that {nmae} has completed {program}."}
    assert trainer_client.post(preview_urls(), bad).json()["is_valid"] is False

    response = trainer_client.post(reverse("wagtailsnippets_certificates_certificatetemplate:add"), bad)

    assert response.status_code == 200
    assert response.context["form"].errors["body"] == [f"Unknown placeholder: {{nmae}}. Use only these: {ALLOWED}."]
    assert "Unknown placeholder: {nmae}. Use only these: {name}, {program}," in response.content.decode()
    assert not CertificateTemplate.objects.filter(name="Board certificate").exists()


def test_editing_a_template_refuses_a_brace_without_its_pair(trainer_client):
    template = CertificateTemplate.objects.create(name="Existing")
    edit = reverse("wagtailsnippets_certificates_certificatetemplate:edit", args=[template.pk])

    response = trainer_client.post(edit, {**TEMPLATE_FORM, "name": "Existing", "body": "Awarded to {name for work."})

    assert response.status_code == 200
    [error] = response.context["form"].errors["body"]
    assert error.startswith("A brace has no pair, near “Awarded to {name for work.”.") and ALLOWED in error
    template.refresh_from_db()
    assert template.body == CertificateTemplate._meta.get_field("body").default


def test_learners_cannot_preview_templates(learner_client):
    response = learner_client.post(preview_urls(), TEMPLATE_FORM)
    assert response.status_code in {302, 403}
    assert response.get("Content-Type") != "application/pdf"


@pytest.mark.parametrize("saved", [False, True])
def test_the_preview_opens_fitted_to_the_panel(trainer_client, saved):
    """The first mode frames the PDF with the viewer's open parameters: fitted to the width, no toolbar or page list."""
    template = CertificateTemplate.objects.create(name="Existing", title="Old title") if saved else None
    url = preview_urls(template)
    assert trainer_client.post(url, {**TEMPLATE_FORM, "name": "Existing"}).json()["is_valid"]

    response = trainer_client.get(url)

    assert response["Content-Type"].startswith("text/html")
    frame = BeautifulSoup(response.content, "html.parser").iframe
    assert frame["src"] == f"{url}?mode=pdf#view=FitH&navpanes=0&toolbar=0"
    pdf = trainer_client.get(frame["src"].split("#")[0])
    assert pdf["Content-Type"] == "application/pdf"
    assert "Certificate of Achievement" in pdf_text(pdf.content)
