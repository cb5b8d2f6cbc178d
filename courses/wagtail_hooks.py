from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.privacy.personal_data import PERSONAL_DATA_HOOK
from cms.site.home_panels import HOME_PANEL_HOOK
from cms.site.navigation import NAVIGATION_HOOK, NavItem

from . import privacy, selectors
from .models import CECategory, CourseCatalogPage


@hooks.register(NAVIGATION_HOOK)
def catalog_nav_item(request):
    catalog = CourseCatalogPage.objects.live().only("url_path").first()
    return NavItem(_("Courses"), catalog.url, order=10) if catalog else None


@hooks.register(NAVIGATION_HOOK)
def my_learning_nav_item(request):
    if not request.user.is_authenticated:
        return None
    return NavItem(_("My learning"), reverse("my-learning"), order=20)


@hooks.register(NAVIGATION_HOOK)
def my_reflections_nav_item(request):
    if not request.user.is_authenticated:
        return None
    return NavItem(_("My reflections"), reverse("my-reflections"), order=30)


@hooks.register(HOME_PANEL_HOOK)
def learning_panel(request):
    """Signed-in people see where to continue; visitors see the courses on offer."""
    catalog = CourseCatalogPage.objects.live().first()
    if request.user.is_authenticated:
        context = {"progress": selectors.latest_course(user=request.user), "catalog": catalog}
        return render_to_string("courses/includes/continue_panel.html", context, request=request)
    if catalog is None:
        return None
    courses = selectors.catalog_courses(catalog=catalog, user=request.user)
    return render_to_string(
        "courses/includes/featured_courses.html", {"courses": courses, "catalog": catalog}, request=request
    )


class CECategoryViewSet(SnippetViewSet):
    model = CECategory
    icon = "tag"
    menu_label = "CE hour categories"
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["name", "description"]


register_snippet(CECategoryViewSet)


@hooks.register(PERSONAL_DATA_HOOK)
def personal_data():
    return privacy.section()
