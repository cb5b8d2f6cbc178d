"""Team certificates in the admin: the count of current certificates and the zip of their PDFs."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_reissue, certificate_revoke
from certificates.tracking.team_zip_views import certificate_file_name
from tests.certificates.admin_world import (
    TEAMS,
    issue,
    login,
    make_world,
    store_pdf,
)
from tests.factories import (
    LearnerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


# Team certificates ---------------------------------------------------------------------------


def zip_url(team) -> str:
    return reverse("team_certificates:download", args=[team.pk])


def test_team_page_counts_current_certificates(client, world):
    second = LearnerFactory()
    world.team.members.add(second)
    issue(second, world.program)
    certificate_reissue(certificate=world.certificate, actor=world.admin, reason="Name change.")
    content = login(client, world.supervisor).get(TEAMS).content.decode()
    assert "Northside Clinic" in content and "Riverside Program" not in content
    assert "<td>2</td>" in content  # two people, two current certificates; the replaced one is not counted
    assert zip_url(world.team) in content


def test_team_zip_holds_exactly_the_teams_current_certificates(client, world):
    second = LearnerFactory(full_name='Jo "JJ" Smith/Lee')
    world.team.members.add(second)
    second_certificate = issue(second, world.program)
    replacement = certificate_reissue(certificate=world.certificate, actor=world.admin, reason="Name change.")
    for certificate in (replacement, second_certificate, world.certificate, world.other_certificate):
        store_pdf(certificate)

    response = login(client, world.supervisor).get(zip_url(world.team))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    today = timezone.localdate().isoformat()
    assert f'attachment; filename="northside-clinic-certificates-{today}.zip"' == response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(
        [f"Rosa Delgado - {replacement.serial}.pdf", f"Jo JJ Smith Lee - {second_certificate.serial}.pdf"]
    )
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())


def test_team_zip_and_count_leave_out_revoked_certificates(client, world):
    second = LearnerFactory(full_name="Noor Haddad")
    world.team.members.add(second)
    revoked = issue(second, world.program)
    certificate_revoke(certificate=revoked, actor=world.admin, reason="Issued in error.")
    login(client, world.supervisor)
    assert "<td>1</td>" in client.get(TEAMS).content.decode()
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(zip_url(world.team)).streaming_content)))
    assert archive.namelist() == [f"Rosa Delgado - {world.certificate.serial}.pdf"]


def test_team_zip_renders_and_stores_pdfs_not_yet_made(client, world):
    assert not world.certificate.pdf
    response = login(client, world.admin).get(zip_url(world.team))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    (name,) = archive.namelist()
    content = archive.read(name)
    assert content.startswith(b"%PDF")
    world.certificate.refresh_from_db()
    assert world.certificate.pdf and world.certificate.pdf_rendered_at is not None
    with world.certificate.pdf.open("rb") as stored:
        assert stored.read() == content


def test_supervisor_of_another_team_cannot_download_its_zip(client, world):
    store_pdf(world.certificate)
    login(client, world.other_supervisor)
    assert client.get(zip_url(world.team)).status_code == 404
    assert client.get(zip_url(world.other_team)).status_code == 200


def test_file_names_in_the_zip_are_safe_on_every_file_system():
    certificate = Certificate(name=' ..Ana: "A/B" <Lee>\\x?*| ', serial="PSS-2026-000042")
    assert certificate_file_name(certificate) == "Ana A B Lee x - PSS-2026-000042.pdf"
    assert certificate_file_name(Certificate(name="///", serial="PSS-2026-000043")) == (
        "Certificate - PSS-2026-000043.pdf"
    )
