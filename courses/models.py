"""Every model of the courses app, for Django's app registry. Each lives in its package."""

from .catalogue.models import CECategory, CourseCatalogPage, CourseHours, CoursePage, LessonPage, ModulePage
from .progress.models import Enrollment, LessonCompletion, Reflection

__all__ = [
    "CECategory",
    "CourseCatalogPage",
    "CourseHours",
    "CoursePage",
    "Enrollment",
    "LessonCompletion",
    "LessonPage",
    "ModulePage",
    "Reflection",
]
