"""Public verification: the page, the search form and the API say the same thing about every certificate."""

import base64
import dataclasses
import io
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from certificates.documents.pdf import certificate_data
from certificates.documents.qr import verification_qr
from certificates.documents.rendering import CertificateData
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue, certificate_reissue, certificate_revoke
from tests.factories import AdminFactory, LearnerFactory, build_course, build_program

pytestmark = pytest.mark.django_db

NAME = "Marisol Quintero-Banks"
REASON = "Issued before the final quiz was reviewed."
# What a template decides (how it looks) rather than what the certificate states.
TEMPLATE_KEYS = {"title", "body", "accent_colour", "page", "logo", "signature"}


def long_date(day) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def visible_text(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return re.sub(r"\s+", " ", soup.get_text(" ")).strip()


@pytest.fixture
def admin(db):
    return AdminFactory()


@pytest.fixture
def program(catalog):
    course = build_course(catalog, modules=1, lessons_per_module=1)
    return build_program([course], hours={"Ethics": 6, "Peer-specific": 14.5})


@pytest.fixture
def certificate(program):
    return certificate_issue(user=LearnerFactory(full_name=NAME), program=program)[0]


def expires_in(certificate: Certificate, days: int) -> Certificate:
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() + timedelta(days=days))
    return Certificate.objects.get(pk=certificate.pk)


def revoked(certificate: Certificate, admin, *, public: bool) -> Certificate:
    return certificate_revoke(certificate=certificate, actor=admin, reason=REASON, reason_public=public)


def superseded(certificate: Certificate, admin) -> Certificate:
    certificate_reissue(certificate=certificate, actor=admin, reason="Name change.")
    return Certificate.objects.get(pk=certificate.pk)


STATES = ["valid", "expiring", "expired", "revoked", "revoked-public", "superseded"]


def in_state(state: str, certificate: Certificate, admin) -> Certificate:
    match state:
        case "valid":
            return certificate
        case "expiring":
            return expires_in(certificate, 30)
        case "expired":
            return expires_in(certificate, -1)
        case "revoked":
            return revoked(certificate, admin, public=False)
        case "revoked-public":
            return revoked(certificate, admin, public=True)
        case "superseded":
            return superseded(certificate, admin)
    raise AssertionError(state)


def page(client, certificate):
    return client.get(reverse("certificate-verify", args=[certificate.code]))


def api(client, code):
    return client.get(reverse("api-verify", args=[code]))


# The page -----------------------------------------------------------------------------------


def test_valid_certificate_page_shows_every_printed_fact(client, certificate):
    response = page(client, certificate)
    assert response.status_code == 200
    text = visible_text(response)
    assert "This certificate is valid." in text
    for fact in [
        NAME,
        "Peer Support Specialist Certificate",
        "Example State Certification Board",
        "Ethics: 6",
        "Peer-specific: 14.5",
        "20.5",
        f"Issued {long_date(certificate.issued_on)}",
        f"Valid until {long_date(certificate.expires_on)}",
        "Dr. Ana Torres, Director of Training",
        certificate.serial,
    ]:
        assert fact in text, fact
    assert "expired" not in text and "revoked" not in text


def test_page_shows_the_certificates_qr_code_as_a_png_that_scans_to_the_page(client, certificate):
    soup = BeautifulSoup(page(client, certificate).content, "html.parser")
    image = soup.select_one(".verify-qr img")
    assert image["alt"] == "QR code linking to this verification page"
    assert image["width"] == image["height"] == "160"
    assert image["src"] == verification_qr(certificate.verification_url()).data_uri  # the one printed on the PDF
    png = Image.open(io.BytesIO(base64.b64decode(image["src"].removeprefix("data:image/png;base64,"))))
    scanned = [code.text for code in zxingcpp.read_barcodes(png)]
    assert scanned == [f"http://127.0.0.1:8000{reverse('certificate-verify', args=[certificate.code])}"]


def test_expiring_certificate_is_valid_and_says_when_it_ends(client, certificate):
    certificate = expires_in(certificate, 30)
    text = visible_text(page(client, certificate))
    assert "This certificate is valid." in text
    assert f"It expires on {long_date(certificate.expires_on)}, in 30 days." in text


def test_expired_certificate_says_until_when_it_was_valid(client, certificate):
    certificate = expires_in(certificate, -1)
    text = visible_text(page(client, certificate))
    assert "This certificate has expired." in text
    assert f"It was valid until {long_date(certificate.expires_on)}." in text
    assert "is valid." not in text


