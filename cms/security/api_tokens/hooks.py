"""The admin's "API tokens" page: supervisors and administrators create and revoke their own tokens."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from cms.admin_pages import AdminPageView
from cms.security.api_tokens.services import api_token_create, api_token_revoke, may_hold_api_tokens, user_api_tokens

API_TOKENS_URL_NAME = "api_tokens"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        help_text=_("What the token is for, so you can tell your tokens apart, e.g. “Clinic dashboard”."),
    )


class ApiTokensView(AdminPageView):
    """Your tokens and a form for a new one. A new token is shown on the page that answers the form, and never again."""

    allowed = staticmethod(may_hold_api_tokens)
    template_name = "cms/tokens/index.html"
    page_title = _("API tokens")
    header_icon = "key"

    def get_context_data(self, form=None, created=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=form or ApiTokenForm(),
            tokens=user_api_tokens(user=self.request.user),
            created=created,
            api_docs_url=reverse("api-docs"),
        )
        return context

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        token, plaintext = api_token_create(user=request.user, name=form.cleaned_data["name"])
        response = self.render_to_response(self.get_context_data(created={"token": token, "plaintext": plaintext}))
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenRevokeView(ApiTokensView):
    http_method_names = ["post"]

    def post(self, request, pk: int):
        # Only your own tokens exist for you: anyone else's is "not found".
        token = get_object_or_404(user_api_tokens(user=request.user), pk=pk)
        api_token_revoke(token=token)
        messages.success(request, _("“%(name)s” is revoked. Requests that use it are refused.") % {"name": token.name})
        return redirect(API_TOKENS_URL_NAME)


@hooks.register("register_admin_urls")
def api_token_urls():
    return [
        path("api-tokens/", ApiTokensView.as_view(http_method_names=["get", "post"]), name=API_TOKENS_URL_NAME),
        path("api-tokens/<int:pk>/revoke/", ApiTokenRevokeView.as_view(), name="api_token_revoke"),
    ]


@hooks.register("register_settings_menu_item")
def api_tokens_menu_item():
    return ApiTokensView.menu_item(
        _("API tokens"), reverse(API_TOKENS_URL_NAME), name="api-tokens", icon_name="key", order=900
    )
