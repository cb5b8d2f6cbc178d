"""Personal API tokens: who may hold them, and creating and revoking them."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from wagtail.models import APIToken

from cms.people.services import supervises_a_team


def may_hold_api_tokens(user) -> bool:
    """People with admin access who are administrators or supervise a team."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not user.has_perm("wagtailadmin.access_admin"):
        return False
    return user.is_superuser or supervises_a_team(user)


def user_api_tokens(*, user) -> QuerySet[APIToken]:
    """A person's own tokens, newest first, revoked ones included."""
    return APIToken.objects.filter(user=user).order_by("-created", "-pk")


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[APIToken, str]:
    """Create a token for ``user``; returns the record and the token itself, which is never stored."""
    return APIToken.create_token(user=user, name=name.strip())


@transaction.atomic
def api_token_revoke(*, token: APIToken) -> None:
    """Revoke a token for good; requests carrying it are refused from now on. Revoking twice changes nothing."""
    if token.revoked_at is None:
        token.revoke()
