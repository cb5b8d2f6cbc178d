from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index


class Competency(index.Indexed, models.Model):
    """A skill a peer specialist is expected to show, e.g. SAMHSA's "Values communication".

    Competencies are data that trainers edit; lessons say which they build and quiz
    questions (later) are scored against them.
    """

    code = models.SlugField(
        _("code"),
        max_length=60,
        unique=True,
        help_text=_("Short, stable identifier used in imports and reports, e.g. values-communication."),
    )
    name = models.CharField(_("name"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    framework = models.CharField(
        _("framework"),
        max_length=160,
        blank=True,
        help_text=_("Where the competency comes from, e.g. SAMHSA Core Competencies for Peer Workers (2015)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    search_fields = [index.SearchField("name"), index.SearchField("description"), index.FilterField("code")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")

    def __str__(self):
        return self.name
