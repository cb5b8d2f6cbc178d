"""Whether a person may open the admin, as the site header asks on every page: cached per person.

Reading the answer from the database loads every permission of the person and their groups (two
queries). The cache keeps it under a permissions version that any change of a person's groups or
permissions, or of a group's permissions, replaces, so losing access hides the Admin link at once.
The admin itself still checks the permission on every request; this decides only the link.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete

from cms.ops import cache_versions

VERSION_KEY = "cms:permissions-version"
TIMEOUT = 300  # seconds: a cached answer's lifetime; a new version retires it sooner


def may_open_admin(user) -> bool:
    """Whether the Admin link (and Wagtail's user bar) is shown to this person."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    key = f"cms:admin-access:{cache_versions.current(VERSION_KEY)}:{user.pk}"
    answer = cache.get(key)
    if answer is None:
        answer = user.has_perm("wagtailadmin.access_admin")
        cache.set(key, answer, timeout=TIMEOUT)
    return answer


def permissions_changed(**kwargs) -> None:
    """Forget every cached answer: someone's groups or permissions, or a group's permissions, changed."""
    cache_versions.bump(VERSION_KEY)


def connect_receivers() -> None:
    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(permissions_changed, sender=through, dispatch_uid=f"admin-access-{through._meta.label}")
    for model in (Group, Permission):
        post_delete.connect(permissions_changed, sender=model, dispatch_uid=f"admin-access-{model._meta.label}")
