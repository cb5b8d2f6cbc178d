"""Writes for people and teams. Views, the admin and commands call these, never the ORM directly."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from cms.people.account_emails import signup_email_send
from cms.people.models import Team
from cms.people.roles import LEARNERS

User = get_user_model()


@transaction.atomic
def user_signup(*, email: str, password: str, full_name: str, preferred_name: str = "") -> User:
    """Create a learner account: the person joins the Learners group and has no admin access."""
    user = User.objects.create_user(email=email, password=password, full_name=full_name, preferred_name=preferred_name)
    user.groups.add(Group.objects.get(name=LEARNERS))
    return user


def user_signup_request(*, email: str, full_name: str, preferred_name: str = "") -> None:
    """Sign-up, step one: email the address a link to finish creating the account.

    If the address already has an account, its holder gets a note instead, with links to log in and to
    reset the password. Nothing is created yet, and the person who filled in the form learns nothing about
    the address: the email goes to it, from a background task, so even the response time is the same.
    """
    signup_email_send.enqueue(email, full_name=full_name, preferred_name=preferred_name)


@transaction.atomic
def user_profile_update(*, user: User, full_name: str, preferred_name: str, email: str | None = None) -> User:
    """Change the names a person goes by, and their email address when given (the admin's account page).

    The values are checked by the model's own rules (names a certificate can print, an address no one
    else holds) before anything is written, so every caller stores the same thing a form would.
    """
    changed = ["full_name", "preferred_name"]
    user.full_name = full_name
    user.preferred_name = preferred_name
    if email is not None:
        user.email = email
        changed.append("email")
    user.full_clean(exclude=[field.name for field in User._meta.fields if field.name not in changed])
    user.save(update_fields=changed)
    return user


def supervises_a_team(user) -> bool:
    """Whether ``user`` supervises at least one team. Remembered on the user object, so the admin menu,
    which asks once per item, costs one query per request."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_supervises_a_team"):
        user._supervises_a_team = Team.objects.filter(supervisors=user).exists()
    return user._supervises_a_team


def role_names(user) -> frozenset[str]:
    """The role groups ``user`` belongs to, remembered on the user object for the rest of the request."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return user._role_names
