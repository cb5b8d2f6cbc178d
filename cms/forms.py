from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm as WagtailUserCreationForm
from wagtail.users.forms import UserEditForm as WagtailUserEditForm

User = get_user_model()

NAME_FIELDS = ["full_name", "preferred_name"]


def _no_autofocus(form, field_name):
    # Focus on load would send the first Tab past the skip link, and on sign-up it would
    # start the cursor on the third field.
    form.fields[field_name].widget.attrs.pop("autofocus", None)


class LoginForm(AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_autofocus(self, "username")


class SignupForm(UserCreationForm):
    """Self-service sign-up for learners."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_autofocus(self, "email")

    class Meta:
        model = User
        fields = ["full_name", "preferred_name", "email"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "preferred_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email address already exists. Try logging in."))
        return email


class ProfileForm(forms.ModelForm):
    """The names a person can change themselves."""

    class Meta:
        model = User
        fields = NAME_FIELDS
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "preferred_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
        }


class _AdminNamesMixin(forms.ModelForm):
    # Wagtail's forms expect first_name/last_name; this model has full_name/preferred_name.
    first_name = None
    last_name = None
    full_name = forms.CharField(label=_("Full name"), max_length=150, help_text=_("As printed on certificates."))
    preferred_name = forms.CharField(label=_("Preferred name"), max_length=80, required=False)


class AdminUserCreationForm(_AdminNamesMixin, WagtailUserCreationForm):
    class Meta(WagtailUserCreationForm.Meta):
        fields = ["email", *NAME_FIELDS, "is_superuser", "groups"]


class AdminUserEditForm(_AdminNamesMixin, WagtailUserEditForm):
    class Meta(WagtailUserEditForm.Meta):
        fields = ["email", *NAME_FIELDS, "is_active", "is_superuser", "groups"]
