"""Quizzes as trainers author them: questions, pass mark, mastery thresholds, delivery settings."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, LockableMixin, Orderable, PreviewableMixin, RevisionMixin
from wagtail.search import index

from cms.dates import duration_text

from ..competencies.models import Competency
from ..scoring import drawing
from .blocks import QuizQuestionsBlock, scenario_from_value
from .publishing import quiz_publish_check


class FeedbackTiming(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately after each question (practice)")
    AFTER_SUBMISSION = "after_submission", _("Only after the attempt is submitted (graded test)")


class Quiz(DraftStateMixin, RevisionMixin, LockableMixin, PreviewableMixin, index.Indexed, ClusterableModel):
    """A scenario quiz. Trainers author it as a snippet with drafts, revisions, preview and locking.

    Learners always take the published version; an attempt freezes the version it started on.
    """

    title = models.CharField(_("title"), max_length=160)
    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ul", "ol"])
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=80, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maximum attempts"), null=True, blank=True, help_text=_("Leave empty for unlimited attempts.")
    )
    cooldown_minutes = models.PositiveIntegerField(
        _("cool-down between attempts (minutes)"), default=0, help_text=_("0 lets learners retry at once.")
    )
    feedback_timing = models.CharField(
        _("feedback"), max_length=20, choices=FeedbackTiming.choices, default=FeedbackTiming.IMMEDIATE
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    draw_count = models.PositiveSmallIntegerField(
        _("questions drawn per attempt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Draw this many questions at random from the pool below. Leave empty to ask them all."),
    )
    draw_per_competency = models.PositiveSmallIntegerField(
        _("questions drawn per competency"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Draw this many questions at random from each competency's pool: the questions whose first "
            "competency it is. Questions with no competency, and reflections, are asked every time. "
            "Leave empty to ask them all."
        ),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    questions = StreamField(QuizQuestionsBlock(), verbose_name=_("questions"))

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="quiz")

    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def revisions(self):
        return self._revisions

    def get_preview_template(self, request, mode_name):
        return "assessments/quiz_preview.html"

    @property
    def cooldown_text(self) -> str:
        """The cool-down as people say it: "24 hours", "90 minutes" -> "1 hour 30 minutes"."""
        return duration_text(self.cooldown_minutes)

    def plan(self) -> dict:
        """What decides which questions an attempt asks (see ``scoring.drawing``), without freezing the quiz."""
        return {
            "draw_count": self.draw_count,
            "draw_per_competency": self.draw_per_competency,
            "questions": [
                {
                    "key": child.id or str(index),
                    "kind": child.block_type,
                    "competencies": [c.code for c in child.value["competencies"] if c is not None],
                    "steps": [
                        {"choices": [{"credits": dict(choice.credits)} for choice in step.choices]}
                        for step in (scenario_from_value(child.value).steps if child.block_type == "branching" else ())
                    ],
                }
                for index, child in enumerate(self.questions)
            ],
        }

    def mastery_refusals(self, competencies) -> dict[str, str]:
        """Why a mastery bar on each of ``competencies`` would be unfair on this version (``drawing.mastery_shortfalls``),
        by code. A competency no question assesses at all is left to the plainer refusals of the editor and the
        publish rule."""
        plan = self.plan()
        refusals = {}
        for competency in competencies:
            code = competency.code
            assessed = any(drawing.scores_competency(question, code) for question in plan["questions"])
            short = drawing.mastery_shortfalls(plan, [code])
            if assessed and short:
                refusals[code] = drawing.mastery_shortfall_message(competency.name, short[code])
        return refusals

    def clean(self):
        super().clean()
        scored = [q for q in self.questions if q.block_type != "reflection"]
        errors = {}
        if not scored:
            errors["questions"] = _("Add at least one scored question (not only reflections).")
        if self.draw_count and self.draw_per_competency:
            errors["draw_per_competency"] = _(
                "Draw either a number of questions from the whole pool or a number per competency, not both."
            )
        elif self.draw_count and self.draw_count > len(self.questions):
            errors["draw_count"] = _(
                "The pool has only %(count)s questions, so %(draw)s cannot be drawn. Add questions or draw fewer."
            ) % {"count": len(self.questions), "draw": self.draw_count}
        elif self.draw_per_competency:
            plan = self.plan()
            if short := drawing.pool_shortfalls(plan):
                names = _competency_names(short)
                errors["draw_per_competency"] = [
                    _(
                        '"%(name)s" has only %(count)s question(s) as its first competency, so %(draw)s cannot be '
                        "drawn from it. Add questions or draw fewer."
                    )
                    % {"name": names[code], "count": count, "draw": self.draw_per_competency}
                    for code, count in sorted(short.items())
                ]
        if errors:
            raise ValidationError(errors)

    def publish(self, revision, *args, **kwargs):
        """Publish ``revision``, or refuse with QuizNotPublishable when no one could pass that version.

        Every publish goes through here: the editor, code, the demo loader and scheduled publishing.
        """
        quiz_publish_check(revision.as_object())
        return super().publish(revision, *args, **kwargs)

    def assessed_competency_ids(self) -> set[int]:
        return {c.pk for q in self.questions for c in q.value["competencies"] if c is not None}


def _competency_names(codes) -> dict[str, str]:
    found = dict(Competency.objects.filter(code__in=list(codes)).values_list("code", "name"))
    return {code: found.get(code, code) for code in codes}


class MasteryThreshold(Orderable):
    """A per-competency bar: passing the quiz also needs this competency's score at or above it."""

    quiz = ParentalKey(Quiz, on_delete=models.CASCADE, related_name="mastery_thresholds")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    threshold = models.PositiveSmallIntegerField(
        _("threshold (%)"), default=70, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    panels = [FieldPanel("competency"), FieldPanel("threshold")]

    class Meta(Orderable.Meta):
        constraints = [models.UniqueConstraint(fields=["quiz", "competency"], name="unique_mastery_threshold")]

    def __str__(self):
        return f"{self.competency}: {self.threshold}%"

    def clean(self):
        """Refuse a bar that some attempt would judge on fewer than three questions (``drawing.mastery_shortfalls``).

        The editor's form applies the same rule to its threshold rows (``QuizForm``), where ``quiz`` is not set yet.
        """
        super().clean()
        if self.competency_id is None or getattr(self, "quiz", None) is None:
            return
        if message := self.quiz.mastery_refusals([self.competency]).get(self.competency.code):
            raise ValidationError({"competency": message})