def test_revoked_certificate_shows_the_date_but_not_a_private_reason(client, certificate, admin):
    certificate = revoked(certificate, admin, public=False)
    text = visible_text(page(client, certificate))
    assert "This certificate has been revoked." in text
    assert f"Revoked on {long_date(timezone.localdate(certificate.revoked_at))}." in text
    assert REASON not in text and "Reason" not in text


def test_revocation_date_is_the_local_date_on_the_page_and_in_the_api(client, certificate, admin, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    revoked(certificate, admin, public=False)
    # 8 pm on March 1 in Los Angeles is already March 2 in UTC.
    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=datetime(2026, 3, 2, 4, 0, tzinfo=UTC))
    assert "Revoked on March 1, 2026." in visible_text(page(client, certificate))
    assert api(client, certificate.code).json()["revoked_on"] == "2026-03-01"


def test_markup_in_a_name_is_shown_as_text(client, program):
    hostile = '<script>alert(1)</script><img src="http://127.0.0.1:9/x">'
    certificate = certificate_issue(user=LearnerFactory(full_name=hostile), program=program)[0]
    response = page(client, certificate)
    assert "<script>alert(1)" not in response.content.decode()
    name = BeautifulSoup(response.content, "html.parser").find(attrs={"data-testid": "certificate-name"})
    assert name.get_text() == hostile
    assert api(client, certificate.code).json()["name"] == hostile


def test_revoked_certificate_shows_a_public_reason(client, certificate, admin):
    certificate = revoked(certificate, admin, public=True)
    assert f"Reason: {REASON}" in visible_text(page(client, certificate))


def test_superseded_certificate_links_to_the_new_one(client, certificate, admin):
    old = superseded(certificate, admin)
    response = page(client, old)
    text = visible_text(response)
    assert "This certificate has been replaced by a newer one." in text
    assert f"It was replaced on {long_date(old.superseded_by.issued_on)}." in text
    link = BeautifulSoup(response.content, "html.parser").find("a", string="Check the current certificate")
    assert link["href"] == reverse("certificate-verify", args=[old.superseded_by.code])
    assert "This certificate is valid." in visible_text(client.get(link["href"]))


@pytest.mark.parametrize("code", ["A" * 32, "A" * 65, "not-a-code", "%3Cscript%3E"])
def test_unknown_code_is_a_not_found_page_that_reveals_nothing(client, certificate, code):
    response = client.get(f"/verify/{code}/")
    assert response.status_code == 404
    text = visible_text(response)
    assert "Certificate not found" in text
    assert NAME not in text and certificate.serial not in text and "Peer Support Specialist" not in text
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_near_miss_code_is_not_found(client, certificate):
    assert client.get(f"/verify/{certificate.code[:-1]}/").status_code == 404
    assert client.get(f"/verify/{certificate.code.swapcase()}/").status_code == 404


def test_verify_page_is_not_indexed_and_does_not_pass_the_code_on(client, certificate):
    response = page(client, certificate)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    robots = BeautifulSoup(response.content, "html.parser").find("meta", attrs={"name": "robots"})
    assert "noindex" in robots["content"]


# The search form ----------------------------------------------------------------------------


def search(client, code):
    return client.get(reverse("certificate-verify-search"), {"code": code})


def test_search_page_shows_an_empty_form(client):
    response = client.get(reverse("certificate-verify-search"))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", attrs={"name": "code"}) is not None
    assert soup.find(class_="errorlist") is None


@pytest.mark.parametrize(
    "typed",
    [
        "{code}",
        "  {code}  ",
        "http://127.0.0.1:8000/verify/{code}/",
        "https://training.example.org/verify/{code}",
    ],
)
def test_search_redirects_to_the_certificate(client, certificate, typed):
    response = search(client, typed.format(code=certificate.code))
    assert response.status_code == 302
    assert response["Location"] == reverse("certificate-verify", args=[certificate.code])


@pytest.mark.parametrize("typed", ["hello", "javascript:alert(1)", "PSS-2026-000001", "x" * 300])
def test_search_for_garbage_shows_a_field_error(client, typed):
    response = search(client, typed)
    assert response.status_code == 200
    errors = BeautifulSoup(response.content, "html.parser").find(class_="errorlist")
    assert "does not look like a verification code" in errors.get_text()


# The API ------------------------------------------------------------------------------------

EXPECTED = {
    "valid": {"status": "valid", "revocation_reason": None, "superseded_by": None},
    "expiring": {"status": "expiring", "days_left": 30, "revocation_reason": None},
    "expired": {"status": "expired", "days_left": -1, "revocation_reason": None},
    "revoked": {"status": "revoked", "revocation_reason": None},
    "revoked-public": {"status": "revoked", "revocation_reason": REASON},
    "superseded": {"status": "superseded", "revoked_on": None},
}


