"""An administrator issues a certificate from the person's page: confirmed, audit-logged, refused unless earned."""

import pytest

from certificates.issuance.models import Certificate, CertificateEvent
from certificates.issuance.services import certificate_revoke
from cms.models import AuditLogEntry
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    build_course,
    build_program,
    complete_course,
)

pytestmark = pytest.mark.django_db


def issue_url(person) -> str:
    return f"/admin/people/{person.pk}/issue/"


@pytest.fixture
def setting(catalog):
    course = build_course(catalog, modules=1, lessons_per_module=2)
    program = build_program([course])
    person = LearnerFactory(full_name="Robin Vale")
    TeamFactory().members.add(person)
    return course, program, person


def test_the_person_page_offers_issuing_to_administrators_only(client, setting):
    _, _, person = setting
    supervisor = SupervisorFactory()
    person.teams.first().supervisors.add(supervisor)
    client.force_login(supervisor)
    page = client.get(f"/admin/people/{person.pk}/")
    assert page.status_code == 200 and issue_url(person) not in page.content.decode()
    assert client.get(issue_url(person)).status_code == 302  # Wagtail's "no permission"
    client.force_login(AdminFactory())
    assert issue_url(person) in client.get(f"/admin/people/{person.pk}/").content.decode()


def test_issuing_is_refused_with_the_reason_while_requirements_are_not_met(client, setting):
    course, program, person = setting
    client.force_login(AdminFactory())
    page = client.get(issue_url(person)).content.decode()
    assert f"not met yet; still to complete: {course.title}" in page
    response = client.post(issue_url(person), {"program": program.pk, "confirm": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Robin Vale has not met the requirements of" in page and f"Still to complete: {course.title}." in page
    assert not Certificate.objects.filter(user=person).exists()


def test_issuing_needs_confirmation(client, setting, django_capture_on_commit_callbacks):
    course, program, person = setting
    complete_course(person, course)
    client.force_login(AdminFactory())
    response = client.post(issue_url(person), {"program": program.pk})
    assert "Tick the box to confirm before issuing." in response.content.decode()
    assert not Certificate.objects.filter(user=person).exists()


def test_issuing_when_requirements_are_met_is_logged_with_the_administrator(client, setting):
    course, program, person = setting
    # Requirements met while the program was paused: nothing was issued then.
    program.active = False
    program.save()
    complete_course(person, course)
    program.active = True
    program.save()
    admin = AdminFactory(full_name="Ada Admin")
    client.force_login(admin)
    assert "requirements met, no certificate yet" in client.get(issue_url(person)).content.decode()
    response = client.post(issue_url(person), {"program": program.pk, "confirm": "on"}, follow=True)
    certificate = Certificate.objects.get(user=person, program=program)
    assert response.redirect_chain[-1][0] == f"/admin/people/{person.pk}/"
    assert f"{certificate.serial} is issued to Robin Vale" in response.content.decode()
    event = CertificateEvent.objects.get(certificate=certificate, action="issued")
    assert event.actor == admin and "administrator" in event.note
    entry = AuditLogEntry.objects.get(action="pss.certificate.issued")
    assert entry.user_id == admin.pk


def test_a_second_certificate_is_refused(client, setting):
    course, program, person = setting
    complete_course(person, course)
    admin = AdminFactory()
    client.force_login(admin)
    client.post(issue_url(person), {"program": program.pk, "confirm": "on"})
    first = Certificate.objects.get(user=person)
    certificate_revoke(certificate=first, actor=admin, reason="Test")
    response = client.post(issue_url(person), {"program": program.pk, "confirm": "on"})
    assert f"already holds certificate {first.serial}" in response.content.decode()
    assert Certificate.objects.filter(user=person).count() == 1


def test_a_paused_program_issues_nothing_even_on_request(setting):
    from certificates.issuance.services import CertificateRefused, certificate_issue_on_request

    course, program, person = setting
    complete_course(person, course)
    program.active = False
    program.save()
    with pytest.raises(CertificateRefused, match="is paused"):
        certificate_issue_on_request(user=person, program=program, actor=AdminFactory())
    assert not Certificate.objects.exists()
