"""What a learner sees of their certificates, credentials and CE hours, and who else may open them."""

import base64
import json
import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.ce.models import CECredit
from certificates.documents.credentials import credential_verify
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue, certificate_reissue, certificate_revoke
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    build_course,
    build_program,
    ce_category,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text_of(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


@pytest.fixture
def course(catalog):
    return build_course(catalog, modules=1, lessons_per_module=1, title="Boundaries in peer support")


@pytest.fixture
def program(course):
    return build_program([course], hours={"Ethics": 6, "Peer-specific": 14.5})


def issue(person, program, **kwargs) -> Certificate:
    """A certificate without the background PDF job; a small stored file stands in for the rendered PDF."""
    certificate = certificate_issue(user=person, program=program, **kwargs)[0]
    certificate.pdf.save(certificate.file_name, ContentFile(PDF))
    return certificate


@pytest.fixture
def certificate(learner, program):
    return issue(learner, program)


@pytest.fixture
def credit(learner):
    credit = CECredit.objects.create(
        user=learner,
        title="Motivational interviewing",
        provider="State peer network",
        earned_on=timezone.localdate() - timedelta(days=3),
        category=ce_category("Ethics"),
        hours=Decimal(3),
    )
    credit.evidence.save("attendance.pdf", ContentFile(PDF))
    return credit


# My certificates ----------------------------------------------------------------------------


def cards(response):
    return soup(response).find_all(attrs={"data-testid": "certificate-card"})


def test_my_certificates_lists_each_certificate_with_its_links(learner_client, certificate):
    response = learner_client.get(reverse("my-certificates"))
    assert response.status_code == 200
    (card,) = cards(response)
    text = text_of(card)
    assert "Peer Support Specialist Certificate" in text and certificate.serial in text
    assert text_of(card.find(attrs={"data-testid": "certificate-status"})) == "Valid"
    hrefs = {a["href"] for a in card.find_all("a")}
    assert f"/certificates/{certificate.serial}/pdf/" in hrefs
    assert f"/certificates/{certificate.serial}/pdf/?download=1" in hrefs
    assert f"/verify/{certificate.code}/" in hrefs
    assert f"/certificates/{certificate.serial}/credential/" in hrefs
    assert card.find(attrs={"data-copy": certificate.verification_url()}) is not None


def test_linkedin_link_fills_in_the_certification(learner_client, certificate):
    card = cards(learner_client.get(reverse("my-certificates")))[0]
    link = card.find("a", href=re.compile(r"^https://www\.linkedin\.com/"))
    url = urlsplit(link["href"])
    assert (url.netloc, url.path) == ("www.linkedin.com", "/profile/add")
    assert link["rel"] == ["noopener", "noreferrer"]
    assert {key: values[0] for key, values in parse_qs(url.query).items()} == {
        "startTask": "CERTIFICATION_NAME",
        "name": "Peer Support Specialist Certificate",
        "organizationName": "Example State Certification Board",
        "issueYear": str(certificate.issued_on.year),
        "issueMonth": str(certificate.issued_on.month),
        "expirationYear": str(certificate.expires_on.year),
        "expirationMonth": str(certificate.expires_on.month),
        "certUrl": certificate.verification_url(),
        "certId": certificate.serial,
    }


def test_revoked_certificate_has_no_linkedin_link(learner_client, certificate):
    certificate_revoke(certificate=certificate, actor=AdminFactory(), reason="Issued in error.")
    (card,) = cards(learner_client.get(reverse("my-certificates")))
    assert text_of(card.find(attrs={"data-testid": "certificate-status"})) == "Revoked"
    assert "linkedin" not in str(card)


def test_earlier_certificates_have_their_own_table(learner_client, certificate):
    newer = certificate_reissue(certificate=certificate, actor=AdminFactory(), reason="Name change.")
    response = learner_client.get(reverse("my-certificates"))

    (card,) = cards(response)
    assert newer.serial in text_of(card) and certificate.serial not in str(card)
    table = soup(response).find(id="earlier-heading").find_parent("section").find("table")
    (row,) = table.find("tbody").find_all("tr")
    assert certificate.serial in text_of(row) and "Replaced by a newer certificate" in text_of(row)
    assert row.find("a")["href"] == f"/verify/{certificate.code}/"
    assert newer.serial not in text_of(table)


def test_my_certificates_shows_only_my_own(learner_client, certificate, program):
    other = issue(LearnerFactory(), program)
    response = learner_client.get(reverse("my-certificates"))
    assert len(cards(response)) == 1
    assert other.serial not in response.content.decode()


def test_without_certificates_the_page_says_how_they_are_earned(learner_client, program):
    response = learner_client.get(reverse("my-certificates"))
    assert cards(response) == []
    assert "You have no certificates yet." in text_of(soup(response))
    assert "Boundaries in peer support" in text_of(soup(response))  # the course still to complete


# Who may open a person's files --------------------------------------------------------------


def other_learner(owner):
    return LearnerFactory()


def own_supervisor(owner):
    supervisor = SupervisorFactory()
    team = TeamFactory()
    team.supervisors.add(supervisor)
    team.members.add(owner)
    return supervisor


def other_supervisor(owner):
    supervisor = SupervisorFactory()
    team = TeamFactory()
    team.supervisors.add(supervisor)
    team.members.add(LearnerFactory())
    TeamFactory().members.add(owner)
    return supervisor


def admin(owner):
    return AdminFactory()


def themselves(owner):
    return owner


@pytest.mark.parametrize(
    ("viewer", "status"),
    [(themselves, 200), (other_learner, 404), (own_supervisor, 200), (other_supervisor, 404), (admin, 200)],
)
@pytest.mark.parametrize("resource", ["pdf", "credential", "evidence"])
def test_only_the_person_their_supervisor_and_admins_open_their_files(
    client, learner, certificate, credit, viewer, status, resource
):
    client.force_login(viewer(learner))
    url = {
        "pdf": reverse("certificate-pdf", args=[certificate.serial]),
        "credential": reverse("certificate-credential", args=[certificate.serial]),
        "evidence": reverse("ce-evidence", args=[credit.pk]),
    }[resource]
    response = client.get(url)
    assert response.status_code == status
    if status == 404:
        assert certificate.name not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        lambda c, e: reverse("my-certificates"),
        lambda c, e: reverse("ce-ledger"),
        lambda c, e: reverse("certificate-pdf", args=[c.serial]),
        lambda c, e: reverse("certificate-credential", args=[c.serial]),
        lambda c, e: reverse("ce-evidence", args=[e.pk]),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, certificate, credit, url):
    path = url(certificate, credit)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_unknown_serial_is_not_found(learner_client):
    assert learner_client.get(reverse("certificate-pdf", args=["PSS-2000-999999"])).status_code == 404


