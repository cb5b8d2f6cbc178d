"""The audit log for people's roles and teams and for records about one person (certificates, CE hours).

Wagtail keeps one log table per kind of record. Its default table shows an entry in *Site
history* to anyone who holds any permission on the record's model, so supervisors, who may view
certificates, would see every certificate issued to anyone. Entries in this table are shown to
administrators only.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models.audit_log import BaseLogEntry, ModelLogEntryManager


class AuditLogEntryManager(ModelLogEntryManager):
    def viewable_by_user(self, user):
        return self.all() if user.is_active and user.is_superuser else self.none()


class AuditLogEntry(BaseLogEntry):
    """An audit entry about a person or a person's record, visible to administrators only."""

    object_id = models.CharField(max_length=255, blank=False, db_index=True)

    objects = AuditLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")

    def __str__(self):
        return f"AuditLogEntry {self.pk}: {self.action} on {self.object_verbose_name} {self.object_id}"
