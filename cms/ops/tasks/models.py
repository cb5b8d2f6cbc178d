from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TaskFailureQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(resolved_at=None)


class TaskFailure(models.Model):
    """A background task that failed, and how it is being retried.

    One unresolved row per task and arguments: every failed attempt of the same work updates it.
    It is resolved when a retry succeeds, and kept afterwards as a record of what happened.
    Kept separately from the task backend's own results, so the admin report works the same
    with any backend.
    """

    class State(models.TextChoices):
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")
        RESOLVED = "resolved", _("Resolved")

    task_path = models.CharField(_("task"), max_length=255)
    args = models.JSONField(_("arguments"), default=dict, help_text=_('{"args": [...], "kwargs": {...}}'))
    args_key = models.CharField(
        max_length=64, help_text=_("SHA-256 of the arguments as canonical JSON, to find the row.")
    )
    subject = models.CharField(_("for"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.RETRYING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    first_failed_at = models.DateTimeField(_("first failed"), auto_now_add=True)
    last_failed_at = models.DateTimeField(_("last failed"), null=True)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    queued_result_id = models.CharField(
        max_length=64, blank=True, help_text=_("The task backend's id of the queued retry, when the backend queues.")
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = TaskFailureQuerySet.as_manager()

    class Meta:
        verbose_name = _("background task failure")
        ordering = ["-last_failed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_path", "args_key"], condition=Q(resolved_at=None), name="one_unresolved_task_failure"
            )
        ]
        indexes = [models.Index(fields=["state", "next_retry_at"], name="task_failure_state_idx")]

    def __str__(self):
        return f"{self.task_name}: {self.subject or self.args_key}"

    @property
    def task_name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]
