"""A person's own data: exporting all of it, and deleting it.

Each app knows what it holds about a person, so each registers a section with the
``register_personal_data`` Wagtail hook: a function that returns a :class:`PersonalDataSection`
with an ``export`` function (the person's data as JSON-ready values) and an ``erase`` function
(removes it). ``cms`` never imports the apps above it; it only calls what they registered::

    # courses/wagtail_hooks.py
    @hooks.register("register_personal_data")
    def personal_data():
        return PersonalDataSection("learning", export=export_learning, erase=erase_learning, order=20)

:func:`personal_data_export` puts the sections together in ``order``. :func:`personal_data_erase`
runs every section's ``erase`` in one transaction, highest ``order`` first, and the account
itself last: nothing is left half-done if any step fails. Stored files are deleted only once the
transaction has committed (:meth:`Erasure.delete_file_on_commit`).

What is deleted and what is kept, and why, is in ``docs/privacy.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from wagtail import hooks
from wagtail.models import APIToken, ModelLogEntry

from cms.audit.log import audit, audit_quiet
from cms.audit.models import AuditLogEntry
from cms.links import site_url
from cms.people.audit import ACCOUNT_ERASED

PERSONAL_DATA_HOOK = "register_personal_data"
FORMAT_VERSION = 1

KEEP = "keep"
REVOKE = "revoke"
CERTIFICATE_POLICIES = (KEEP, REVOKE)

ERASED_NAME = "Deleted account"


@dataclass(frozen=True)
class PersonalDataSection:
    """One app's part of a person's data. ``export(user)`` returns JSON-ready data; ``erase(user, erasure)`` removes it."""

    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any, Erasure], None] | None = None
    order: int = 100


@dataclass
class Erasure:
    """What an ``erase`` function needs to know, and the files to delete once the deletion has committed."""

    user_id: int
    email: str
    names: list[str]
    certificate_policy: str
    actor: Any = None
    files: list[tuple[Any, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return erased_label(self.user_id)

    def delete_file_on_commit(self, storage, name: str) -> None:
        if name:
            self.files.append((storage, name))

    def count(self, what: str, number: int) -> None:
        self.counts[what] = self.counts.get(what, 0) + number


def erased_label(user_id: int) -> str:
    return f"{ERASED_NAME} #{user_id}"


def certificate_policy() -> str:
    """``PERSONAL_DATA_DELETION_CERTIFICATES``: "keep" (default) or "revoke"."""
    policy = getattr(settings, "PERSONAL_DATA_DELETION_CERTIFICATES", KEEP)
    if policy not in CERTIFICATE_POLICIES:
        raise ImproperlyConfigured(
            f"PERSONAL_DATA_DELETION_CERTIFICATES must be one of {', '.join(CERTIFICATE_POLICIES)}, not {policy!r}."
        )
    return policy


def sections() -> list[PersonalDataSection]:
    found = [fn() for fn in hooks.get_hooks(PERSONAL_DATA_HOOK)]
    return sorted((s for s in found if s is not None), key=lambda s: (s.order, s.name))


# Export ------------------------------------------------------------------------------------


def personal_data_export(*, user) -> dict:
    """Everything held about ``user``, by section, as JSON-ready data."""
    data = {
        "format": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "site": site_url(),
        "about": (
            "Everything this site holds about you, section by section. Uploaded files are listed by "
            "name; download them from the page where you uploaded them."
        ),
    }
    for section in sections():
        data[section.name] = section.export(user)
    return data


def personal_data_json(*, user) -> str:
    return json.dumps(personal_data_export(user=user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


# Erasure -----------------------------------------------------------------------------------


def personal_data_erase(*, user, actor=None) -> Erasure:
    """Delete ``user``'s personal data, in one transaction; their account remains as an empty, locked record.

    ``actor`` is who asked: the person themselves or an administrator. Certificates follow
    ``PERSONAL_DATA_DELETION_CERTIFICATES``. Files are deleted after the transaction commits.
    """
    User = get_user_model()
    erasure = Erasure(
        user_id=user.pk,
        email=user.email,
        names=[n for n in {user.full_name, user.preferred_name} if n and n.strip()],
        certificate_policy=certificate_policy(),
        actor=actor,
    )
    with transaction.atomic(), audit_quiet():
        person = User.objects.select_for_update().get(pk=user.pk)
        for section in reversed(sections()):
            if section.erase is not None:
                section.erase(person, erasure)
        _scrub_log_entries(erasure)
        audit(
            person,
            ACCOUNT_ERASED,
            user=actor if actor is not None and actor.pk != person.pk else None,
            title=erasure.label,
            after={"certificates": erasure.certificate_policy, **erasure.counts},
            data={"requested_by": "the person" if actor is None or actor.pk == person.pk else "an administrator"},
        )
        files = list(erasure.files)
        transaction.on_commit(lambda: _delete_files(files))
    return erasure


def _delete_files(files) -> None:
    for storage, name in files:
        storage.delete(name)


def _scrub(value: str, erasure: Erasure) -> str:
    value = value.replace(erasure.email, erasure.label)
    for name in sorted(erasure.names, key=len, reverse=True):
        value = value.replace(name, ERASED_NAME)
    return value


def _scrub_log_entries(erasure: Erasure) -> None:
    """Take the person's name and email out of log entries about them; what happened, and when, stays."""
    User = get_user_model()
    user_type = ContentType.objects.get_for_model(User)
    for model in (AuditLogEntry, ModelLogEntry):
        about_them = model.objects.filter(content_type=user_type, object_id=str(erasure.user_id))
        about_them.update(label=erasure.label)
        mentions = model.objects.filter(data__icontains=erasure.email) | about_them
        for entry in mentions.only("pk", "data"):
            text = json.dumps(entry.data, cls=DjangoJSONEncoder)
            scrubbed = _scrub(text, erasure)
            if scrubbed != text:
                model.objects.filter(pk=entry.pk).update(data=json.loads(scrubbed))


