"""The certification pages in the admin: issued certificates and their actions, the audit log,
CE hours to review and team downloads, each open only to the people it is for."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.admin.admin_url_finder import AdminURLFinder

from certificates.ce.models import CECredit
from certificates.ce.services import credit_submit
from certificates.issuance.models import Certificate, CertificateEvent
from certificates.issuance.services import certificate_issue, certificate_reissue, certificate_revoke
from certificates.tracking.team_zip_views import certificate_file_name
from tests.factories import (
    AdminFactory,
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    TrainerFactory,
    build_program,
    ce_category,
)

pytestmark = pytest.mark.django_db

ISSUED = "/admin/certificates/"
AUDIT_LOG = "/admin/certificate-audit-log/"
REVIEW = "/admin/ce-hours-review/"
TEAMS = "/admin/team-certificates/"
FAKE_PDF = b"%PDF-1.7\n% stored for the test\n"


def issue(user, program, **changes) -> Certificate:
    certificate, _ = certificate_issue(user=user, program=program)
    if changes:
        Certificate.objects.filter(pk=certificate.pk).update(**changes)
        certificate.refresh_from_db()
    return certificate


def store_pdf(certificate: Certificate) -> None:
    certificate.pdf.save(certificate.file_name, ContentFile(FAKE_PDF), save=False)
    certificate.save(update_fields=["pdf"])


def submit_hours(user, title="Motivational interviewing refresher", hours="3") -> CECredit:
    return credit_submit(
        user=user,
        title=title,
        provider="State peer network",
        earned_on=date(2026, 1, 15),
        category=ce_category("Ethics"),
        hours=Decimal(hours),
    )


@pytest.fixture
def world():
    """Two teams, each with a supervisor and a member who holds a certificate; an admin, a trainer."""
    program = build_program([], name="Perinatal Peer Support Specialist Certificate")
    member = LearnerFactory(full_name="Rosa Delgado")
    other_member = LearnerFactory(full_name="Sam Okafor")
    supervisor, other_supervisor = SupervisorFactory(), SupervisorFactory()
    team, other_team = TeamFactory(name="Northside Clinic"), TeamFactory(name="Riverside Program")
    team.supervisors.add(supervisor)
    team.members.add(member)
    other_team.supervisors.add(other_supervisor)
    other_team.members.add(other_member)
    return SimpleNamespace(
        program=program,
        member=member,
        other_member=other_member,
        supervisor=supervisor,
        other_supervisor=other_supervisor,
        team=team,
        other_team=other_team,
        admin=AdminFactory(full_name="Avery Admin"),
        trainer=TrainerFactory(),
        learner=member,
        certificate=issue(member, program),
        other_certificate=issue(other_member, program),
        credit=submit_hours(member),
        other_credit=submit_hours(other_member, title="Harm reduction basics"),
    )


def login(client, user):
    client.force_login(user)
    return client


def detail_url(certificate: Certificate) -> str:
    return reverse("issued_certificates:detail", args=[certificate.pk])


def action_url(certificate: Certificate, action: str) -> str:
    return reverse(f"issued_certificates:{action}", args=[certificate.pk])


# Access --------------------------------------------------------------------------------------

PAGES = ["issued", "issued_results", "detail", "audit_log", "audit_log_results", "review", "teams", "team_zip"]
DENIED, LOGIN = "denied", "login"
ACCESS = {
    # role: expected outcome per page, in PAGES order
    "admin": [200, 200, 200, 200, 200, 200, 200, 200],
    "trainer": [DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED, DENIED],
    "supervisor": [DENIED, DENIED, DENIED, DENIED, DENIED, 200, 200, 200],
    "other_supervisor": [DENIED, DENIED, DENIED, DENIED, DENIED, 200, 200, 404],
    "learner": [LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN],
}


def page_url(world, page: str) -> str:
    return {
        "issued": ISSUED,
        "issued_results": ISSUED + "results/",
        "detail": detail_url(world.certificate),
        "audit_log": AUDIT_LOG,
        "audit_log_results": AUDIT_LOG + "results/",
        "review": REVIEW,
        "teams": TEAMS,
        "team_zip": reverse("team_certificates:download", args=[world.team.pk]),
    }[page]


@pytest.mark.parametrize("role", ACCESS)
def test_each_page_opens_only_for_the_people_it_is_for(client, world, role):
    store_pdf(world.certificate)
    login(client, getattr(world, role))
    for page, expected in zip(PAGES, ACCESS[role], strict=True):
        url = page_url(world, page)
        response = client.get(url)
        if expected == DENIED:
            assert (response.status_code, response["Location"]) == (302, "/admin/"), page
        elif expected == LOGIN:
            assert response.status_code == 302, page
            assert response["Location"].startswith("/admin/login/"), page
        else:
            assert response.status_code == expected, page


def test_menu_shows_each_person_only_what_they_may_open(client, world):
    menus = {}
    for role in ("admin", "trainer", "supervisor"):
        menus[role] = login(client, getattr(world, role)).get("/admin/").content.decode()
    entries = ["Programs", "Certificate templates", "Issued certificates", "Audit log", "CE hours to review"]
    entries.append("Team certificates")
    assert all(f'"{entry}' in menus["admin"] for entry in entries)
    assert '"Programs"' in menus["trainer"] and '"Certificate templates"' in menus["trainer"]
    assert not any(f'"{entry}' in menus["trainer"] for entry in entries[2:])
    assert '"CE hours to review (1)"' in menus["supervisor"] and '"Team certificates"' in menus["supervisor"]
    assert not any(f'"{entry}"' in menus["supervisor"] for entry in entries[:4])


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


# CE hours to review --------------------------------------------------------------------------


def decide_url(credit: CECredit) -> str:
    return reverse("ce_hours_review:decide", args=[credit.pk])


def test_supervisors_see_only_their_teams_hours_and_admins_see_everyones(client, world):
    supervisor_page = login(client, world.supervisor).get(REVIEW).content.decode()
    assert "Rosa Delgado" in supervisor_page and "Motivational interviewing refresher" in supervisor_page
    assert "Sam Okafor" not in supervisor_page and "Harm reduction basics" not in supervisor_page
    assert reverse("ce-evidence", args=[world.credit.pk]) not in supervisor_page  # no file was uploaded

    admin_page = login(client, world.admin).get(REVIEW).content.decode()
    assert "Rosa Delgado" in admin_page and "Sam Okafor" in admin_page


def test_evidence_link_is_shown_when_a_file_was_uploaded(client, world):
    world.credit.evidence.save("attendance.pdf", ContentFile(FAKE_PDF), save=True)
    content = login(client, world.supervisor).get(REVIEW).content.decode()
    assert reverse("ce-evidence", args=[world.credit.pk]) in content
    assert client.get(reverse("ce-evidence", args=[world.credit.pk])).status_code == 200


def test_supervisor_approves_hours(client, world):
    response = login(client, world.supervisor).post(decide_url(world.credit), {"decision": "approve", "note": ""})
    assert response["Location"] == REVIEW
    world.credit.refresh_from_db()
    assert (world.credit.state, world.credit.reviewed_by) == (CECredit.State.APPROVED, world.supervisor)
    content = client.get(REVIEW).content.decode()
    assert "Approved 3 hours of “Motivational interviewing refresher” for Rosa Delgado." in content
    assert decide_url(world.credit) not in content and "Nothing is waiting for your review." in content


def test_not_approving_needs_a_note(client, world):
    login(client, world.supervisor)
    response = client.post(decide_url(world.credit), {"decision": "reject", "note": " "})
    assert response.status_code == 200
    assert "Say why the hours are not approved" in response.content.decode()
    world.credit.refresh_from_db()
    assert world.credit.state == CECredit.State.PENDING and world.credit.reviewed_by is None

    client.post(decide_url(world.credit), {"decision": "reject", "note": "The certificate has no date on it."})
    world.credit.refresh_from_db()
    assert (world.credit.state, world.credit.review_note) == (
        CECredit.State.REJECTED,
        "The certificate has no date on it.",
    )


def test_deciding_someone_elses_hours_is_not_found(client, world):
    login(client, world.supervisor)
    assert client.post(decide_url(world.other_credit), {"decision": "approve"}).status_code == 404
    own = submit_hours(world.supervisor)
    assert client.post(decide_url(own), {"decision": "approve"}).status_code == 404
    world.other_credit.refresh_from_db()
    own.refresh_from_db()
    assert world.other_credit.state == own.state == CECredit.State.PENDING


def test_trainers_cannot_decide_hours(client, world):
    response = login(client, world.trainer).post(decide_url(world.credit), {"decision": "approve"})
    assert response["Location"] == "/admin/"
    world.credit.refresh_from_db()
    assert world.credit.state == CECredit.State.PENDING


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


# Query counts --------------------------------------------------------------------------------


def fill(world, rows: int) -> None:
    """``rows`` more teams supervised by the supervisor, each with a certified member who has hours pending."""
    for _ in range(rows):
        person = LearnerFactory()
        team = TeamFactory()
        team.supervisors.add(world.supervisor)
        team.members.add(person)
        issue(person, world.program)
        submit_hours(person)


# Every admin request also loads the device that verified the session (two-factor authentication).
TWO_FACTOR_CHECK = 1


@pytest.mark.parametrize("rows", [2, 10])
@pytest.mark.parametrize(
    ("role", "url", "listed", "bound"),
    [
        ("admin", ISSUED, "object_list", 10 + TWO_FACTOR_CHECK),
        ("admin", ISSUED + "?status=valid&q=PSS", "object_list", 10 + TWO_FACTOR_CHECK),
        ("admin", AUDIT_LOG, "object_list", 9 + TWO_FACTOR_CHECK),
        ("supervisor", REVIEW, "rows", 13 + TWO_FACTOR_CHECK),
        ("admin", REVIEW, "rows", 9 + TWO_FACTOR_CHECK),
        ("supervisor", TEAMS, "teams", 13 + TWO_FACTOR_CHECK),
        ("admin", TEAMS, "teams", 9 + TWO_FACTOR_CHECK),
    ],
)
def test_listings_make_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries, rows, role, url, listed, bound
):
    """The bound is the same for 2 rows as for 10: a query per row would break it."""
    fill(world, rows)
    login(client, getattr(world, role))
    client.get(url)  # the first admin page of a session also creates the user's Wagtail profile
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert len(response.context[listed]) > rows
