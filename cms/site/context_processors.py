from django.conf import settings
from django.utils.functional import SimpleLazyObject

from cms.people.admin_access import may_open_admin
from cms.site.navigation import navigation_items


def site_navigation(request):
    return {
        "site_navigation": SimpleLazyObject(lambda: navigation_items(request)),
        "signup_enabled": settings.SIGNUP_ENABLED,
        "may_open_admin": SimpleLazyObject(lambda: may_open_admin(getattr(request, "user", None))),
    }