# Credentials and public program pages -------------------------------------------------------


def test_credential_download_is_a_signed_jwt_about_the_certificate(learner_client, certificate):
    response = learner_client.get(reverse("certificate-credential", args=[certificate.serial]))
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.serial}.jwt"'
    claims = credential_verify(response.content.decode())

    assert claims["id"] == claims["jti"] == certificate.verification_url()
    assert claims["issuer"]["name"] == "Example State Certification Board"
    subject = claims["credentialSubject"]
    names = [i["identityHash"] for i in subject["identifier"] if i["identityType"] == "name"]
    assert names == [certificate.name]
    assert subject["achievement"]["name"] == "Peer Support Specialist Certificate"
    assert subject["achievement"]["id"].endswith(reverse("program-achievement", args=[certificate.program_id]))
    assert subject["creditsEarned"] == 20.5
    assert sorted(r["value"] for r in subject["result"]) == ["14.5", "6"]
    assert claims["credentialStatus"]["id"].endswith(reverse("api-verify", args=[certificate.code]))
    assert certificate.user.email not in response.content.decode()


def test_jwks_is_public_json_with_the_signing_key(client, learner_client, certificate):
    token = learner_client.get(reverse("certificate-credential", args=[certificate.serial])).content.decode()
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"
    assert "public" in response["Cache-Control"]
    keys = response.json()["keys"]
    assert keys and all(key["kty"] == "OKP" and "d" not in key for key in keys)
    header = token.split(".")[0]
    kid = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]
    assert kid in {key["kid"] for key in keys}


def test_program_page_is_public(client, program):
    response = client.get(reverse("program-achievement", args=[program.pk]))
    assert response.status_code == 200
    text = text_of(soup(response))
    assert "Peer Support Specialist Certificate" in text
    assert "Boundaries in peer support" in text
    assert "Example State Certification Board" in text
    assert "Ethics: 6" in text and "24 months" in text
    assert client.get(reverse("program-achievement", args=[program.pk + 1000])).status_code == 404


def test_api_lists_only_my_certificates(learner_client, certificate, program):
    issue(LearnerFactory(), program)
    response = learner_client.get(reverse("api-my-certificates"))
    assert response.status_code == 200
    (entry,) = response.json()
    assert entry["serial"] == certificate.serial
    assert entry["status"] == "valid"
    assert entry["pdf_url"] == f"http://127.0.0.1:8000/certificates/{certificate.serial}/pdf/"
    assert entry["credential_url"] == f"http://127.0.0.1:8000/certificates/{certificate.serial}/credential/"
    assert entry["verification_url"] == certificate.verification_url()


