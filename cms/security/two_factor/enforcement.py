"""Where the second factor is required: admin pages (a middleware) and the API views people with admin access use."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from rest_framework.permissions import BasePermission

from cms.security.two_factor.services import UNVERIFIED_URL_NAMES, has_two_factor, needs_verification, with_next


class AdminTwoFactorMiddleware:
    """Sends people with admin access whose session is not verified from admin pages to set up or verify.

    Must come after django-otp's ``OTPMiddleware``. Works in ``process_view`` so the resolved URL name
    tells the pages an unverified person may open (``UNVERIFIED_URL_NAMES``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.ADMIN_2FA_REQUIRED or not request.path.startswith(reverse("wagtailadmin_home")):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in UNVERIFIED_URL_NAMES:
            return None
        if not needs_verification(request.user):
            return None
        next_url = request.get_full_path() if request.method in {"GET", "HEAD"} else reverse("wagtailadmin_home")
        target = "two_factor_verify" if has_two_factor(request.user) else "two_factor_setup"
        return HttpResponseRedirect(with_next(target, next_url))


class AdminSessionVerified(BasePermission):
    """For API views only people with admin access use: a session must be verified, as for the admin.

    Requests authenticated by a personal API token pass: the token is its own credential (``cms.security.api_tokens``).
    """

    message = "Confirm your two-factor code in the admin first, or use a personal API token."

    def has_permission(self, request, view):
        return not needs_verification(request.user)
