from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cms.people.account_emails import signup_token_read
from cms.people.forms import ProfileForm, SignupForm, SignupPasswordForm
from cms.people.services import user_profile_update, user_signup, user_signup_request
from cms.security.ratelimit import rate_limited

User = get_user_model()


def _signup_enabled_or_404():
    if not settings.SIGNUP_ENABLED:
        raise Http404("Sign-up is switched off.")


@rate_limited("signup", methods=("POST",))
@require_http_methods(["GET", "POST"])
def signup(request):
    """Sign-up, step one. Whatever the address, the answer is "check your email"; the email says the rest."""
    _signup_enabled_or_404()
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user_signup_request(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            preferred_name=form.cleaned_data["preferred_name"],
        )
        return redirect("signup_sent")
    return render(request, "registration/signup.html", {"form": form})


@require_GET
def signup_sent(request):
    _signup_enabled_or_404()
    return render(request, "registration/signup_sent.html", {"max_age_days": _signup_link_days()})


@require_http_methods(["GET", "POST"])
def signup_confirm(request, token: str):
    """Sign-up, step two, from the emailed link: choose a password; the account is created and logged in."""
    _signup_enabled_or_404()
    details = signup_token_read(token)
    if details is None or User.objects.filter(email__iexact=details["email"]).exists():
        return _signup_link_spent(request)
    candidate = User(email=details["email"], full_name=details["full_name"], preferred_name=details["preferred_name"])
    form = SignupPasswordForm(candidate, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_signup(
                email=candidate.email,
                password=form.cleaned_data["password1"],
                full_name=candidate.full_name,
                preferred_name=candidate.preferred_name,
            )
        except IntegrityError:  # the same link, finished twice at once
            return _signup_link_spent(request)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.get_short_name()})
        return redirect(settings.LOGIN_REDIRECT_URL)
    response = render(request, "registration/signup_confirm.html", {"form": form, "candidate": candidate})
    # The token is in the URL: never pass it on to other sites. Not "no-referrer": the form posts back here,
    # and with that policy browsers send "Origin: null", which the CSRF check rightly refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def _signup_link_days() -> int:
    return settings.SIGNUP_LINK_MAX_AGE // (24 * 60 * 60)


def _signup_link_spent(request):
    response = render(request, "registration/signup_link_spent.html", {"max_age_days": _signup_link_days()})
    response["Referrer-Policy"] = "same-origin"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_profile_update(
            user=request.user,
            full_name=form.cleaned_data["full_name"],
            preferred_name=form.cleaned_data["preferred_name"],
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect(reverse("profile"))
    return render(request, "cms/profile.html", {"form": form})
