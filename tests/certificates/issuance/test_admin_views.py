"""Issued certificates in the admin: the listing, one certificate and its actions, and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.admin.admin_url_finder import AdminURLFinder

from certificates.issuance.models import Certificate, CertificateEvent
from certificates.issuance.services import certificate_reissue, certificate_revoke
from tests.certificates.admin_world import (
    AUDIT_LOG,
    ISSUED,
    action_url,
    detail_url,
    issue,
    login,
    make_world,
)
from tests.factories import (
    LearnerFactory,
    build_program,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


# Issued certificates: listing ----------------------------------------------------------------


def test_listing_is_newest_first_and_searchable_by_name_or_number(client, world):
    newer = issue(LearnerFactory(full_name="Tanya Brooks"), world.program)
    Certificate.objects.filter(pk=newer.pk).update(issued_at=timezone.now() + timedelta(minutes=5))
    login(client, world.admin)
    content = client.get(ISSUED).content.decode()
    assert content.index(newer.serial) < content.index(world.certificate.serial)

    by_name = client.get(ISSUED, {"q": "delgado"}).content.decode()
    assert world.certificate.serial in by_name and newer.serial not in by_name
    by_number = client.get(ISSUED, {"q": newer.serial}).content.decode()
    assert newer.serial in by_number and world.certificate.serial not in by_number


def test_listing_filters_by_program(client, world):
    other_program = build_program([], name="Peer Supervision Certificate")
    elsewhere = issue(world.member, other_program)
    content = login(client, world.admin).get(ISSUED, {"program": other_program.pk}).content.decode()
    assert elsewhere.serial in content
    assert world.certificate.serial not in content and world.other_certificate.serial not in content


def test_status_filter_matches_each_certificates_computed_status(client, world):
    today = timezone.localdate()
    program = world.program
    certificates = {
        "expires_today": issue(LearnerFactory(), program, expires_on=today),
        "expiring_last_day": issue(LearnerFactory(), program, expires_on=today + timedelta(days=90)),
        "valid_first_day": issue(LearnerFactory(), program, expires_on=today + timedelta(days=91)),
        "expired": issue(LearnerFactory(), program, expires_on=today - timedelta(days=1)),
        "never_expires": issue(LearnerFactory(), program, expires_on=None),
    }
    certificates["revoked"] = certificate_revoke(
        certificate=issue(LearnerFactory(), program), actor=world.admin, reason="Issued to the wrong account."
    )
    replaced = issue(LearnerFactory(), program)
    certificate_reissue(certificate=replaced, actor=world.admin, reason="Name change.")
    everything = list(Certificate.objects.all())
    assert {c.status().code for c in everything} == {"valid", "expiring", "expired", "revoked", "superseded"}
    login(client, world.admin)
    for code in ("valid", "expiring", "expired", "revoked", "superseded"):
        content = client.get(ISSUED, {"status": code}).content.decode()
        for certificate in everything:
            shown = certificate.serial in content
            assert shown == (certificate.status().code == code), (code, certificate.serial)


# Issued certificates: detail and actions -----------------------------------------------------


def test_detail_shows_the_frozen_facts_links_and_audit_log(client, world):
    certificate = world.certificate
    world.member.full_name = "Rosa Delgado-Ruiz"  # later name changes do not alter what was printed
    world.member.save()
    content = login(client, world.admin).get(detail_url(certificate)).content.decode()
    for fact in [
        certificate.serial,
        "Rosa Delgado",
        "Perinatal Peer Support Specialist Certificate, version 1",
        "Example State Certification Board",
        "Dr. Ana Torres, Director of Training",
        "Ethics: 6",
        "Peer-specific: 14",
        "Total: 20",
        "Valid",
        reverse("certificate-pdf", args=[certificate.serial]),
        certificate.get_verification_path(),
        "Issued",
        "System",  # who issued it: issuance is automatic
    ]:
        assert fact in content, fact
    assert 'action="' + action_url(certificate, "revoke") in content
    assert 'action="' + action_url(certificate, "reissue") in content
    assert action_url(certificate, "unrevoke") not in content


def test_revoke_records_who_and_why_and_can_show_the_reason_publicly(client, world):
    certificate = world.certificate
    login(client, world.admin)
    response = client.post(
        action_url(certificate, "revoke"),
        {"revoke-reason": "Training hours were recorded in error.", "revoke-reason_public": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == detail_url(certificate)
    content = response.content.decode()
    assert f"{certificate.serial} is revoked" in content
    assert "Reason: Training hours were recorded in error." in content
    assert "The reason is shown on the public verification page." in content
    assert action_url(certificate, "unrevoke") in content and action_url(certificate, "reissue") not in content
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoked_reason_public
    event = certificate.events.get(action=CertificateEvent.Action.REVOKED)
    assert (event.actor, event.actor_name, event.note) == (
        world.admin,
        "Avery Admin",
        "Training hours were recorded in error.",
    )
    verification = client.get(certificate.get_verification_path()).content.decode()
    assert "Training hours were recorded in error." in verification


@pytest.mark.parametrize("action", ["revoke", "unrevoke", "reissue"])
def test_an_action_without_a_reason_shows_an_error_and_changes_nothing(client, world, action):
    certificate = world.certificate
    if action == "unrevoke":
        certificate_revoke(certificate=certificate, actor=world.admin, reason="Checking.")
    before = (Certificate.objects.count(), CertificateEvent.objects.count())
    response = login(client, world.admin).post(action_url(certificate, action), {f"{action}-reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert (Certificate.objects.count(), CertificateEvent.objects.count()) == before
    certificate.refresh_from_db()
    assert (certificate.revoked_at is not None) == (action == "unrevoke")


def test_withdrawing_a_revocation_is_logged_with_actor_and_note(client, world):
    certificate = certificate_revoke(certificate=world.certificate, actor=world.admin, reason="Wrong person.")
    response = login(client, world.admin).post(
        action_url(certificate, "unrevoke"), {"unrevoke-reason": "Revoked the wrong certificate."}
    )
    assert response["Location"] == detail_url(certificate)
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.revoked_reason == ""
    event = certificate.events.get(action=CertificateEvent.Action.UNREVOKED)
    assert (event.actor, event.note) == (world.admin, "Revoked the wrong certificate.")
    assert certificate.events.filter(action=CertificateEvent.Action.REVOKED).exists()


def test_reissue_prints_the_current_name_and_replaces_the_old_certificate(client, world):
    old = world.certificate
    world.member.full_name = "Rosa Delgado-Ruiz"
    world.member.save()
    response = login(client, world.admin).post(action_url(old, "reissue"), {"reissue-reason": "Legal name change."})
    new = Certificate.objects.get(user=world.member, is_current=True)
    assert response["Location"] == detail_url(new)
    old.refresh_from_db()
    assert (new.name, new.kind, new.issued_on, new.expires_on) == (
        "Rosa Delgado-Ruiz",
        Certificate.Kind.REISSUED,
        old.issued_on,
        old.expires_on,
    )
    assert old.superseded_by == new and not old.is_current
    reissued = new.events.get(action=CertificateEvent.Action.REISSUED)
    assert reissued.actor == world.admin and "Legal name change." in reissued.note
    superseded = old.events.get(action=CertificateEvent.Action.SUPERSEDED)
    assert superseded.actor == world.admin and new.serial in superseded.note
    content = client.get(detail_url(old)).content.decode()
    assert "Replaced by a newer certificate" in content and new.serial in content


def test_a_refused_action_is_shown_as_a_form_error(client, world):
    certificate = certificate_revoke(certificate=world.certificate, actor=world.admin, reason="Checking.")
    response = login(client, world.admin).post(action_url(certificate, "reissue"), {"reissue-reason": "Name."})
    assert response.status_code == 200
    assert "A revoked certificate cannot be reissued; withdraw the revocation first." in response.content.decode()
    assert Certificate.objects.filter(user=world.member).count() == 1


@pytest.mark.parametrize("role", ["trainer", "supervisor"])
def test_only_administrators_can_act_on_certificates(client, world, role):
    login(client, getattr(world, role))
    response = client.post(action_url(world.certificate, "revoke"), {"revoke-reason": "Not mine to revoke."})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    world.certificate.refresh_from_db()
    assert world.certificate.revoked_at is None
    assert not CertificateEvent.objects.filter(action=CertificateEvent.Action.REVOKED).exists()


def test_certificates_cannot_be_added_edited_or_deleted_in_the_admin(client, world):
    for name in ("add", "edit", "delete", "copy", "history"):
        for namespace in ("issued_certificates", "certificate_audit_log"):
            with pytest.raises(NoReverseMatch):
                reverse(f"{namespace}:{name}", args=[] if name == "add" else [world.certificate.pk])
    finder = AdminURLFinder(world.admin)
    assert finder.get_edit_url(world.certificate) is None
    assert finder.get_edit_url(world.certificate.events.first()) is None
    login(client, world.admin)
    assert client.get(f"{ISSUED}{world.certificate.pk}/edit/").status_code == 404
    assert client.get(f"{ISSUED}{world.certificate.pk}/delete/").status_code == 404
    assert client.get(action_url(world.certificate, "revoke")).status_code == 405


# Audit log -----------------------------------------------------------------------------------


def test_audit_log_lists_events_filtered_by_action_and_searched_by_serial(client, world):
    certificate_revoke(certificate=world.other_certificate, actor=world.admin, reason="Duplicate account.")
    login(client, world.admin)
    everything = client.get(AUDIT_LOG).content.decode()
    assert world.certificate.serial in everything and "Duplicate account." in everything

    revoked = client.get(AUDIT_LOG, {"action": "revoked"}).content.decode()
    assert "Duplicate account." in revoked and world.certificate.serial not in revoked

    searched = client.get(AUDIT_LOG, {"q": world.certificate.serial}).content.decode()
    assert world.certificate.serial in searched and world.other_certificate.serial not in searched


def test_audit_log_is_read_only(client, world):
    event = world.certificate.events.get()
    snapshot = list(CertificateEvent.objects.values())
    login(client, world.admin)
    content = client.get(AUDIT_LOG).content.decode()
    assert "/edit/" not in content and "/delete/" not in content
    assert client.post(AUDIT_LOG, {"action": "revoked", "note": "changed"}).status_code == 405
    for path in (f"{AUDIT_LOG}{event.pk}/", f"{AUDIT_LOG}{event.pk}/edit/", f"{AUDIT_LOG}{event.pk}/delete/"):
        assert client.post(path, {"note": "changed"}).status_code == 404
    assert list(CertificateEvent.objects.values()) == snapshot
