"""CE hours to review in the admin: whose hours each reviewer sees, and deciding them."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from certificates.ce.models import CECredit
from tests.certificates.admin_world import (
    FAKE_PDF,
    REVIEW,
    login,
    make_world,
    submit_hours,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


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
