"""Writes for people and teams. Views, the admin and commands call these, never the ORM directly."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Page, Site

from .account_emails import signup_email_send
from .models import HomePage, Team
from .roles import LEARNERS

User = get_user_model()

HOME_INTRO = (
    "Short, practical training for peer support specialists who walk beside pregnant and parenting people in recovery."
)
HOME_BODY = (
    "<h2>How it works</h2>"
    "<ul><li>Read a short lesson on your phone, between shifts, at your own pace.</li>"
    "<li>Think through real situations with invented people, and write private reflections only you can see.</li>"
    "<li>Pick up where you left off, whenever you come back.</li></ul>"
)


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
def site_home_ensure(*, title: str = "Peer Support Training") -> HomePage:
    """Make a HomePage the default site's root, replacing Wagtail's placeholder "Welcome" page.

    Idempotent: when the default site already starts at a HomePage, that page is returned.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site and isinstance(site.root_page.specific, HomePage):
        return site.root_page.specific
    existing = HomePage.objects.first()
    if existing is None:
        root = Page.get_first_root_node()
        placeholder = Page.objects.filter(depth=2, slug="home", content_type__model="page").first()
        if placeholder is not None:
            placeholder.slug = "welcome-placeholder"
            placeholder.save(update_fields=["slug"])
        existing = root.add_child(instance=HomePage(title=title, slug="home", intro=HOME_INTRO, body=HOME_BODY))
        existing.save_revision().publish()
        if placeholder is not None:
            if site is not None and site.root_page_id == placeholder.pk:
                site.root_page = existing
                site.save(update_fields=["root_page"])
            placeholder.delete()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=existing, is_default_site=True, site_name=title)
    elif site.root_page_id != existing.pk:
        site.root_page = existing
        site.save(update_fields=["root_page"])
    return existing


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
