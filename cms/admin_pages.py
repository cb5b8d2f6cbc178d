"""One base for the admin pages built by hand (not a model's generic views): who may open them, their
breadcrumbs, and the person a page is about.

- ``AllowedUsersMixin`` turns away, before the page does anything, people it is not for. The
  page's ``allowed`` predicate is the same one its menu item (``AllowedUsersMenuItem``, or the
  page's ``menu_item``) uses to decide whether to show. A page whose rule needs the view (a
  permission policy, the object the page is about) makes ``allowed`` a method.
- ``AdminPageView`` and ``AdminFormView`` are a template page and a form page in the admin's frame:
  Wagtail's ``WagtailAdminTemplateMixin`` with that check, and breadcrumbs from the dashboard through
  ``parent_breadcrumbs`` to the page.
- ``PersonPageMixin`` loads ``self.person`` from the URL with ``load_person`` (which raises 404 or
  PermissionDenied for people the viewer may not open or act on), right after the ``allowed`` check,
  and titles the page with them. ``UserActionMixin`` is that for an administrator's action on one
  person, opened from the user list.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic import WagtailAdminTemplateMixin


def nobody(user) -> bool:
    return False


def anyone(user) -> bool:
    """Every admin user; what each of them sees is left to the page's selectors (anything else is a 404)."""
    return True


class AllowedUsersMixin:
    """Turn away people a page is not for, before the page does anything. Mix in first."""

    allowed = staticmethod(nobody)

    def check_access(self, request) -> None:
        """Raise PermissionDenied (or Http404) for a viewer this page is not for. Mixins that load what
        the page is about extend it, so refusals come in one order: who asks, then what they ask for."""
        if not self.allowed(request.user):
            raise PermissionDenied

    def dispatch(self, request, *args, **kwargs):
        self.check_access(request)
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def menu_item(cls, label, url, **kwargs) -> AllowedUsersMenuItem:
        """The page's menu item, shown to the people ``allowed`` lets in (a function of the user here)."""
        return AllowedUsersMenuItem(label, url, allowed=cls.allowed, **kwargs)


class AllowedUsersMenuItem(MenuItem):
    """A menu item shown to the people its page lets in: pass the page's ``allowed`` predicate."""

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed

    def is_shown(self, request):
        return self.allowed(request.user)


class AdminBreadcrumbsMixin:
    """Breadcrumbs: the admin's own, then ``parent_breadcrumbs``, then this page's title."""

    def parent_breadcrumbs(self) -> list[dict]:
        """The pages above this one, e.g. ``[{"url": reverse("...:index"), "label": _("Assignments")}]``."""
        return []

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, *self.parent_breadcrumbs(), {"url": "", "label": self.get_page_title()}]


class AdminPageView(AllowedUsersMixin, AdminBreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    """A hand-built admin page. Set ``allowed`` (who may open it), ``template_name``, ``page_title``, ``header_icon``."""


class AdminFormView(AllowedUsersMixin, AdminBreadcrumbsMixin, WagtailAdminTemplateMixin, FormView):
    """A hand-built admin page with one form: ``AdminPageView``'s settings, and ``form_class``."""


class PersonPageMixin:
    """A page about one person (``person_url_kwarg`` in the URL), loaded with ``load_person(viewer, person_id)``.

    The page is titled with the person; a page with its own ``page_title`` (an action on the person)
    has the person as its subtitle. Mix in before ``AdminPageView`` or ``AdminFormView``.
    """

    person_url_kwarg = "person_id"

    def load_person(self, viewer, person_id: int):
        """The person, or Http404 / PermissionDenied for people ``viewer`` may not open.

        A page says whom it may open; until it does, it opens nobody.
        """
        raise PermissionDenied

    def check_access(self, request) -> None:
        super().check_access(request)
        self.person = self.load_person(request.user, self.kwargs[self.person_url_kwarg])

    def get_page_title(self):
        return self.page_title or str(self.person)

    def get_page_subtitle(self):
        return str(self.person) if self.page_title else super().get_page_subtitle()


class UserActionMixin(PersonPageMixin):
    """An administrator's action on one person, opened from the user list (``<int:user_id>`` in the URL).

    Any user may be loaded; those ``may_act`` turns away get Wagtail's "no permission". The page sits
    under Users and the person in the breadcrumbs.
    """

    person_url_kwarg = "user_id"
    # Who may act depends on the person: may_act decides, once they are loaded.
    allowed = staticmethod(anyone)

    def may_act(self, user, person) -> bool:
        """Whether ``user`` may take this action on ``person``; a page that does not say allows nobody."""
        return False

    def load_person(self, viewer, person_id: int):
        person = get_object_or_404(get_user_model(), pk=person_id)
        if not self.may_act(viewer, person):
            raise PermissionDenied
        return person

    def parent_breadcrumbs(self):
        return [
            {"url": reverse("wagtailusers_users:index"), "label": _("Users")},
            {"url": reverse("wagtailusers_users:edit", args=[self.person.pk]), "label": str(self.person)},
        ]
