"""Logging out, on the site (``/account/logout/``) and in the admin (``/admin/logout/``): the session ends on the
server, whatever the method that ends it.

Django's ``LogoutView`` logs out on POST only. Wagtail's admin view, for any method, deleted the session cookie
and said "You have been successfully logged out" even when Django's view had refused (a GET): the browser forgot
the session but the server kept it, so a copied cookie went on working. Here both URLs log out for a POST (with
the CSRF token, as any form), and for a GET or HEAD unless another site sent the browser there: then a page asks
to confirm with a button, and nothing changes until it is pressed. Other methods change nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext as _

# Fetch Metadata: the browser says whether a request was started by this origin, another one, or the person
# (typed, bookmarked). A sibling subdomain ("same-site") is not this site either.
ANOTHER_SITE = {"cross-site", "same-site"}


def sent_by_another_site(request) -> bool:
    """Whether the browser says another site started this request (``Sec-Fetch-Site``).

    A request without the header (an old browser, a script) is taken as the person's own: such a GET logs out,
    as Wagtail's admin always let it.
    """
    return request.headers.get("Sec-Fetch-Site", "") in ANOTHER_SITE


class LogoutView(auth_views.LogoutView):
    """The site's logout: back to ``LOGOUT_REDIRECT_URL`` (or a safe ``next``), the session ended."""

    http_method_names = ["get", "head", "post", "options"]
    confirm_template_name = "registration/logout_confirm.html"

    def get(self, request, *args, **kwargs):
        # Another site cannot log people out behind their back (logout CSRF): it gets a page that asks first.
        if sent_by_another_site(request):
            return render(request, self.confirm_template_name, {"next": self.get_redirect_url()})
        return self.post(request, *args, **kwargs)


class AdminLogoutView(LogoutView):
    """The admin's logout (``wagtailadmin_logout``), in place of Wagtail's: to the admin's sign-in page, with its
    message."""

    confirm_template_name = "cms/admin_account/logout_confirm.html"

    @property
    def next_page(self):
        return getattr(settings, "WAGTAILADMIN_LOGIN_URL", "wagtailadmin_login")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have been successfully logged out."))
        return response
