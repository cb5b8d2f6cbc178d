from .audit import AuditLogEntry
from .pages import HomePage, StandardPage
from .people import Team, User
from .tasks import TaskFailure

__all__ = ["AuditLogEntry", "HomePage", "StandardPage", "TaskFailure", "Team", "User"]
