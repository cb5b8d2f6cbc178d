"""Every absolute link about a certificate follows SITE_URL: the PDF's text and QR code, the emails, the API,
LinkedIn and the signed credential."""

import io
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pypdf
import pypdfium2
import pytest
import zxingcpp
from django.core import mail
from django.urls import reverse

from certificates.documents.selectors import credential_data, linkedin_add_url
from certificates.issuance.models import Certificate
from certificates.tracking.models import Assignment
from certificates.tracking.services import due_reminders_send
from tests.factories import LearnerFactory, build_course, build_program, complete_course

pytestmark = pytest.mark.django_db

PUBLIC = "https://training.example.org:8443"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = PUBLIC
    settings.WAGTAILADMIN_BASE_URL = PUBLIC


@pytest.fixture
def certificate(catalog, django_capture_on_commit_callbacks):
    course = build_course(catalog, modules=1, lessons_per_module=1)
    build_program([course], hours={"Ethics": 6})
    person = LearnerFactory(full_name="Renee Alvarez-Whitfield")
    with django_capture_on_commit_callbacks(execute=True):
        complete_course(person, course)
    return Certificate.objects.get(user=person)


def _stored(certificate) -> bytes:
    with certificate.pdf.open("rb") as stored:
        return stored.read()


def test_the_verification_link_is_on_the_configured_address(certificate):
    assert certificate.verification_url() == f"{PUBLIC}/verify/{certificate.code}/"


def test_the_pdf_prints_and_encodes_the_configured_address(certificate):
    content = _stored(certificate)
    text = re.sub(r"\s+", "", " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages))
    assert f"{PUBLIC}/verify/{certificate.code}/" in text
    image = pypdfium2.PdfDocument(content)[0].render(scale=3).to_pil()
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [f"{PUBLIC}/verify/{certificate.code}/"]


def test_the_issued_email_links_to_the_configured_address(certificate):
    [message] = [m for m in mail.outbox if certificate.user.email in m.to]
    links = re.findall(r"https?://\S+", message.body)
    assert f"{PUBLIC}/verify/{certificate.code}/" in links
    assert all(link.startswith(PUBLIC + "/") for link in links), links


def test_the_api_links_are_on_the_configured_address_whatever_the_request_host(certificate, client):
    client.force_login(certificate.user)
    [entry] = client.get(reverse("api-my-certificates"), HTTP_HOST="127.0.0.1:8002").json()
    assert entry["verification_url"] == f"{PUBLIC}/verify/{certificate.code}/"
    assert entry["pdf_url"] == f"{PUBLIC}/certificates/{certificate.serial}/pdf/"
    assert entry["credential_url"] == f"{PUBLIC}/certificates/{certificate.serial}/credential/"
    verified = client.get(reverse("api-verify", args=[certificate.code]), HTTP_HOST="127.0.0.1:8002").json()
    assert verified["verification_url"] == f"{PUBLIC}/verify/{certificate.code}/"
    courses = client.get(reverse("api-course-list"), HTTP_HOST="127.0.0.1:8002").json()
    assert courses and all(course["url"].startswith(PUBLIC + "/") for course in courses)
    [enrollment] = client.get(reverse("api-my-enrollments"), HTTP_HOST="127.0.0.1:8002").json()
    assert enrollment["resume_url"] is None or enrollment["resume_url"].startswith(PUBLIC + "/")


def test_linkedin_and_the_credential_name_the_configured_address(certificate):
    query = parse_qs(urlsplit(linkedin_add_url(certificate)).query)
    assert query["certUrl"] == [f"{PUBLIC}/verify/{certificate.code}/"]
    data = credential_data(certificate)
    assert data.issuer_id == PUBLIC + "/"
    assert data.status_url.startswith(PUBLIC + "/api/")


def test_due_date_reminders_link_to_the_configured_address(catalog):
    course = build_course(catalog, modules=1, lessons_per_module=1, title="Ethics refresher")
    person = LearnerFactory(email="sam@example.org")
    Assignment.objects.create(course=course, user=person, due_on=date(2030, 1, 10))
    assert due_reminders_send(today=date(2030, 1, 5)) == 1
    [message] = mail.outbox
    assert f"{PUBLIC}{reverse('my-learning')}" in message.body
