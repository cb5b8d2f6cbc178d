from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, SetPasswordMixin
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
    # One message for every failure: it must not tell whether an account uses the address.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email and password don't match an account. Check them and try again, or reset your password."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _no_autofocus(self, "username")


class SignupForm(forms.ModelForm):
    """Self-service sign-up for learners, step one: names and email address.

    Whether the address already has an account is not checked here. The answer is the same either way
    ("check your email"); the email itself says which it is (``cms.people.account_emails``).
    """

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
        return User.objects.normalize_email(self.cleaned_data["email"]).lower()

    def validate_unique(self):
        # "A user with this email already exists" would tell anyone which addresses have accounts.
        pass


class SignupPasswordForm(SetPasswordMixin, forms.Form):
    """Sign-up, step two, opened from the emailed link: the password for the new account."""

    password1, password2 = SetPasswordMixin.create_password_fields()

    def __init__(self, user, *args, **kwargs):
        # ``user`` is the account about to be created, not saved yet: the validators compare the
        # password with its names and email address.
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        self.validate_passwords()
        self.validate_password_for_user(self.user)
        return super().clean()


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
