from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from courses.models import CECategory

from .models import EXTERNAL_HOURS_MAX, CECredit

# What an evidence file must start with: a PDF, a PNG or a JPEG, whatever its name says.
EVIDENCE_SIGNATURES = (b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class CECreditForm(forms.ModelForm):
    """External training hours a learner records for review."""

    class Meta:
        model = CECredit
        fields = ["title", "provider", "earned_on", "category", "hours", "evidence"]
        # The date and hours rules live on the model (CECredit.clean), so the service and the form share them.
        widgets = {"earned_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"title": _("Training title")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = CECategory.objects.order_by("name")
        self.fields["provider"].required = True
        self.fields["hours"].widget.attrs.update({"min": "0.25", "max": str(EXTERNAL_HOURS_MAX), "step": "0.25"})

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
