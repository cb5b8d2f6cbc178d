"""The admin's account page: a person's full and preferred names instead of Wagtail's first and last."""

from django import forms
from django.contrib.auth import get_user_model
from wagtail.admin.views.account import AccountView as WagtailAccountView
from wagtail.admin.views.account import NameEmailSettingsPanel

from cms.people.services import user_profile_update


class NamesForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["full_name", "preferred_name", "email"]

    def save(self, commit=True):
        """Wagtail's account page saves each panel's form: the change goes through the people service."""
        return user_profile_update(
            user=self.instance,
            full_name=self.cleaned_data["full_name"],
            preferred_name=self.cleaned_data["preferred_name"],
            email=self.cleaned_data["email"],
        )


class NamesSettingsPanel(NameEmailSettingsPanel):
    form_class = NamesForm


class AccountView(WagtailAccountView):
    """Wagtail's account page with the name panel swapped for full and preferred names."""

    def get_panels(self):
        return [
            NamesSettingsPanel(self.request, panel.user, panel.profile)
            if isinstance(panel, NameEmailSettingsPanel)
            else panel
            for panel in super().get_panels()
        ]
