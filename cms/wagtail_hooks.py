"""Wagtail finds admin hooks here, at the app's root; each package registers its own in its ``hooks`` module."""

from cms.ops.tasks import hooks as task_hooks
from cms.people import hooks as people_hooks
from cms.privacy import hooks as privacy_hooks
from cms.security.api_tokens import hooks as api_token_hooks
from cms.security.two_factor import hooks as two_factor_hooks

__all__ = ["api_token_hooks", "people_hooks", "privacy_hooks", "task_hooks", "two_factor_hooks"]
