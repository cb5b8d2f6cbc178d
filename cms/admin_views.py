from django import forms
from django.contrib.auth import get_user_model
from wagtail.admin.views.account import AccountView as WagtailAccountView
from wagtail.admin.views.account import NameEmailSettingsPanel


class NamesForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["full_name", "preferred_name", "email"]


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
