"""Admin pages for two-factor authentication: set up an app, confirm a code, recovery codes, an administrator's reset.

The set-up and verify pages are opened before the session is verified, so they stand alone like the
admin's sign-in page and never render the admin menu. The recovery-codes and reset pages are ordinary
admin pages, behind a verified session like the rest of the admin.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View

from cms.admin_pages import AdminPageView, UserActionMixin, anyone
from cms.security.two_factor.services import (
    RECOVERY_CODE_COUNT,
    CodeCheck,
    app_device_confirm,
    app_device_start,
    app_secret,
    app_secret_for_reading,
    has_two_factor,
    qr_code_svg,
    recovery_codes_generate,
    recovery_codes_remaining,
    safe_next,
    session_verified,
    two_factor_reset,
    two_factor_verify,
    with_next,
)

APP_CODE_RE = re.compile(r"^\d{6}$")
# Few enough that the person should make new ones soon.
FEW_RECOVERY_CODES = 3


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}),
        error_messages={"required": _("Enter the 6-digit code your app shows.")},
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not APP_CODE_RE.match(code):
            raise forms.ValidationError(_("Enter the 6 digits your app shows, for example 123456."))
        return code


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=20,
        help_text=_("One of the codes you saved when you set up two-factor authentication, for example abcd-efgh."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
        error_messages={"required": _("Enter one of your recovery codes.")},
    )


def _code_error(check: CodeCheck, *, recovery: bool = False) -> str:
    if check.wait_seconds:
        return ngettext(
            "Too many codes that didn't work. Please wait %(seconds)d second, then try again.",
            "Too many codes that didn't work. Please wait %(seconds)d seconds, then try again.",
            check.wait_seconds,
        ) % {"seconds": check.wait_seconds}
    if recovery:
        return _("That recovery code didn't work. It may have been used already. Check it and try again.")
    return _("That code didn't work. Check that you typed the newest code from your app and try again.")


def _next_url(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def _recovery_codes_response(request, template_name: str, context: dict) -> TemplateResponse:
    response = TemplateResponse(request, template_name, context)
    # Shown once: never kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    return response


class TwoFactorSetupView(View):
    """Set up an authenticator app: scan a QR code (or type the key), then confirm with a code from the app."""

    template_name = "cms/two_factor/setup.html"
    codes_template_name = "cms/two_factor/setup_done.html"

    def dispatch(self, request, *args, **kwargs):
        self.next_url = _next_url(request)
        if has_two_factor(request.user):
            # Already set up: a new app needs a verified session and an administrator's reset first.
            target = self.next_url if session_verified(request.user) else with_next("two_factor_verify", self.next_url)
            return redirect(target)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(AppCodeForm())

    def post(self, request):
        form = AppCodeForm(request.POST)
        if form.is_valid():
            check = app_device_confirm(
                request=request, device=app_device_start(user=request.user), code=form.cleaned_data["code"]
            )
            if check.accepted:
                return _recovery_codes_response(
                    request, self.codes_template_name, {"codes": check.recovery_codes, "next": self.next_url}
                )
            form.add_error("code", _code_error(check))
        return self.render(form)

    def render(self, form) -> TemplateResponse:
        device = app_device_start(user=self.request.user)
        response = TemplateResponse(
            self.request,
            self.template_name,
            {
                "form": form,
                "next": self.next_url,
                "qr_code": qr_code_svg(device.config_url, label=_("QR code to scan with your authenticator app")),
                "secret": app_secret_for_reading(device),
                "secret_plain": app_secret(device),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class TwoFactorVerifyView(View):
    """Confirm a code from the authenticator app, or a recovery code, to open the admin."""

    template_name = "cms/two_factor/verify.html"

    def dispatch(self, request, *args, **kwargs):
        self.next_url = _next_url(request)
        if not has_two_factor(request.user):
            return redirect(with_next("two_factor_setup", self.next_url))
        if session_verified(request.user):
            return redirect(self.next_url)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(AppCodeForm(), RecoveryCodeForm())

    def post(self, request):
        recovery = "recovery_code" in request.POST
        app_form = AppCodeForm(None if recovery else request.POST)
        recovery_form = RecoveryCodeForm(request.POST if recovery else None)
        form, field = (recovery_form, "recovery_code") if recovery else (app_form, "code")
        if form.is_valid():
            check = two_factor_verify(request=request, code=form.cleaned_data[field], recovery=recovery)
            if check.accepted:
                if recovery:
                    self._warn_about_recovery_codes(request)
                return redirect(self.next_url)
            form.add_error(field, _code_error(check, recovery=recovery))
        return self.render(app_form, recovery_form)

    @staticmethod
    def _warn_about_recovery_codes(request) -> None:
        left = recovery_codes_remaining(request.user)
        text = ngettext(
            "You used a recovery code. You have %(count)d left.",
            "You used a recovery code. You have %(count)d left.",
            left,
        ) % {"count": left}
        if left <= FEW_RECOVERY_CODES:
            messages.warning(request, f"{text} {_('Make new ones under Account > Two-factor authentication.')}")
        else:
            messages.info(request, text)

    def render(self, app_form, recovery_form) -> TemplateResponse:
        return TemplateResponse(
            self.request,
            self.template_name,
            {"form": app_form, "recovery_form": recovery_form, "next": self.next_url},
        )


class RecoveryCodesView(AdminPageView):
    """Your two-factor status, how many recovery codes are left, and new recovery codes (shown once)."""

    allowed = staticmethod(anyone)
    template_name = "cms/two_factor/recovery_codes.html"
    page_title = _("Two-factor authentication")
    header_icon = "key"
    http_method_names = ["get", "post"]

    def get_context_data(self, codes=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            enabled=has_two_factor(user),
            remaining=recovery_codes_remaining(user),
            total=RECOVERY_CODE_COUNT,
            few=FEW_RECOVERY_CODES,
            codes=codes,
        )
        return context

    def post(self, request):
        # The admin is closed to unverified sessions; this also holds when two-factor is not required.
        if not has_two_factor(request.user) or not session_verified(request.user):
            return redirect(with_next("two_factor_verify", reverse("two_factor")))
        codes = recovery_codes_generate(user=request.user)
        response = self.render_to_response(self.get_context_data(codes=codes))
        response["Cache-Control"] = "no-store"
        return response


def may_reset_two_factor(user) -> bool:
    """Administrators, who manage people's accounts."""
    model = get_user_model()
    return user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")


class TwoFactorResetView(UserActionMixin, AdminPageView):
    """An administrator removes a person's authenticator app and recovery codes, for a lost or new phone."""

    template_name = "cms/two_factor/reset.html"
    page_title = _("Reset two-factor authentication")
    header_icon = "key"
    http_method_names = ["get", "post"]

    def may_act(self, user, person) -> bool:
        return may_reset_two_factor(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(person=self.person, enabled=has_two_factor(self.person))
        return context

    def post(self, request, user_id: int):
        two_factor_reset(actor=request.user, user=self.person)
        messages.success(
            request,
            _(
                "Two-factor authentication is reset for %(name)s. They set up a new app the next time they open the admin."
            )
            % {"name": self.person},
        )
        return redirect("wagtailusers_users:edit", self.person.pk)
