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


SERIAL = re.compile(r"[A-Z]{2,5}-\d{4}-\d{1,8}")


class VerifyByNumberForm(forms.Form):
    """Look a certificate up as licensing boards do: its number and the holder's last name."""

    number = forms.CharField(
        label=_("Certificate number"),
        max_length=40,
        help_text=_("Printed on the certificate, e.g. PSS-2026-000003."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    last_name = forms.CharField(
        label=_("Holder's last name"),
        max_length=200,
        help_text=_("As printed on the certificate. Accents and capitals don't matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_number(self) -> str:
        number = "".join(self.cleaned_data["number"].split()).upper()
        if not SERIAL.fullmatch(number):
            raise forms.ValidationError(
                _("That does not look like a certificate number. It looks like PSS-2026-000003.")
            )
        return number

    def clean_last_name(self) -> str:
        last_name = " ".join(self.cleaned_data["last_name"].split())
        if not last_name:
            raise forms.ValidationError(_("Enter the holder's last name."))
        return last_name
