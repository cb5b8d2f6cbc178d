"""The published shape of courses (modules, lessons, quizzes, CE hours), cached as it is the same for everyone.

Learner pages read it on every request; editors change it a few times a week. The cache holds plain
values under a key with a content version, and every publish, unpublish, move, delete or view
restriction change (the receivers below) starts a new version, so the change shows at once. The
learner's own state (completions, quiz attempts, enrollment) is never cached here.

The version is ``cms.ops.cache_versions``'s: with Redis every process shares it; with the
per-process cache (no ``REDIS_URL``) the other processes see a change within its ``LOCAL_SECONDS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from assessments.models import Competency
from cms.ops import cache_versions

from .models import CECategory, CourseCatalogPage, CourseHours, CoursePage, LessonPage, ModulePage

VERSION_KEY = "courses:content-version"
TIMEOUT = 300  # seconds: a cached shape's lifetime; a new version retires it sooner

# The fields learner pages read; anything else is loaded on first use, one query per page.
_PAGE_FIELDS = ("id", "page_ptr_id", "title", "slug", "path", "depth", "url_path", "live", "locale_id")
_PAGE_FIELDS += ("content_type_id", "first_published_at", "last_published_at")
MODULE_FIELDS = (*_PAGE_FIELDS, "intro", "quiz_id")
LESSON_FIELDS = (*_PAGE_FIELDS, "estimated_minutes")


def content_version() -> str:
    """The current version of the published course content; any change to it starts a new one."""
    return cache_versions.current(VERSION_KEY)


@dataclass
class CourseShape:
    """A course's live, public modules and lessons in tree order, and the CE hours it awards."""

    modules: list[ModulePage] = field(default_factory=list)
    lessons: list[LessonPage] = field(default_factory=list)
    hours: list[tuple[str, Decimal]] = field(default_factory=list)


def _rows(queryset, fields: tuple[str, ...]) -> list[dict]:
    return list(queryset.values(*fields))


def _pages(model, fields: tuple[str, ...], rows: list[dict]) -> list:
    """Page instances from cached rows, without a query; fields not cached are deferred."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in fields]
    return [model.from_db("default", names, [row[name] for name in names]) for row in rows]


def _under(paths: list[str]) -> Q:
    scope = Q(pk__in=[])
    for path in paths:
        scope |= Q(path__startswith=path)
    return scope


def _build(courses: list[CoursePage]) -> dict[int, dict]:
    """The plain values of these courses' shapes, by course id (three queries for any number of courses)."""
    modules = _rows(
        ModulePage.objects.live().public().filter(_under([c.path for c in courses])).order_by("path"), MODULE_FIELDS
    )
    lessons = []
    if modules:
        lessons = _rows(
            LessonPage.objects.live().public().filter(_under([m["path"] for m in modules])).order_by("path"),
            LESSON_FIELDS,
        )
    hours = list(
        CourseHours.objects.filter(course__in=courses)
        .order_by("sort_order")
        .values_list("course_id", "category__name", "hours")
    )
    return {
        course.pk: {
            "modules": [m for m in modules if m["path"].startswith(course.path)],
            "lessons": [lesson for lesson in lessons if lesson["path"].startswith(course.path)],
            "hours": [(name, amount) for course_id, name, amount in hours if course_id == course.pk],
        }
        for course in courses
    }


def course_shapes(courses: list[CoursePage]) -> dict[int, CourseShape]:
    """The shape of each course, by course id: from the cache, or built for the ones it lacks."""
    version = content_version()
    keys = {course.pk: f"courses:shape:{version}:{course.pk}" for course in courses}
    found = cache.get_many(list(keys.values()))
    values = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [course for course in courses if course.pk not in values]
    if missing:
        built = _build(missing)
        cache.set_many({keys[pk]: value for pk, value in built.items()}, timeout=TIMEOUT)
        values.update(built)
    return {
        pk: CourseShape(
            modules=_pages(ModulePage, MODULE_FIELDS, value["modules"]),
            lessons=_pages(LessonPage, LESSON_FIELDS, value["lessons"]),
            hours=value["hours"],
        )
        for pk, value in values.items()
    }


def course_shape(course: CoursePage) -> CourseShape:
    return course_shapes([course])[course.pk]


def catalog_url() -> str | None:
    """The live catalog's address, for the site's navigation, or None when there is none."""
    key = f"courses:catalog-url:{content_version()}"
    url = cache.get(key)
    if url is None:
        catalog = CourseCatalogPage.objects.live().only("url_path").first()
        url = (catalog.url if catalog else "") or ""
        cache.set(key, url, timeout=TIMEOUT)
    return url or None


@receiver(page_published, dispatch_uid="courses.shape.published")
@receiver(page_unpublished, dispatch_uid="courses.shape.unpublished")
@receiver(post_page_move, dispatch_uid="courses.shape.moved")
def _page_changed(sender, **kwargs):
    cache_versions.bump(VERSION_KEY)


@receiver(post_save, dispatch_uid="courses.shape.saved")
@receiver(post_delete, dispatch_uid="courses.shape.deleted")
def _content_saved(sender, instance, **kwargs):
    # Any page: a catalog, course, module or lesson changed in the tree (also outside the publish
    # actions, e.g. a page saved as not live), or what the outline shows of a lesson's competencies.
    if isinstance(instance, Page | PageViewRestriction | CourseHours | CECategory | Competency):
        cache_versions.bump(VERSION_KEY)
