from django.conf import settings
from django.utils.functional import SimpleLazyObject

from cms.site.navigation import navigation_items


def site_navigation(request):
    return {
        "site_navigation": SimpleLazyObject(lambda: navigation_items(request)),
        "signup_enabled": settings.SIGNUP_ENABLED,
    }
