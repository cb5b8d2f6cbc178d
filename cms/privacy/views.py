"""The learner's "Your data" pages: download everything held about them, and delete their account."""

from django import forms
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from cms.privacy.personal_data import KEEP, certificate_policy, personal_data_erase, personal_data_json


class AccountDeleteForm(forms.Form):
    """The person confirms with their password, so an unattended open session cannot delete an account."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm that it is you, type the password you sign in with."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not right. Your account has not been deleted."))
        return password


@login_required
@require_GET
def my_data(request):
    """Everything held about the signed-in person, as a JSON file."""
    response = HttpResponse(personal_data_json(user=request.user), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pss-my-data-{timezone.localdate():%Y-%m-%d}.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    """Explain what deletion removes and keeps; on a confirmed POST, delete and sign the person out."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        personal_data_erase(user=request.user, actor=request.user)
        logout(request)
        return redirect("account_deleted")
    context = {"form": form, "certificates_kept": certificate_policy() == KEEP}
    return render(request, "cms/privacy/account_delete.html", context)


@require_GET
def account_deleted(request):
    return render(request, "cms/privacy/account_deleted.html", {"certificates_kept": certificate_policy() == KEEP})
