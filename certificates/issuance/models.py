"""Certification programs and the certificates issued for them, with their events and expiry reminders.

A ``Certificate`` is a record of what was true when it was issued: the name as printed, the
program's name and version, hours, organisation, signatory and template are copied onto it,
so later edits to the program, the template or the person change nothing already issued.
"""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from cms.links import absolute_url
from cms.people.names import name_for_print
from courses.models import CECategory, CoursePage

from ..documents.models import CertificateTemplate
from .status import VALID_CODES, Status, certificate_status, status_case

HOURS = {"max_digits": 6, "decimal_places": 2}


def private_storage():
    return storages["private"]


class Program(index.Indexed, ClusterableModel):
    """A certification: the courses it requires, what its certificate says, how long it is valid, how it renews."""

    name = models.CharField(_("name"), max_length=200, unique=True, help_text=_("Printed on the certificate."))
    description = models.TextField(_("description"), max_length=2000, blank=True)
    active = models.BooleanField(
        _("issuing"), default=True, help_text=_("Switch off to stop issuing new certificates; issued ones stay valid.")
    )
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("e.g. 24. Leave empty if certificates never expire."),
    )
    organisation = models.CharField(_("approving organisation"), max_length=200)
    signatory_name = models.CharField(_("signatory name"), max_length=120, blank=True)
    signatory_title = models.CharField(_("signatory title"), max_length=120, blank=True)
    template = models.ForeignKey(
        CertificateTemplate, on_delete=models.PROTECT, related_name="programs", verbose_name=_("certificate template")
    )
    renewal_hours = models.DecimalField(
        _("CE hours to renew"),
        **HOURS,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Approved CE hours needed within the validity period to renew. 0 means no renewal by hours."),
    )
    # Every saved edit is a new version (``services.program_version_bump``); certificates record the
    # version they were issued under.
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("active"),
        InlinePanel("required_courses", heading=_("Required courses"), label=_("Course"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("organisation"),
                FieldRowPanel([FieldPanel("signatory_name"), FieldPanel("signatory_title")]),
                FieldPanel("template"),
            ],
            heading=_("Certificate"),
        ),
        InlinePanel("hours", heading=_("CE hours awarded"), label=_("Hours in a category")),
        MultiFieldPanel(
            [FieldPanel("validity_months"), FieldPanel("renewal_hours")],
            heading=_("Validity and renewal"),
        ),
        InlinePanel("renewal_minimums", heading=_("Renewal minimums by category"), label=_("Minimum")),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("certification program")

    def __str__(self):
        return self.name

    @property
    def total_hours(self) -> Decimal:
        return sum((row.hours for row in self.hours.all()), Decimal(0))

    @property
    def renews(self) -> bool:
        return bool(self.validity_months) and self.renewal_hours > 0


class ProgramCourse(Orderable):
    program = ParentalKey(Program, on_delete=models.CASCADE, related_name="required_courses")
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="+", verbose_name=_("course"))

    panels = [FieldPanel("course")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["program", "course"], name="unique_program_course")]


class ProgramHours(Orderable):
    program = ParentalKey(Program, on_delete=models.CASCADE, related_name="hours")
    category = models.ForeignKey(CECategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    hours = models.DecimalField(_("hours"), **HOURS, validators=[MinValueValidator(Decimal("0.25"))])

    panels = [FieldRowPanel([FieldPanel("category"), FieldPanel("hours")])]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["program", "category"], name="unique_program_hours_category")]


class RenewalMinimum(Orderable):
    program = ParentalKey(Program, on_delete=models.CASCADE, related_name="renewal_minimums")
    category = models.ForeignKey(CECategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    hours = models.DecimalField(_("at least (hours)"), **HOURS, validators=[MinValueValidator(Decimal("0.25"))])

    panels = [FieldRowPanel([FieldPanel("category"), FieldPanel("hours")])]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["program", "category"], name="unique_renewal_minimum")]


