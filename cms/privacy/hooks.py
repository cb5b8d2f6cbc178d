"""The account's part of a person's data, and the admin's "Delete personal data" action for a user."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from cms.admin_pages import AdminFormView, UserActionMixin
from cms.privacy.personal_data import (
    KEEP,
    PERSONAL_DATA_HOOK,
    PersonalDataSection,
    certificate_policy,
    erase_account,
    export_account,
    personal_data_erase,
)

ERASE_URL_NAME = "cms_user_erase"


@hooks.register(PERSONAL_DATA_HOOK)
def account_personal_data():
    return PersonalDataSection("account", export=export_account, erase=erase_account, order=0)


def may_erase(request_user, person) -> bool:
    """Administrators, for anyone but themselves (they use their own profile page)."""
    return request_user.is_superuser and person.pk != request_user.pk


class EraseConfirmForm(forms.Form):
    email = forms.CharField(
        label=_("The person's email address"),
        help_text=_("Type it to confirm. This cannot be undone."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email.lower() != self.person.email.lower():
            raise forms.ValidationError(_("This is not the person's email address. Nothing has been deleted."))
        return email


class UserEraseView(UserActionMixin, AdminFormView):
    """An administrator deletes a person's personal data, as the person could from their profile."""

    template_name = "cms/privacy/admin_erase.html"
    form_class = EraseConfirmForm
    page_title = _("Delete personal data")
    header_icon = "bin"

    def may_act(self, user, person) -> bool:
        return may_erase(user, person)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "person": self.person}

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, certificates_kept=certificate_policy() == KEEP, **kwargs)

    def form_valid(self, form):
        personal_data_erase(user=self.person, actor=self.request.user)
        messages.success(self.request, _("The person's personal data has been deleted."))
        return redirect("wagtailusers_users:index")


@hooks.register("register_admin_urls")
def personal_data_admin_urls():
    return [path("users/<int:user_id>/delete-personal-data/", UserEraseView.as_view(), name=ERASE_URL_NAME)]


@hooks.register("register_user_listing_buttons")
def erase_button(user, request_user):
    if not may_erase(request_user, user):
        return []
    return [Button(_("Delete personal data"), reverse(ERASE_URL_NAME, args=[user.pk]), icon_name="bin", priority=70)]
