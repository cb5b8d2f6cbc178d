"""Admin pages about one person, opened from the user list."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PersonActionMixin:
    """An administrator's action on one person, opened from the user list: ``<int:user_id>`` in the URL.

    Loads ``self.person``, refuses people ``may_act`` turns away (Wagtail's "no permission"), and
    titles the page with the person under Users in the breadcrumbs. Mix in before
    ``WagtailAdminTemplateMixin``.
    """

    def may_act(self, user, person) -> bool:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(get_user_model(), pk=kwargs["user_id"])
        if not self.may_act(request.user, self.person):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.person)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("wagtailusers_users:index"), "label": _("Users")},
            {"url": reverse("wagtailusers_users:edit", args=[self.person.pk]), "label": str(self.person)},
            {"url": "", "label": self.get_page_title()},
        ]