@pytest.mark.parametrize("state", STATES)
def test_api_reports_each_state_like_the_page(client, certificate, admin, state):
    certificate = in_state(state, certificate, admin)
    response = api(client, certificate.code)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    body = response.json()
    assert body | EXPECTED[state] == body
    assert body["status_label"] == str(certificate.status().label)
    assert body["days_left"] == (certificate.expires_on - timezone.localdate()).days
    if state.startswith("revoked"):
        assert body["revoked_on"] == timezone.localdate(certificate.revoked_at).isoformat()
    else:
        assert body["revoked_on"] is None
    if state == "superseded":
        assert body["superseded_by"] == certificate.superseded_by.verification_url()
    # The page states the same status.
    status_heading = BeautifulSoup(page(client, certificate).content, "html.parser").find(id="verify-status")
    assert f"verify-result--{body['status']}" in status_heading.parent["class"]


def test_api_has_every_fact_printed_on_the_pdf(client, certificate):
    printed = certificate_data(certificate)
    body = api(client, certificate.code).json()
    facts = {f.name for f in dataclasses.fields(CertificateData)} - TEMPLATE_KEYS
    assert facts <= body.keys()
    for fact in facts - {"hours", "issued_on", "expires_on"}:
        assert body[fact] == getattr(printed, fact), fact
    assert body["issued_on"] == printed.issued_on.isoformat()
    assert body["expires_on"] == printed.expires_on.isoformat()
    assert {row["category"]: Decimal(str(row["hours"])) for row in body["hours"]} == printed.hours
    assert Decimal(str(body["total_hours"])) == Decimal("20.5")
    assert body["name"] == NAME


def test_api_needs_no_login_and_no_csrf_token(certificate, learner):
    assert api(Client(), certificate.code).status_code == 200
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(learner)
    assert api(signed_in, certificate.code).status_code == 200
    # No session authentication, so no CSRF failure: an unsafe method is simply not allowed.
    assert signed_in.post(reverse("api-verify", args=[certificate.code])).status_code == 405


@pytest.mark.parametrize("code", ["A" * 32, "A" * 65])
def test_api_unknown_code_is_a_json_404(client, certificate, code):
    response = api(client, code)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No certificate has this verification code."}


# Query counts -------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    client.get(url)  # warm the caches a running site would have warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def one_and_five(catalog, admin):
    """A person holding one certificate, and one whose superseded certificate is one of five."""
    course = build_course(catalog, modules=1, lessons_per_module=1)
    single = certificate_issue(user=LearnerFactory(), program=build_program([course], name="Single"))[0]
    holder = LearnerFactory()
    first = certificate_issue(user=holder, program=build_program([course], name="First"))[0]
    certificate_issue(user=holder, program=build_program([course], name="Second"))
    newer = first
    for _ in range(3):
        newer = certificate_reissue(certificate=newer, actor=admin, reason="Name change.")
    assert Certificate.objects.filter(user=holder).count() == 5
    return single, Certificate.objects.get(pk=first.pk)


@pytest.mark.parametrize(("route", "most"), [("certificate-verify", 2), ("api-verify", 1)])
def test_verification_runs_a_fixed_number_of_queries(client, one_and_five, route, most, django_assert_max_num_queries):
    single, superseded_one = one_and_five
    one = count_queries(client, reverse(route, args=[single.code]))
    assert count_queries(client, reverse(route, args=[superseded_one.code])) == one
    with django_assert_max_num_queries(most):
        client.get(reverse(route, args=[superseded_one.code]))


def test_a_name_saved_with_hidden_characters_reads_the_same_on_the_pdf_the_page_and_the_api(catalog, client):
    """A name stored before hidden characters were refused is shown one way everywhere: without them."""
    program = build_program([build_course(catalog, modules=1, lessons_per_module=1)])
    certificate, _ = certificate_issue(user=LearnerFactory(), program=program)
    Certificate.objects.filter(pk=certificate.pk).update(name="Maria \u202egnoL\u202c Lopez")
    certificate.refresh_from_db()
    shown = "Maria gnoL Lopez"
    assert certificate_data(certificate).name == shown
    page = client.get(reverse("certificate-verify", args=[certificate.code])).content.decode()
    assert shown in page and "\u202e" not in page
    assert client.get(reverse("api-verify", args=[certificate.code])).json()["name"] == shown
