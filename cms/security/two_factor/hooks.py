"""Admin URLs, the account page's menu item and the user listing's reset button for two-factor authentication."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button

from cms.audit.log import register_change_action
from cms.security.two_factor.services import TWO_FACTOR_RESET
from cms.security.two_factor.views import (
    RecoveryCodesView,
    TwoFactorResetView,
    TwoFactorSetupView,
    TwoFactorVerifyView,
    may_reset_two_factor,
)


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/", RecoveryCodesView.as_view(), name="two_factor"),
        path("two-factor/setup/", TwoFactorSetupView.as_view(), name="two_factor_setup"),
        path("two-factor/verify/", TwoFactorVerifyView.as_view(), name="two_factor_verify"),
        path("two-factor/reset/<int:user_id>/", TwoFactorResetView.as_view(), name="two_factor_reset"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_menu_item(request):
    return {
        "url": reverse("two_factor"),
        "label": _("Two-factor authentication"),
        "help_text": _("See how many recovery codes you have left, and make new ones."),
    }


@hooks.register("register_user_listing_buttons")
def two_factor_reset_button(user, request_user):
    if not may_reset_two_factor(request_user):
        return []
    return [
        Button(
            _("Reset two-factor authentication"),
            reverse("two_factor_reset", args=[user.pk]),
            icon_name="key",
            priority=60,
        )
    ]


@hooks.register("register_log_actions")
def two_factor_log_actions(actions):
    register_change_action(
        actions, TWO_FACTOR_RESET, _("Two-factor authentication reset"), _("Two-factor authentication reset")
    )