def erase_account(user, erasure: Erasure) -> None:
    """The ``cms`` part: the account becomes an empty, locked record; roles, teams, tokens and sign-in devices go."""
    user.groups.clear()
    user.user_permissions.clear()
    user.teams.clear()
    user.supervised_teams.clear()
    erasure.count("api_tokens", APIToken.objects.filter(user=user).delete()[0])
    _delete_sign_in_records(user, erasure)
    profile_model = apps.get_model("wagtailusers", "UserProfile")
    for profile in profile_model.objects.filter(user=user):
        if profile.avatar:
            erasure.delete_file_on_commit(profile.avatar.storage, profile.avatar.name)
        profile.delete()
    user.email = f"deleted-{user.pk}@invalid"
    user.full_name = ERASED_NAME
    user.preferred_name = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()  # also ends every session: the session hash no longer matches
    user.save()


def _delete_sign_in_records(user, erasure: Erasure) -> None:
    """Two-factor devices and login-attempt records (kept by the login protection), where those apps are installed."""
    if apps.is_installed("django_otp"):
        from django_otp import devices_for_user

        erasure.count("sign_in_devices", sum(1 for device in devices_for_user(user, confirmed=None)))
        for device in list(devices_for_user(user, confirmed=None)):
            device.delete()
    if apps.is_installed("axes"):
        for model_name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
            try:
                model = apps.get_model("axes", model_name)
            except LookupError:
                continue
            model.objects.filter(username__iexact=erasure.email).delete()


def export_account(user) -> dict:
    """The ``cms`` part of the export: the account, roles, teams, API tokens, sign-in devices and the audit log about the person."""
    User = get_user_model()
    entries = AuditLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    ).order_by("timestamp", "pk")
    return {
        "account": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "preferred_name": user.preferred_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
            "administrator": user.is_superuser,
            "roles": sorted(user.groups.values_list("name", flat=True)),
        },
        "teams": sorted(user.teams.values_list("name", flat=True)),
        "supervised_teams": sorted(user.supervised_teams.values_list("name", flat=True)),
        "api_tokens": [
            {"name": t.name, "created": t.created, "last_used": t.last_used_at, "revoked": t.revoked_at}
            for t in APIToken.objects.filter(user=user).order_by("created")
        ],
        "sign_in_devices": _devices(user),
        "audit_log": [
            {"when": e.timestamp, "what": str(e.message), "by": e.user_display_name, "data": e.data}
            for e in entries.select_related("user", "content_type")
        ],
    }


def _devices(user) -> list[dict]:
    if not apps.is_installed("django_otp"):
        return []
    from django_otp import devices_for_user

    return [
        {"type": device._meta.verbose_name, "name": device.name, "confirmed": device.confirmed}
        for device in devices_for_user(user, confirmed=None)
    ]
