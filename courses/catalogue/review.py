"""Lessons due for review: those whose review date has come, for trainers and administrators.

A lesson's ``review_by`` is when the clinical or legal guidance in it should be checked again. From that
day on, the lesson is listed in the admin report "Lessons due for review" (Reports menu), and trainers'
admin home counts them with a link to the report. Learners never see review dates.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component

from cms.admin_pages import AdminPageView
from cms.dates import site_date
from cms.people.access import has_role, is_administrator
from cms.people.roles import TRAINERS

from .models import CoursePage, LessonPage

REPORT_URL_NAME = "lessons_due_for_review"


def may_review_lessons(user) -> bool:
    """Trainers and administrators (with their second factor passed) see which lessons are due for review."""
    return is_administrator(user) or has_role(user, TRAINERS)


@dataclass(frozen=True)
class LessonDue:
    lesson: LessonPage
    course: CoursePage | None

    @property
    def edit_url(self) -> str:
        return reverse("wagtailadmin_pages:edit", args=[self.lesson.pk])

    @property
    def review_by(self) -> str:
        return site_date(self.lesson.review_by)

    @property
    def last_published(self) -> str:
        return site_date(self.lesson.last_published_at)


def lessons_due_queryset(*, today: datetime.date | None = None):
    """Lessons, published or not, whose review date is today or earlier."""
    today = today or timezone.localdate()
    return LessonPage.objects.filter(review_by__lte=today)


def lessons_due_for_review(*, today: datetime.date | None = None) -> list[LessonDue]:
    """Each lesson due for review with its course, the longest overdue first. Two queries, however many lessons."""
    lessons = list(
        lessons_due_queryset(today=today)
        .only("title", "path", "depth", "review_by", "last_published_at")
        .order_by("review_by", "path")
    )
    if not lessons:
        return []
    courses = list(CoursePage.objects.only("title", "path", "depth"))
    return [LessonDue(lesson, next((c for c in courses if lesson.path.startswith(c.path)), None)) for lesson in lessons]


def lessons_due_count(*, today: datetime.date | None = None) -> int:
    return lessons_due_queryset(today=today).count()


class LessonsDueReportView(AdminPageView):
    allowed = staticmethod(may_review_lessons)
    page_title = _("Lessons due for review")
    header_icon = "date"
    template_name = "courses/admin/lessons_due_report.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "rows": lessons_due_for_review()}


class LessonsDuePanel(Component):
    name = "lessons_due_for_review"
    order = 25
    template_name = "courses/admin/home_lessons_due.html"

    def __init__(self, count: int):
        self.count = count

    def get_context_data(self, parent_context=None):
        return {"count": self.count, "report_url": reverse(REPORT_URL_NAME)}


def trainer_home_panel(user) -> LessonsDuePanel | None:
    """How many lessons are due for review, on a trainer's admin home; None for anyone else."""
    if not has_role(user, TRAINERS):
        return None
    return LessonsDuePanel(lessons_due_count())
