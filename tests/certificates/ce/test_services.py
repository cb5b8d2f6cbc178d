"""Who may review external CE hours, and whose hours each reviewer is shown."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from certificates.ce.models import CECredit
from certificates.ce.selectors import credits_to_review
from certificates.ce.services import credit_review, credit_submit
from certificates.issuance.services import CertificateRefused
from tests.auth import verified
from tests.factories import AdminFactory, LearnerFactory, SupervisorFactory, TeamFactory, build_course, ce_category

pytestmark = pytest.mark.django_db


def submit(user, title="Trauma-informed care workshop", hours=3) -> CECredit:
    return credit_submit(
        user=user,
        title=title,
        provider="County health department",
        earned_on=timezone.localdate() - timedelta(days=7),
        category=ce_category("Ethics"),
        hours=Decimal(hours),
    )


@pytest.fixture
def learner(db):
    return LearnerFactory(full_name="Renee Alvarez")


@pytest.fixture
def supervisor(learner):
    supervisor = verified(SupervisorFactory(full_name="Dana Okafor"))
    team = TeamFactory(name="Riverside peer team")
    team.supervisors.add(supervisor)
    team.members.add(learner)
    return supervisor


@pytest.fixture
def other_supervisor(db):
    other = verified(SupervisorFactory(full_name="Sam Whitaker"))
    team = TeamFactory(name="Northside peer team")
    team.supervisors.add(other)
    team.members.add(LearnerFactory())
    return other


def assert_unchanged(credit):
    credit.refresh_from_db()
    assert (credit.state, credit.reviewed_by, credit.reviewed_at, credit.review_note) == ("pending", None, None, "")


def test_submitted_hours_wait_for_review(learner):
    credit = submit(learner)
    assert (credit.source, credit.state, credit.user) == ("external", "pending", learner)


def test_submitted_hours_must_be_a_positive_amount(learner):
    with pytest.raises(ValidationError):
        submit(learner, hours=0)
    assert not CECredit.objects.exists()


def test_the_learners_supervisor_may_approve(learner, supervisor):
    credit = submit(learner)
    credit_review(credit=credit, reviewer=supervisor, approve=True, note="  Thank you.  ")
    credit.refresh_from_db()
    assert (credit.state, credit.reviewed_by, credit.review_note) == ("approved", supervisor, "Thank you.")
    assert credit.reviewed_at is not None


def test_a_supervisor_of_another_team_may_not_review(learner, supervisor, other_supervisor):
    credit = submit(learner)
    with pytest.raises(CertificateRefused, match="Only the person's supervisor or an administrator"):
        credit_review(credit=credit, reviewer=other_supervisor, approve=True)
    assert_unchanged(credit)


def test_a_teammate_who_is_not_a_supervisor_may_not_review(learner, supervisor):
    teammate = LearnerFactory()
    supervisor.supervised_teams.get().members.add(teammate)
    credit = submit(learner)
    with pytest.raises(CertificateRefused, match="Only the person's supervisor"):
        credit_review(credit=credit, reviewer=teammate, approve=True)
    assert_unchanged(credit)


def test_nobody_reviews_their_own_hours(learner, supervisor):
    own = submit(learner)
    with pytest.raises(CertificateRefused, match="You cannot review your own hours"):
        credit_review(credit=own, reviewer=learner, approve=True)
    assert_unchanged(own)

    supervisor.supervised_teams.get().members.add(supervisor)
    supervisors_own = submit(supervisor)
    with pytest.raises(CertificateRefused, match="You cannot review your own hours"):
        credit_review(credit=supervisors_own, reviewer=supervisor, approve=True)
    assert_unchanged(supervisors_own)

    admin = verified(AdminFactory())
    admins_own = submit(admin)
    with pytest.raises(CertificateRefused, match="You cannot review your own hours"):
        credit_review(credit=admins_own, reviewer=admin, approve=True)
    assert_unchanged(admins_own)


@pytest.mark.parametrize("note", ["", "   "])
def test_rejecting_needs_a_note_for_the_learner(learner, supervisor, note):
    credit = submit(learner)
    with pytest.raises(CertificateRefused, match="Say why the hours are not approved"):
        credit_review(credit=credit, reviewer=supervisor, approve=False, note=note)
    assert_unchanged(credit)


def test_a_rejection_keeps_its_note(learner, supervisor):
    credit = submit(learner)
    credit_review(credit=credit, reviewer=supervisor, approve=False, note="The attendance letter is unsigned.")
    credit.refresh_from_db()
    assert (credit.state, credit.reviewed_by, credit.review_note) == (
        "rejected",
        supervisor,
        "The attendance letter is unsigned.",
    )


def test_course_hours_cannot_be_reviewed(catalog, learner, supervisor):
    course = build_course(catalog, modules=1, lessons_per_module=1, title="Boundaries in peer support")
    from_course = CECredit.objects.create(
        user=learner,
        source=CECredit.Source.COURSE,
        course=course,
        title=course.title,
        earned_on=timezone.localdate(),
        category=ce_category("Ethics"),
        hours=Decimal(2),
        state=CECredit.State.APPROVED,
    )
    for reviewer in (supervisor, verified(AdminFactory())):
        with pytest.raises(CertificateRefused, match="approved automatically"):
            credit_review(credit=from_course, reviewer=reviewer, approve=False, note="Not relevant.")
    from_course.refresh_from_db()
    assert (from_course.state, from_course.reviewed_by) == ("approved", None)


def test_admins_may_review_anyones_hours(learner, other_supervisor):
    admin = verified(AdminFactory())
    credit = submit(learner)  # in a team, but not one the admin supervises
    outsider_credit = submit(LearnerFactory())  # in no team at all
    credit_review(credit=credit, reviewer=admin, approve=True)
    credit_review(credit=outsider_credit, reviewer=admin, approve=False, note="Not continuing education.")
    assert list(CECredit.objects.order_by("pk").values_list("state", "reviewed_by")) == [
        ("approved", admin.pk),
        ("rejected", admin.pk),
    ]


def test_a_supervisor_is_shown_only_their_team_members_pending_external_hours(learner, supervisor, other_supervisor):
    team = supervisor.supervised_teams.get()
    colleague = LearnerFactory()
    team.members.add(colleague, supervisor)
    second_team = TeamFactory(name="Evening group")
    second_team.supervisors.add(supervisor)
    second_team.members.add(learner)  # in two of the supervisor's teams: listed once

    first = submit(learner, title="Motivational interviewing")
    second = submit(colleague, title="Naloxone training")
    credit_review(credit=submit(colleague, title="Already decided"), reviewer=supervisor, approve=True)
    submit(supervisor, title="The supervisor's own")
    submit(other_supervisor.supervised_teams.get().members.get(), title="Another team's")
    submit(LearnerFactory(), title="In no team")

    shown = list(credits_to_review(reviewer=supervisor))
    assert len(shown) == 2 and set(shown) == {first, second}
    assert list(credits_to_review(reviewer=LearnerFactory())) == []


def test_an_admin_is_shown_everyones_pending_external_hours_but_their_own(learner, supervisor, other_supervisor):
    admin = verified(AdminFactory())
    pending = [submit(learner), submit(supervisor), submit(LearnerFactory())]
    submit(admin)
    credit_review(credit=submit(learner, title="Decided"), reviewer=admin, approve=True)
    shown = list(credits_to_review(reviewer=admin))
    assert len(shown) == 3 and set(shown) == set(pending)


def test_reviewed_hours_cannot_be_reviewed_again(learner, supervisor):
    credit = credit_review(credit=submit(learner), reviewer=supervisor, approve=True)
    with pytest.raises(CertificateRefused, match="already been reviewed"):
        credit_review(credit=credit, reviewer=supervisor, approve=False, note="Changed my mind.")
    credit.refresh_from_db()
    assert credit.state == CECredit.State.APPROVED and credit.review_note == ""


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("earned_on", {"earned_on": timezone.localdate() + timedelta(days=1)}, "The date cannot be in the future."),
        ("hours", {"hours": Decimal("100.25")}, "Record at most 100 hours in one entry"),
    ],
)
def test_the_service_refuses_what_the_page_refuses_and_keeps_nothing(learner, field, changes, message):
    fields = {
        "title": "Trauma-informed care workshop",
        "provider": "County health department",
        "earned_on": timezone.localdate() - timedelta(days=7),
        "category": ce_category("Ethics"),
        "hours": Decimal(3),
    }
    with pytest.raises(ValidationError) as refused:
        credit_submit(user=learner, **(fields | changes))
    assert message in refused.value.message_dict[field][0]
    assert not CECredit.objects.exists()
