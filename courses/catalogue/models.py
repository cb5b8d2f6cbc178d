"""The course catalogue's pages (catalog, course, module, lesson) and the CE hours a course awards."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.site.restrictions import CachedViewRestrictionsMixin

from .blocks import RICH_TEXT_FEATURES, LessonBodyBlock, LessonReferencesBlock


class CourseCatalogPage(CachedViewRestrictionsMixin, Page):
    """The list of courses. One per site, directly under the home page."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count = 1
    template = "courses/course_catalog_page.html"

    class Meta:
        verbose_name = _("course catalog")


class CoursePage(CachedViewRestrictionsMixin, Page):
    """A course: modules of lessons that a learner enrolls in and works through in order."""

    summary = models.CharField(
        _("summary"), max_length=250, help_text=_("One sentence shown in the catalog and in search results.")
    )
    description = RichTextField(_("description"), features=RICH_TEXT_FEATURES, blank=True)
    audience = models.CharField(
        _("who it is for"),
        max_length=250,
        blank=True,
        help_text=_("e.g. New peer support specialists working with pregnant and parenting people."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("audience"),
        FieldPanel("description"),
        InlinePanel(
            "ce_hours",
            heading=_("Continuing education hours"),
            label=_("CE hours"),
            help_text=_("Added to each learner's CE ledger when they complete the course."),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("description")]
    parent_page_types = ["courses.CourseCatalogPage"]
    subpage_types = ["courses.ModulePage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("course")


class CECategory(models.Model):
    """A kind of continuing education hour that boards count separately, e.g. ethics or peer-specific."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.CharField(_("description"), max_length=250, blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("CE hour category")
        verbose_name_plural = _("CE hour categories")

    def __str__(self):
        return self.name


class CourseHours(Orderable):
    """The CE hours a course awards in one category."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="ce_hours")
    category = models.ForeignKey(CECategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category"))
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.25"))]
    )

    panels = [FieldPanel("category"), FieldPanel("hours")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["course", "category"], name="unique_course_hours_category")]


class ModulePage(CachedViewRestrictionsMixin, Page):
    """A module groups the lessons on one theme. Later it ends with its quiz."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    quiz = models.ForeignKey(
        "assessments.Quiz",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="modules",
        verbose_name=_("end-of-module quiz"),
        help_text=_("The scenario quiz learners take after the module's lessons."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("quiz")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]
    template = "courses/module_page.html"

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        # Learners meet modules on the course page, which lists each module's lessons; trainers
        # previewing a draft module see the module page itself.
        if getattr(request, "is_preview", False):
            return super().serve(request, *args, **kwargs)
        course = self.get_parent()
        return redirect(f"{course.url}#module-{self.pk}")


class LessonPage(CachedViewRestrictionsMixin, Page):
    """A lesson: teaching text and activities.

    Open to enrolled learners and to the course's editors: ``courses/wagtail_hooks.py`` checks it
    before the lesson is served and remembers the visit.
    """

    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated minutes"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("How long a learner needs to read the lesson and do its activities."),
    )
    learning_objectives = StreamField(
        [("objective", blocks.CharBlock(max_length=250, label=_("Objective")))],
        verbose_name=_("learning objectives"),
        blank=True,
        help_text=_("What the learner will be able to do afterwards. Start each with a verb."),
    )
    competencies = ParentalManyToManyField(
        "assessments.Competency",
        blank=True,
        related_name="lessons",
        verbose_name=_("competencies"),
        help_text=_("The competencies this lesson builds."),
    )
    body = StreamField(LessonBodyBlock(), verbose_name=_("lesson body"))
    references = StreamField(
        LessonReferencesBlock(),
        verbose_name=_("references"),
        blank=True,
        help_text=_("The sources this lesson's clinical and legal statements rest on, listed at its foot."),
    )
    review_by = models.DateField(
        _("review by"),
        null=True,
        blank=True,
        help_text=_("When clinical or legal guidance in this lesson should be checked again."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("estimated_minutes"),
                FieldPanel("review_by"),
                FieldPanel("learning_objectives"),
                FieldPanel("competencies", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("About this lesson"),
        ),
        FieldPanel("body"),
        FieldPanel("references"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
