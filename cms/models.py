"""The model registry: Django finds the app's models here. Each package owns its models in its own ``models.py``."""

from cms.audit.models import AuditLogEntry
from cms.ops.tasks.models import TaskFailure
from cms.people.models import Team, User
from cms.site.models import HomePage, StandardPage

__all__ = ["AuditLogEntry", "HomePage", "StandardPage", "TaskFailure", "Team", "User"]
