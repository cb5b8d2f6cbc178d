"""A learner's records in a course: enrollment, completed lessons and private reflections."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..catalogue.models import CoursePage, LessonPage


class Enrollment(models.Model):
    """A learner taking a course. Enrolling twice is harmless: there is one row per person and course."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="enrollments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    last_lesson = models.ForeignKey(LessonPage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="unique_enrollment")]
        indexes = [models.Index(fields=["user", "-last_activity_at"])]

    def __str__(self):
        return f"{self.user} in {self.course}"


class LessonCompletion(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="unique_lesson_completion")]

    def __str__(self):
        return f"{self.user} completed {self.lesson}"


class Reflection(models.Model):
    """A learner's private written answer to a reflection prompt in a lesson.

    Only its author ever sees it. The prompt is copied so the answer still makes sense
    after the lesson is edited.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="reflections")
    block_id = models.UUIDField(help_text=_("The reflection prompt block this answers."))
    prompt = models.CharField(max_length=300)
    answer = models.TextField(max_length=10_000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lesson", "block_id"], name="unique_reflection")]
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.user} on {self.prompt[:40]}"
