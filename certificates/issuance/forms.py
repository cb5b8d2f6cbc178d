from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

CODE = re.compile(r"[A-Za-z0-9_-]{16,64}")


class VerifySearchForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code or link"),
        max_length=300,
        help_text=_("Printed on the certificate after “Verify at”, e.g. https://…/verify/Xk3…/. Or scan its QR code."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"}),
    )

    def clean_code(self) -> str:
        text = self.cleaned_data["code"].strip().rstrip("/")
        candidate = text.rsplit("/verify/", 1)[-1] if "/verify/" in text else text
        candidate = re.sub(r"\s+", "", candidate)
        if not CODE.fullmatch(candidate):
            raise forms.ValidationError(
                _("That does not look like a verification code. Copy it from the certificate, or scan the QR code.")
            )
        return candidate
