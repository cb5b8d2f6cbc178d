from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.site.home_panels import home_panels
from cms.site.restrictions import CachedViewRestrictionsMixin
from cms.site.routing import route_by_url_path


class HomePage(CachedViewRestrictionsMixin, Page):
    """The site's front page. Feature apps hang their own index pages beneath it.

    As the site's root page it routes every request (``cms/site/routing.py``): by URL path in two
    queries, or by Wagtail's walk down the tree where that could answer differently.
    """

    routes_by_url_path = True

    intro = models.CharField(max_length=250, blank=True)
    body = RichTextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    template = "cms/home_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["panels"] = home_panels(request)
        return context

    def route(self, request, path_components):
        return route_by_url_path(self, request, path_components) or super().route(request, path_components)


class StandardPage(CachedViewRestrictionsMixin, Page):
    """A plain page of text, e.g. "About" or "Privacy"."""

    intro = models.CharField(max_length=250, blank=True)
    body = RichTextField()

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    template = "cms/standard_page.html"
