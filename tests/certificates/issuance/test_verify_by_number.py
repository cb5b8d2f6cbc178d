"""Verification by certificate number and the holder's last name, as licensing boards look people up.

The number alone never finds a certificate: with another last name the answer is the same "not found" as
for a number that was never issued.
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from certificates.issuance.services import certificate_issue, certificate_revoke
from tests.factories import AdminFactory, LearnerFactory, build_course, build_program

pytestmark = pytest.mark.django_db

NAME = "Marisol Quintero-Báñez"
HERE = "203.0.113.5"


@pytest.fixture
def certificate(catalog):
    course = build_course(catalog, modules=1, lessons_per_module=1)
    program = build_program([course], hours={"Ethics": 6})
    return certificate_issue(user=LearnerFactory(full_name=NAME), program=program)[0]


def text(response) -> str:
    return re.sub(r"\s+", " ", BeautifulSoup(response.content, "html.parser").get_text(" ")).strip()


def look_up(client, number, last_name, **extra):
    return client.post(reverse("certificate-verify-search"), {"number": number, "last_name": last_name}, **extra)


def test_the_search_page_offers_both_ways(client):
    page = text(client.get(reverse("certificate-verify-search")))
    assert "By verification code" in page
    assert "By certificate number and last name" in page
    assert "Certificate number" in page and "Holder's last name" in page


@pytest.mark.parametrize(
    "last_name", ["Quintero-Báñez", "quintero-banez", "  QUINTERO   BÁÑEZ ", "Báñez", "Marisol Quintero-Báñez"]
)
def test_number_and_last_name_show_the_certificate(client, certificate, last_name):
    response = look_up(client, certificate.serial, last_name)
    assert response.status_code == 200
    page = text(response)
    assert "This certificate is valid." in page and NAME in page and certificate.serial in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert certificate.code not in response.content.decode()  # the holder's link stays theirs


def test_the_number_is_read_without_regard_to_case_or_spaces(client, certificate):
    assert look_up(client, f"  {certificate.serial.lower()} ", "Báñez").status_code == 200


@pytest.mark.parametrize("last_name", ["Marisol", "Quintero", "Banks", "ez", "Someone Else"])
def test_a_number_with_another_last_name_is_not_found(client, certificate, last_name):
    response = look_up(client, certificate.serial, last_name)
    assert response.status_code == 404
    page = text(response)
    assert "No certificate has this number with this last name." in page
    assert NAME not in page and "Quintero" not in page


def test_an_unknown_number_gets_the_same_answer_as_a_wrong_name(client, certificate):
    wrong_name = look_up(client, certificate.serial, "Someone")
    unknown = look_up(client, "PSS-2099-999999", "Báñez")
    assert wrong_name.status_code == unknown.status_code == 404
    strip = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub(b"", wrong_name.content) == strip.sub(b"", unknown.content)


def test_a_revoked_certificate_is_found_and_says_so(client, certificate):
    certificate_revoke(certificate=certificate, actor=AdminFactory(), reason="Issued in error.", reason_public=False)
    assert "This certificate has been revoked." in text(look_up(client, certificate.serial, "Báñez"))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"number": "", "last_name": "Báñez"}, "number", "This field is required."),
        ({"number": "hello", "last_name": "Báñez"}, "number", "That does not look like a certificate number."),
        ({"number": "PSS-2026-000001", "last_name": "   "}, "last_name", "This field is required."),
    ],
)
def test_bad_input_shows_field_errors(client, data, field, message):
    response = client.post(reverse("certificate-verify-search"), data)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert message in soup.find(id=f"id_{field}_error").get_text()


def test_the_form_needs_its_csrf_token(certificate):
    client = Client(enforce_csrf_checks=True)
    assert look_up(client, certificate.serial, "Báñez").status_code == 403


def test_lookups_by_number_share_the_verification_allowance(client, certificate, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify": "3/minute"}
    assert client.get(reverse("certificate-verify", args=[certificate.code]), REMOTE_ADDR=HERE).status_code == 200
    assert look_up(client, certificate.serial, "Nobody", REMOTE_ADDR=HERE).status_code == 404
    assert look_up(client, certificate.serial, "Báñez", REMOTE_ADDR=HERE).status_code == 200
    refused = look_up(client, certificate.serial, "Báñez", REMOTE_ADDR=HERE)
    assert refused.status_code == 429 and NAME not in refused.content.decode()
    api = APIClient(REMOTE_ADDR=HERE)
    body = {"number": certificate.serial, "last_name": "Báñez"}
    assert api.post(reverse("api-verify-by-number"), body, format="json").status_code == 429


# The API ---------------------------------------------------------------------------------------------------


def test_api_finds_the_certificate_by_number_and_last_name(certificate):
    response = APIClient().post(
        reverse("api-verify-by-number"), {"number": certificate.serial, "last_name": "quintero-banez"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["serial"] == certificate.serial
    assert response.json()["name"] == NAME


def test_api_number_alone_is_a_json_404(certificate):
    response = APIClient().post(
        reverse("api-verify-by-number"), {"number": certificate.serial, "last_name": "Marisol"}, format="json"
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "No certificate has this number with this last name."}


@pytest.mark.parametrize(
    ("body", "field"), [({"last_name": "Báñez"}, "number"), ({"number": "PSS-2026-000001"}, "last_name")]
)
def test_api_bad_input_is_a_400_naming_the_field(body, field):
    response = APIClient().post(reverse("api-verify-by-number"), body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