def test_api_my_certificates_needs_login(client):
    assert client.get(reverse("api-my-certificates")).status_code == 401


# The CE ledger ------------------------------------------------------------------------------


def add_credit(person, category, hours, *, days_ago=5, state=CECredit.State.APPROVED, title="Training"):
    return CECredit.objects.create(
        user=person,
        title=title,
        provider="Elsewhere",
        earned_on=timezone.localdate() - timedelta(days=days_ago),
        category=ce_category(category),
        hours=Decimal(str(hours)),
        state=state,
    )


def test_ledger_totals_approved_hours_by_category(learner_client, learner):
    add_credit(learner, "Ethics", 3)
    add_credit(learner, "Ethics", 2)
    add_credit(learner, "Peer-specific", 1.5)
    add_credit(learner, "Advocacy", 4, state=CECredit.State.PENDING, title="Policy day")
    add_credit(learner, "Mentoring and education", 7, state=CECredit.State.REJECTED)

    response = learner_client.get(reverse("ce-ledger"))

    section = soup(response).find(id="totals-heading").find_parent("section")
    assert text_of(section.find("h2")) == "Approved hours: 6.5"
    rows = [[text_of(td) for td in tr.find_all("td")] for tr in section.find("tbody").find_all("tr")]
    assert rows == [["Ethics", "5"], ["Peer-specific", "1.5"]]
    entries = text_of(soup(response).find(id="entries-heading").find_parent("section"))
    assert "Policy day" in entries and "Awaiting review" in entries and "Not approved" in entries


@pytest.fixture
def renewing(learner, course):
    program = build_program([course], name="Renewing", renewal_hours=10, renewal_minimums={"Ethics": 4})
    return issue(learner, program, issued_at=timezone.now() - timedelta(days=100))


def renewal_section(response, certificate):
    return soup(response).find(id=f"renewal-{certificate.pk}").find_parent("section")


def test_ledger_shows_what_renewal_still_needs(learner_client, learner, renewing):
    add_credit(learner, "Peer-specific", 3)
    add_credit(learner, "Ethics", 1)
    add_credit(learner, "Ethics", 5, days_ago=200)  # before the certificate: does not count
    add_credit(learner, "Ethics", 5, state=CECredit.State.PENDING)

    section = renewal_section(learner_client.get(reverse("ce-ledger")), renewing)

    text = text_of(section)
    assert "4 of 10 hours" in text and "40%" in text
    assert "Still needed: 6 hours in all, 3 in Ethics." in text
    assert section.find(role="progressbar")["aria-valuenow"] == "40"


def test_ledger_says_when_renewal_is_met(learner_client, learner, renewing):
    add_credit(learner, "Ethics", 4)
    add_credit(learner, "Peer-specific", 6)
    text = text_of(renewal_section(learner_client.get(reverse("ce-ledger")), renewing))
    assert "Renewal requirements met." in text and "Still needed" not in text


def hours_form(**changes):
    data = {
        "title": "Trauma-informed care basics",
        "provider": "County health department",
        "earned_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "category": ce_category("Recovery and wellness support").pk,
        "hours": "2.5",
        "evidence": SimpleUploadedFile("attendance.pdf", PDF, content_type="application/pdf"),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_recording_external_hours_creates_a_pending_entry(learner_client, learner):
    response = learner_client.post(reverse("ce-ledger"), hours_form())

    assert response.status_code == 302 and response["Location"] == reverse("ce-ledger")
    credit = CECredit.objects.get(user=learner)
    assert credit.source == CECredit.Source.EXTERNAL and credit.state == CECredit.State.PENDING
    assert credit.title == "Trauma-informed care basics" and credit.hours == Decimal("2.5")
    assert credit.category.name == "Recovery and wellness support"
    with credit.evidence.open("rb") as stored:
        assert stored.read() == PDF
    page = text_of(soup(learner_client.get(reverse("ce-ledger"))))
    assert "Your hours are recorded and wait for your supervisor's review." in page
    assert "Trauma-informed care basics" in page and "Awaiting review" in page
    assert "Approved hours: 0" in page


@pytest.mark.parametrize(
    ("field", "changes", "error"),
    [
        ("earned_on", {"earned_on": "2099-01-01"}, "The date cannot be in the future."),
        ("hours", {"hours": "0"}, "greater than or equal to 0.25"),
        ("hours", {"hours": "500"}, "Record at most 100 hours in one entry"),
        (
            "evidence",
            {"evidence": SimpleUploadedFile("a.pdf", b"<html><script>alert(1)</script></html>")},
            "Upload a PDF, PNG or JPEG file.",
        ),
        (
            "evidence",
            {"evidence": SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024))},
            "The file is larger than 5 MB.",
        ),
        ("evidence", {"evidence": SimpleUploadedFile("page.html", PDF)}, "is not allowed"),
        ("title", {"title": None}, "This field is required."),
        ("provider", {"provider": ""}, "This field is required."),
    ],
)
def test_bad_hours_are_refused_with_a_field_error(learner_client, field, changes, error):
    response = learner_client.post(reverse("ce-ledger"), hours_form(**changes))

    assert response.status_code == 200
    errors = soup(response).find(id=f"id_{field}_error")
    assert errors is not None and error in text_of(errors)
    assert not CECredit.objects.exists()


