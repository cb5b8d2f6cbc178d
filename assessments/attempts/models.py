"""Learners' attempts at quizzes and their answers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..quizzes.models import Quiz


class Attempt(models.Model):
    """One person's attempt at a quiz, on the exact version it was started on.

    ``snapshot`` freezes that version (with its answer key: never send it to the learner);
    ``question_keys`` and ``option_orders`` record what this attempt drew and how it shuffled.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    revision = models.ForeignKey("wagtailcore.Revision", on_delete=models.SET_NULL, null=True, related_name="+")
    number = models.PositiveSmallIntegerField()
    snapshot = models.JSONField()
    question_keys = models.JSONField()
    option_orders = models.JSONField(default=dict)
    started_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text=_("Overall percent, once submitted."))
    passed = models.BooleanField(null=True)
    result = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz", "number"], name="unique_attempt_number"),
            models.UniqueConstraint(
                fields=["user", "quiz"], condition=Q(submitted_at__isnull=True), name="one_open_attempt_per_quiz"
            ),
        ]
        indexes = [models.Index(fields=["user", "quiz", "-score"])]

    def __str__(self):
        return f"{self.user} on {self.quiz} (attempt {self.number})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Response(models.Model):
    """A learner's answer to one question of an attempt, saved as soon as it is given."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question_key = models.CharField(max_length=64)
    answer = models.JSONField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question_key"], name="unique_response")]

    def __str__(self):
        return f"{self.attempt} · {self.question_key}"
