"""Role and team changes in the audit log.

They are recorded by signal receivers, so every way of changing them (the admin, the API, a
command, the shell) is covered. They are logged on the person, so a person's history holds all
their role and team changes, and in :class:`cms.audit.models.AuditLogEntry`, which only
administrators can see.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import get_active_log_context

from cms.audit.log import audit, audit_is_quiet, current_actor, register_change_action
from cms.audit.models import AuditLogEntry
from cms.people.models import Team

ROLE_CHANGE = "pss.user.roles"
ADMIN_CHANGE = "pss.user.admin"
ACTIVE_CHANGE = "pss.user.active"
TEAM_MEMBER_CHANGE = "pss.user.teams"
TEAM_SUPERVISOR_CHANGE = "pss.user.supervised_teams"
ACCOUNT_ERASED = "pss.user.erased"


def register_audit_actions(actions) -> None:
    """The ``register_log_actions`` hook for people and teams (see ``cms/people/hooks.py``)."""
    User = get_user_model()
    for model in (User, Group, Team):
        actions.register_model(model, AuditLogEntry)
    register_change_action(actions, ROLE_CHANGE, _("Roles changed"), _("Roles changed"))
    register_change_action(actions, ADMIN_CHANGE, _("Administrator access changed"), _("Administrator"))
    register_change_action(actions, ACTIVE_CHANGE, _("Account activated or deactivated"), _("Account active"))
    register_change_action(actions, TEAM_MEMBER_CHANGE, _("Team membership changed"), _("Member of teams"))
    register_change_action(actions, TEAM_SUPERVISOR_CHANGE, _("Team supervisors changed"), _("Supervises teams"))
    register_change_action(actions, ACCOUNT_ERASED, _("Personal data deleted"), _("Personal data deleted"))


# Role and team changes -------------------------------------------------------------------


def _bulk_log(people: Iterable, action: str, changes: dict[int, tuple[list, list]]) -> None:
    """One entry per person whose value changed; ``changes`` maps a person's id to (before, after)."""
    User = get_user_model()
    content_type = ContentType.objects.get_for_model(User)
    actor = current_actor()
    now = timezone.now()
    context_uuid = get_active_log_context().uuid
    entries = [
        AuditLogEntry(
            content_type=content_type,
            object_id=str(person.pk),
            label=str(person),
            action=action,
            timestamp=now,
            uuid=context_uuid,
            user=actor,
            data={"before": changes[person.pk][0], "after": changes[person.pk][1]},
        )
        for person in people
        if changes[person.pk][0] != changes[person.pk][1]
    ]
    AuditLogEntry.objects.bulk_create(entries)


def _names_by_person(through, person_ids, related_field: str) -> dict[int, list[str]]:
    """For each person, the sorted names of the groups or teams they are linked to through ``through``."""
    names: dict[int, list[str]] = {pk: [] for pk in person_ids}
    rows = through.objects.filter(**{f"{_person_field(through)}__in": person_ids}).values_list(
        _person_field(through), f"{related_field}__name"
    )
    for person_id, name in rows:
        names[person_id].append(name)
    return {pk: sorted(v) for pk, v in names.items()}


def _person_field(through) -> str:
    User = get_user_model()
    return next(f.attname for f in through._meta.fields if f.is_relation and f.related_model is User)


def _other_field(through) -> str:
    User = get_user_model()
    return next(f.name for f in through._meta.fields if f.is_relation and f.related_model is not User)


_BEFORE_KEY = "_audit_before"


def _m2m_receiver(action_name: str):
    """A receiver for a person <-> group/team many-to-many: one entry per affected person with before/after names."""

    def receiver(sender, instance, action, reverse, model, pk_set, **kwargs):
        if audit_is_quiet() or action not in {
            "pre_add",
            "pre_remove",
            "pre_clear",
            "post_add",
            "post_remove",
            "post_clear",
        }:
            return
        User = get_user_model()
        if isinstance(instance, User):  # person.groups.add(group) / person.teams.add(team)
            person_ids = [instance.pk]
        elif action.endswith("clear"):  # team.members.clear(): everyone linked now
            person_ids = (
                list(
                    sender.objects.filter(**{_other_field(sender): instance}).values_list(
                        _person_field(sender), flat=True
                    )
                )
                if action == "pre_clear"
                else list(getattr(instance, _BEFORE_KEY, {}).keys())
            )
        else:  # team.members.add(person, ...)
            person_ids = list(pk_set or [])
        if not person_ids:
            return
        if action.startswith("pre_"):
            before = getattr(instance, _BEFORE_KEY, None) or {}
            before.update(_names_by_person(sender, person_ids, _other_field(sender)))
            setattr(instance, _BEFORE_KEY, before)
            return
        before = getattr(instance, _BEFORE_KEY, None) or {}
        if hasattr(instance, _BEFORE_KEY):
            delattr(instance, _BEFORE_KEY)
        after = _names_by_person(sender, person_ids, _other_field(sender))
        people = [instance] if isinstance(instance, User) else list(User.objects.filter(pk__in=person_ids))
        _bulk_log(people, action_name, {pk: (before.get(pk, []), after[pk]) for pk in person_ids})

    return receiver


_groups_changed = _m2m_receiver(ROLE_CHANGE)
_members_changed = _m2m_receiver(TEAM_MEMBER_CHANGE)
_supervisors_changed = _m2m_receiver(TEAM_SUPERVISOR_CHANGE)

_FLAG_ACTIONS = {"is_superuser": ADMIN_CHANGE, "is_active": ACTIVE_CHANGE}


def _user_pre_save(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or audit_is_quiet() or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(_FLAG_ACTIONS):
        return  # e.g. the last-login update on every login: no extra query
    old = sender.objects.filter(pk=instance.pk).values(*_FLAG_ACTIONS).first()
    if old is not None:
        instance._audit_flags_before = old


def _user_post_save(sender, instance, created, raw=False, **kwargs):
    old = instance.__dict__.pop("_audit_flags_before", None)
    if raw or created or old is None:
        return
    for field, action in _FLAG_ACTIONS.items():
        if old[field] != getattr(instance, field):
            audit(instance, action, before=old[field], after=getattr(instance, field))


def connect_receivers() -> None:
    """Connect the role and team receivers; called from ``CmsConfig.ready``."""
    User = get_user_model()
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="audit_user_groups")
    m2m_changed.connect(_members_changed, sender=Team.members.through, dispatch_uid="audit_team_members")
    m2m_changed.connect(_supervisors_changed, sender=Team.supervisors.through, dispatch_uid="audit_team_supervisors")
    pre_save.connect(_user_pre_save, sender=User, dispatch_uid="audit_user_flags_pre")
    post_save.connect(_user_post_save, sender=User, dispatch_uid="audit_user_flags_post")
