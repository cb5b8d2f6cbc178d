"""One base for the admin pages built by hand (not a model's generic views): who may open them, and their breadcrumbs.

- ``AllowedUsersMixin`` turns away, before anything is looked up, people a page is not for. The
  page's ``allowed`` predicate is the same one its menu item uses to decide whether to show.
- ``AdminPageView`` is a template page in the admin's frame: Wagtail's ``WagtailAdminTemplateMixin``
  with that check, and breadcrumbs from the dashboard through ``parent_breadcrumbs`` to the page.
- ``PersonPageMixin`` loads ``self.person`` from the URL's ``person_id`` with ``load_person``
  (which raises 404 or PermissionDenied for people the viewer may not open) and titles the page with them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin


def nobody(user) -> bool:
    return False


def anyone(user) -> bool:
    """Every admin user; what each of them sees is left to the page's selectors (anything else is a 404)."""
    return True


class AllowedUsersMixin:
    """Turn away people a page is not for, before anything is looked up. Mix in first."""

    allowed = staticmethod(nobody)

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AdminBreadcrumbsMixin:
    """Breadcrumbs: the admin's own, then ``parent_breadcrumbs``, then this page's title."""

    def parent_breadcrumbs(self) -> list[dict]:
        """The pages above this one, e.g. ``[{"url": reverse("...:index"), "label": _("Assignments")}]``."""
        return []

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, *self.parent_breadcrumbs(), {"url": "", "label": self.get_page_title()}]


class AdminPageView(AllowedUsersMixin, AdminBreadcrumbsMixin, WagtailAdminTemplateMixin, TemplateView):
    """A hand-built admin page. Set ``allowed`` (who may open it), ``template_name``, ``page_title``, ``header_icon``."""


class PersonPageMixin:
    """A page about one person (``person_id`` in the URL), loaded with ``load_person(viewer, person_id)``."""

    def load_person(self, viewer, person_id: int):
        raise NotImplementedError

    @cached_property
    def person(self):
        return self.load_person(self.request.user, self.kwargs["person_id"])

    def get_page_title(self):
        return self.person.full_name or self.person.email
