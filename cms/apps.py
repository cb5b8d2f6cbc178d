from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site and people"
    default = True

    def ready(self):
        from .audit import connect_receivers

        connect_receivers()


class UsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for this project's email-and-names user model."""

    user_viewset = "cms.viewsets.UserViewSet"
