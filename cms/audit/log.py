"""The audit log: who did what, when, and what it was before and after.

Entries are Wagtail log entries, so administrators read them in **Reports > Site history** and
on each record's **History**. Everyone writes them through :func:`audit`::

    audit(certificate, "pss.certificate.revoke", user=actor,
          before={"status": "valid"}, after={"status": "revoked"})

``user`` defaults to :func:`current_actor`: the person whose request is being answered (set by
:class:`AuditActorMiddleware`), or nobody, shown as "system", in management commands and tasks.

Actions are registered with a label for the report's filter and a message that states the
change, e.g. "Roles changed: Learners → Learners, Supervisors". Each app registers its own
with :func:`register_change_action` from its ``register_log_actions`` hook; the role and team
changes of people are in :mod:`cms.people.audit`.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.utils.functional import LazyObject
from wagtail.log_actions import LogFormatter, get_active_log_context, log

_request: ContextVar = ContextVar("audit_request", default=None)
_quiet: ContextVar[bool] = ContextVar("audit_quiet", default=False)


# Who is acting -----------------------------------------------------------------------------


class AuditActorMiddleware:
    """Remembers the request being answered, so :func:`current_actor` can name the person acting.

    Place it after ``AuthenticationMiddleware``. The user is read when an entry is written, so
    people authenticated later (by an API token in Django REST framework) are named too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


def current_actor():
    """The signed-in person whose request is being answered, else Wagtail's acting user, else None ("system")."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        if isinstance(user, LazyObject):
            user = user._wrapped  # set up by the is_authenticated check
        return user
    return get_active_log_context().user


def audit_is_quiet() -> bool:
    """Whether the automatic role and team entries are being skipped (inside :func:`audit_quiet`)."""
    return _quiet.get()


@contextmanager
def audit_quiet():
    """Skip the automatic role and team entries inside this block (a caller logs one entry of its own)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


# Writing entries ---------------------------------------------------------------------------


def audit(instance, action: str, *, user=None, before=None, after=None, data: dict | None = None, title=None):
    """Write one audit entry about ``instance``: ``data["before"]`` and ``data["after"]`` hold the change.

    ``action`` must be registered (see :func:`register_change_action`). Values must be JSON-ready
    (dates and decimals are fine).
    """
    payload = dict(data or {})
    if before is not None:
        payload["before"] = before
    if after is not None:
        payload["after"] = after
    return log(instance, action, user=user or current_actor(), data=payload, title=title)


def _show(value) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show(v)}" for k, v in value.items())
    return str(value)


def describe_change(before, after) -> str:
    """A readable account of a change, e.g. "status: valid → revoked; pass mark: 80 → 70"."""
    if isinstance(before, dict) or isinstance(after, dict):
        before, after = before or {}, after or {}
        parts = []
        for key in dict.fromkeys([*before, *after]):
            old, new = before.get(key), after.get(key)
            if old != new:
                parts.append(f"{str(key).replace('_', ' ')}: {_show(old)} → {_show(new)}")
        return "; ".join(parts)
    return f"{_show(before)} → {_show(after)}"


class ChangeFormatter(LogFormatter):
    """Message: the action's message followed by the change from ``data["before"]`` to ``data["after"]``."""

    def format_message(self, log_entry):
        data = log_entry.data or {}
        if "before" not in data and "after" not in data:
            return str(self.message)
        change = describe_change(data.get("before"), data.get("after"))
        return f"{self.message}: {change}" if change else str(self.message)

    def format_comment(self, log_entry):
        return (log_entry.data or {}).get("note", "")


def register_change_action(actions, action: str, label, message) -> None:
    """Register ``action`` in a ``register_log_actions`` hook, with a message that shows before and after."""
    actions.register_action(action)(type("_ChangeFormatter", (ChangeFormatter,), {"label": label, "message": message}))
