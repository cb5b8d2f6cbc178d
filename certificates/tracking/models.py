"""Assigned work with a due date, and the due-date reminders sent for it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage

from ..issuance.models import Program


class AssignmentQuerySet(models.QuerySet):
    def open(self):
        """Assignments still in force: a withdrawn one has no due date, shows nowhere and reminds no one."""
        return self.filter(withdrawn_at__isnull=True)


class Assignment(models.Model):
    """Required work with a due date: a course or a program, for a whole team or one person.

    Withdrawing keeps the row (``withdrawn_at``) so its audit entries keep pointing at it; only
    ``Assignment.objects.open()`` counts anywhere.
    """

    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("course")
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments", verbose_name=_("program")
    )
    team = models.ForeignKey(
        "cms.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="assignments", verbose_name=_("team")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("person"),
    )
    due_on = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True, editable=False)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(course__isnull=False) & Q(program__isnull=True))
                | (Q(course__isnull=True) & Q(program__isnull=False)),
                name="assignment_course_or_program",
            ),
            models.CheckConstraint(
                condition=(Q(team__isnull=False) & Q(user__isnull=True))
                | (Q(team__isnull=True) & Q(user__isnull=False)),
                name="assignment_team_or_person",
            ),
        ]

    def __str__(self):
        return f"{self.course or self.program} for {self.team or self.user}, due {self.due_on}"


class DueReminder(models.Model):
    """One due-date reminder sent to one person for one assignment: 7 days before, or on becoming overdue."""

    class Kind(models.TextChoices):
        SOON = "soon", _("Due in 7 days")
        OVERDUE = "overdue", _("Overdue")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "user", "kind"], name="one_due_reminder_per_kind")]

    def __str__(self):
        return f"{self.assignment_id}: {self.kind} to {self.user_id}"
