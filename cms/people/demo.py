"""Demo accounts for local development and demonstrations. Never used in production."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cms.people.models import Team
from cms.people.roles import LEARNERS, SUPERVISORS, TRAINERS

User = get_user_model()

DEMO_TEAM = "Riverside Family Recovery peer team"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    full_name: str
    preferred_name: str
    role: str  # a role group name, or "admin"


DEMO_ACCOUNTS = [
    DemoAccount("learner@example.org", "Jordan Avery Ellis", "Jordan", LEARNERS),
    DemoAccount("trainer@example.org", "Morgan Lee Hart", "Morgan", TRAINERS),
    DemoAccount("supervisor@example.org", "Dr. Priya Raman", "Priya", SUPERVISORS),
    DemoAccount("admin@example.org", "Sam Okafor", "Sam", "admin"),
    DemoAccount("alex.rivera@example.org", "Alex Rivera", "Alex", LEARNERS),
    DemoAccount("bea.nguyen@example.org", "Beatriz Nguyen", "Bea", LEARNERS),
    DemoAccount("casey.morgan@example.org", "Casey Morgan", "", LEARNERS),
    DemoAccount("dee.washington@example.org", "Deandra Washington", "Dee", LEARNERS),
    DemoAccount("emery.brooks@example.org", "Emery Brooks", "", LEARNERS),
    DemoAccount("frankie.okoro@example.org", "Frankie Okoro", "Frankie", LEARNERS),
]


@transaction.atomic
def demo_accounts_ensure(*, password: str) -> dict[str, User]:
    """Create the demo accounts and the demo team if missing. Existing accounts are left unchanged."""
    users = {}
    for account in DEMO_ACCOUNTS:
        is_admin = account.role == "admin"
        user, created = User.objects.get_or_create(
            email=account.email,
            defaults={
                "full_name": account.full_name,
                "preferred_name": account.preferred_name,
                "is_staff": is_admin,
                "is_superuser": is_admin,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
            if not is_admin:
                user.groups.add(Group.objects.get(name=account.role))
        users[account.email] = user
    team, _ = Team.objects.get_or_create(
        name=DEMO_TEAM, defaults={"description": "Peer support specialists at the demo outpatient clinic."}
    )
    team.supervisors.add(users["supervisor@example.org"])
    team.members.add(*(users[a.email] for a in DEMO_ACCOUNTS if a.role == LEARNERS))
    return users
