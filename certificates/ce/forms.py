from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CECategory

from .models import CECredit

# What an evidence file must start with: a PDF, a PNG or a JPEG, whatever its name says.
EVIDENCE_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class CECreditForm(forms.ModelForm):
    """External training hours a learner records for review."""

    class Meta:
        model = CECredit
        fields = ["title", "provider", "earned_on", "category", "hours", "evidence"]
        widgets = {"earned_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"title": _("Training title")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = CECategory.objects.order_by("name")
        self.fields["provider"].required = True
        self.fields["hours"].widget.attrs.update({"min": "0.25", "max": "100", "step": "0.25"})

    def clean_earned_on(self):
        earned_on = self.cleaned_data["earned_on"]
        if earned_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return earned_on

    def clean_hours(self):
        hours = self.cleaned_data["hours"]
        if hours > Decimal(100):
            raise forms.ValidationError(_("Record at most 100 hours in one entry; split longer programs by course."))
        return hours

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if not evidence:
            return evidence
        limit = settings.CE_EVIDENCE_MAX_UPLOAD_SIZE
        if evidence.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(megabytes)s MB."), params={"megabytes": f"{limit / (1024 * 1024):g}"}
            )
        head = evidence.read(8)
        evidence.seek(0)
        if not head.startswith(EVIDENCE_SIGNATURES):
            raise forms.ValidationError(_("Upload a PDF, PNG or JPEG file."))
        return evidence
