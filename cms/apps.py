from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = "Site and people"
    default = True

    def ready(self):
        from cms.people import admin_access
        from cms.people.audit import connect_receivers
        from cms.spreadsheets import wagtail_exports_neutralise

        connect_receivers()
        admin_access.connect_receivers()
        wagtail_exports_neutralise()


class UsersConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for this project's email-and-names user model."""

    user_viewset = "cms.people.viewsets.UserViewSet"