def test_evidence_is_served_as_a_sandboxed_download(learner_client, credit):
    response = learner_client.get(reverse("ce-evidence", args=[credit.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_entry_without_evidence_has_no_download(learner_client, learner):
    credit = add_credit(learner, "Ethics", 1)
    assert learner_client.get(reverse("ce-evidence", args=[credit.pk])).status_code == 404


# Query counts -------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    client.get(url)  # warm the caches a running site would have warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def one_and_five(course):
    """Two people on the same programs: one holds one certificate, the other five (two of them current)."""
    programs = [
        build_program([course], name=f"Program {n}", renewal_hours=10, renewal_minimums={"Ethics": 2}) for n in range(3)
    ]
    one, five = LearnerFactory(), LearnerFactory()
    issue(one, programs[0])
    first = issue(five, programs[0])
    issue(five, programs[1])
    newer = issue(five, programs[2])
    for _ in range(2):
        newer = certificate_reissue(certificate=newer, actor=AdminFactory(), reason="Name change.")
    for person in (one, five):
        add_credit(person, "Ethics", 1, days_ago=0)
        add_credit(person, "Peer-specific", 2, days_ago=0, state=CECredit.State.PENDING)
    assert Certificate.objects.filter(user=five).count() == 5 and first.is_current
    return one, five


# My certificates also says what is left of each course still to complete: its enrollments, modules,
# lessons, completions, quizzes and attempts, six queries whatever the number of courses.
@pytest.mark.parametrize(("route", "most"), [("my-certificates", 23), ("api-my-certificates", 3)])
def test_my_certificates_runs_a_fixed_number_of_queries(
    client, one_and_five, route, most, django_assert_max_num_queries
):
    one, five = one_and_five
    client.force_login(one)
    with_one = count_queries(client, reverse(route))
    client.force_login(five)
    assert count_queries(client, reverse(route)) == with_one
    with django_assert_max_num_queries(most):
        client.get(reverse(route))


@pytest.mark.django_db
def test_an_admin_can_open_the_pdf_of_a_deleted_account_and_no_one_else_can(client):
    from certificates.issuance.services import certificate_issue
    from tests.factories import AdminFactory, SupervisorFactory, build_program

    holder = LearnerFactory()
    certificate, _ = certificate_issue(user=holder, program=build_program([]))
    holder.delete()
    url = reverse("certificate-pdf", args=[certificate.serial])
    client.force_login(SupervisorFactory())
    assert client.get(url).status_code == 404
    client.force_login(AdminFactory())
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def program_line(response) -> str:
    return " ".join(text_of(soup(response).find(attrs={"data-testid": "program-standing"})).split())


def test_a_revoked_certificate_is_not_promised_again_as_being_prepared(learner_client, learner, course, program):
    """A revoked certificate blocks automatic issuing, so "being prepared" would never come true."""
    from tests.factories import AdminFactory, complete_course

    complete_course(learner, course)
    certificate = issue(learner, program)
    certificate_revoke(certificate=certificate, actor=AdminFactory(), reason="Issued to a duplicate account")

    line = program_line(learner_client.get(reverse("my-certificates")))
    assert "being prepared" not in line
    assert f"your certificate was revoked on {timezone.localdate():%B} " in line
    assert "Talk to your program administrator" in line


def test_an_expired_certificate_is_not_called_certified_and_says_how_to_reinstate_it(learner_client, learner, course):
    program = build_program([course], name="Renewing", renewal_hours=10)
    certificate = issue(learner, program, issued_at=timezone.now() - timedelta(days=800))
    assert certificate.status().code == "expired"

    line = program_line(learner_client.get(reverse("my-certificates")))
    assert "certified" not in line
    assert "your certificate expired on" in line
    assert "To reinstate it, record 10 CE hours (0 so far)." in line
