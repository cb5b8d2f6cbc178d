"""A trainer's admin home: the quizzes that need attention.

The checks are the quiz editor's own (``panels.QuizChecksPanel``: the publish rule and the cue report on
the latest version) and the item statistics' flags (``attempts.selectors.quiz_item_statistics``), plus
whether changes wait unpublished. The most recently edited quizzes are checked, a fixed number of them,
so the home page costs the same however many quizzes there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.urls import reverse
from wagtail.admin.ui.components import Component

from cms.people.access import has_role, staff_verified
from cms.people.roles import TRAINERS

from ..attempts.selectors import quiz_item_statistics
from ..quizzes.freezing import quiz_snapshot
from ..quizzes.models import Quiz
from ..quizzes.publishing import publish_problems
from ..scoring.cues import quiz_cues
from ..scoring.statistics import MIN_ATTEMPTS

QUIZZES_CHECKED = 6


@dataclass
class QuizAttention:
    quiz: Quiz
    reasons: list[str] = field(default_factory=list)

    @property
    def edit_url(self) -> str:
        return reverse("wagtailsnippets_assessments_quiz:edit", args=[self.quiz.pk])

    @property
    def statistics_url(self) -> str:
        return reverse("wagtailsnippets_assessments_quiz:statistics", args=[self.quiz.pk])


def _reasons(quiz: Quiz) -> list[str]:
    reasons = []
    if not quiz.live:
        reasons.append("Draft: not published yet")
    elif quiz.has_unpublished_changes:
        reasons.append("Changes not published yet")
    latest = quiz.get_latest_revision_as_object() if quiz.has_unpublished_changes else quiz
    if latest.questions:
        snapshot = quiz_snapshot(latest)
        problems = publish_problems(snapshot)
        if problems:
            reasons.append(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} to fix before publishing")
        cues = quiz_cues(snapshot)
        reasons.extend(f"Cue warning: {warning}" for warning in cues.warnings)
        noted = sum(1 for notes in cues.notes.values() if notes)
        if noted:
            reasons.append(f"{noted} question{'s' if noted != 1 else ''} with cue notes")
    # Statistics flag nothing below MIN_ATTEMPTS attempts, so those quizzes are not read for them.
    flagged = (
        [row for row in quiz_item_statistics(quiz=quiz).rows if row["stats"].flags]
        if quiz.submitted_attempts >= MIN_ATTEMPTS
        else []
    )
    if flagged:
        reasons.append(f"{len(flagged)} question{'s' if len(flagged) != 1 else ''} flagged by item statistics")
    return reasons


def quizzes_needing_attention(*, limit: int = QUIZZES_CHECKED) -> list[QuizAttention]:
    """Of the ``limit`` most recently edited quizzes, those with something to look at, and why."""
    quizzes = (
        Quiz.objects.select_related("latest_revision")
        .annotate(submitted_attempts=Count("attempts", filter=Q(attempts__submitted_at__isnull=False)))
        .order_by(F("latest_revision__created_at").desc(nulls_last=True), "-pk")[:limit]
    )
    rows = [QuizAttention(quiz, _reasons(quiz)) for quiz in quizzes]
    return [row for row in rows if row.reasons]


class QuizzesNeedingAttentionPanel(Component):
    name = "quizzes_needing_attention"
    order = 20
    template_name = "assessments/admin/home_quizzes.html"

    def __init__(self, rows: list[QuizAttention]):
        self.rows = rows

    def get_context_data(self, parent_context=None):
        return {"rows": self.rows, "checked": QUIZZES_CHECKED}


def trainer_home_panel(user) -> QuizzesNeedingAttentionPanel | None:
    """The panel for trainers (with two-factor passed); None for anyone else."""
    if not staff_verified(user) or not has_role(user, TRAINERS):
        return None
    return QuizzesNeedingAttentionPanel(quizzes_needing_attention())