class SerialCounter(models.Model):
    """The last certificate number used in a year; locked while a certificate is numbered."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


def new_verification_code() -> str:
    return secrets.token_urlsafe(24)  # 192 bits, URL-safe


class CertificateQuerySet(models.QuerySet):
    def current(self):
        """The newest certificate of each person and program (revoked or expired ones included)."""
        return self.filter(is_current=True)

    def with_status(self, today: date | None = None):
        """Each certificate annotated with ``status_code``, as ``Certificate.status(today).code`` computes it."""
        return self.annotate(status_code=status_case(today or timezone.localdate()))

    def in_status(self, *codes: str, today: date | None = None):
        """Certificates whose status today is one of ``codes`` (e.g. ``VALID_CODES``)."""
        return self.with_status(today).filter(status_code__in=codes)

    def valid(self, today: date | None = None):
        """Certificates that count today: valid, or valid and expiring soon."""
        return self.in_status(*VALID_CODES, today=today)


class Certificate(models.Model):
    """One certificate as issued. Its printed facts never change; only its status does."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RENEWED = "renewed", _("Renewed")
        REISSUED = "reissued", _("Reissued")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="certificates"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="certificates")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ISSUED)
    serial = models.CharField(_("certificate number"), max_length=20, unique=True)
    code = models.CharField(_("verification code"), max_length=64, unique=True, default=new_verification_code)

    # What was true when it was issued.
    name = models.CharField(_("name as printed"), max_length=200)
    program_name = models.CharField(max_length=200)
    program_description = models.TextField(blank=True)
    program_version = models.PositiveIntegerField()
    organisation = models.CharField(max_length=200)
    signatory_name = models.CharField(max_length=120, blank=True)
    signatory_title = models.CharField(max_length=120, blank=True)
    hours = models.JSONField(default=list, help_text=_('CE hours by category, as printed: [{"category", "hours"}].'))
    total_hours = models.DecimalField(**HOURS, default=Decimal(0))
    template = models.JSONField(default=dict)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)

    # What can change: currency, revocation, the rendered file.
    is_current = models.BooleanField(default=True, help_text=_("False once a newer certificate replaces it."))
    superseded_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_reason_public = models.BooleanField(default=False)
    pdf = models.FileField(storage=private_storage, upload_to="certificates/%Y/", blank=True)
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "program"], condition=Q(is_current=True), name="one_current_certificate_per_program"
            )
        ]
        indexes = [models.Index(fields=["expires_on"], condition=Q(is_current=True), name="current_expiry_idx")]

    def __str__(self):
        return f"{self.serial}: {self.name}, {self.program_name}"

    def status(self, today: date | None = None) -> Status:
        return certificate_status(
            today=today or timezone.localdate(),
            expires_on=self.expires_on,
            revoked=self.revoked_at is not None,
            superseded=not self.is_current,
        )

    @cached_property
    def current_status(self) -> Status:
        return self.status()

    @property
    def printed_name(self) -> str:
        """The name as the PDF, the verification page, the API and the credential all show it.

        Names saved before hidden characters were refused are shown without them (``cms.names``).
        """
        return name_for_print(self.name)

    def get_verification_path(self) -> str:
        return reverse("certificate-verify", args=[self.code])

    @property
    def hours_by_category(self) -> dict[str, Decimal]:
        return {row["category"]: Decimal(row["hours"]) for row in self.hours}

    def verification_url(self) -> str:
        return absolute_url(self.get_verification_path())

    @property
    def file_name(self) -> str:
        return f"{self.serial}.pdf"


class CertificateEvent(models.Model):
    """The audit log of a certificate: issued, revoked, restored, reissued, renewed. Never edited."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RENEWED = "renewed", _("Renewed")
        REISSUED = "reissued", _("Reissued")
        SUPERSEDED = "superseded", _("Superseded")
        REVOKED = "revoked", _("Revoked")
        UNREVOKED = "unrevoked", _("Revocation withdrawn")
        EMAILED = "emailed", _("Emailed to the learner")
        REMINDED = "reminded", _("Expiry reminder sent")

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=12, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    actor_name = models.CharField(max_length=200, blank=True, help_text=_("Who acted, as they were named then."))
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("certificate event")

    def __str__(self):
        return f"{self.certificate.serial}: {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class ExpiryReminder(models.Model):
    """One reminder sent for one certificate at one threshold (90, 30 or 7 days); never sent twice."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["certificate", "days_before"], name="one_reminder_per_threshold")
        ]

    def __str__(self):
        return f"{self.certificate_id}: {self.days_before} days"
