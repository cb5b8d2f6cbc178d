"""Each person's continuing education hours ledger."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CECategory, CoursePage

from ..issuance.models import HOURS, private_storage

# The most hours one external entry may record; longer programs are split by course.
EXTERNAL_HOURS_MAX = Decimal(100)


class CECredit(models.Model):
    """Hours in a person's continuing education ledger: from a completed course, or external and reviewed."""

    class Source(models.TextChoices):
        COURSE = "course", _("Course on this site")
        EXTERNAL = "external", _("External training")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ce_credits")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.EXTERNAL)
    course = models.ForeignKey(CoursePage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    earned_on = models.DateField(_("date completed"))
    category = models.ForeignKey(CECategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    hours = models.DecimalField(_("hours"), **HOURS, validators=[MinValueValidator(Decimal("0.25"))])
    evidence = models.FileField(
        _("evidence"),
        storage=private_storage,
        upload_to="ce-evidence/%Y/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "png", "jpg", "jpeg"])],
        help_text=_("A certificate of attendance or transcript: PDF, PNG or JPEG, up to 5 MB."),
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(_("note to the learner"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-earned_on", "-pk"]
        verbose_name = _("CE hours entry")
        verbose_name_plural = _("CE hours entries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course", "category"],
                condition=Q(source="course"),
                name="one_course_credit_per_category",
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="ce_credit_hours_positive"),
        ]

    def __str__(self):
        return f"{self.title} ({self.hours} h, {self.user})"

    def clean(self):
        """What a learner may record: the one rule for the page, the API and the service (``credit_submit``)."""
        super().clean()
        if self.source != self.Source.EXTERNAL:
            return
        errors = {}
        if self.earned_on and self.earned_on > timezone.localdate():
            errors["earned_on"] = _("The date cannot be in the future.")
        if self.hours is not None and self.hours > EXTERNAL_HOURS_MAX:
            errors["hours"] = _("Record at most 100 hours in one entry; split longer programs by course.")
        if errors:
            raise ValidationError(errors)
