"""How long a quiz attempt takes, read from the stored questions without a query, and kept in the cache.

The estimate itself is ``scoring.drawing.estimated_minutes``, the one the quiz page shows; course and
program pages ask it for many quizzes at once, so this reads the raw StreamField data (competency ids
instead of loaded competencies: pools come out the same). A quiz's questions are large (a graded final
holds every item of its pools), so learner pages load quizzes without them and take the minutes from
the cache (``quizzes_minutes``), which any save or deletion of a quiz retires.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from cms.ops import cache_versions

from ..scoring import drawing
from .models import Quiz

VERSION_KEY = "assessments:quizzes-version"


def _competency_ids(value) -> list:
    items = (value or {}).get("competencies") or []
    return [item["value"] if isinstance(item, dict) else item for item in items]


def quiz_minutes(quiz) -> int:
    """Estimated minutes for one attempt at ``quiz``'s current questions."""
    plan = {
        "draw_count": quiz.draw_count,
        "draw_per_competency": quiz.draw_per_competency,
        "questions": [
            {
                "key": block.get("id") or str(index),
                "kind": block["type"],
                "competencies": _competency_ids(block["value"]),
            }
            for index, block in enumerate(quiz.questions.raw_data)
        ],
    }
    return drawing.estimated_minutes(plan)


def quizzes_minutes(quizzes) -> dict[int, int]:
    """``quiz_minutes`` of each quiz, by id, from the cache; a quiz loaded without its questions loads them on a miss."""
    quizzes = list(quizzes)
    version = cache_versions.current(VERSION_KEY)
    keys = {quiz.pk: f"assessments:quiz-minutes:{version}:{quiz.pk}" for quiz in quizzes}
    found = cache.get_many(keys.values())
    minutes = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = {quiz.pk: quiz_minutes(quiz) for quiz in quizzes if quiz.pk not in minutes}
    if missing:
        cache.set_many({keys[pk]: value for pk, value in missing.items()}, timeout=None)  # the version retires them
    return {**minutes, **missing}


@receiver(post_save, sender=Quiz)
@receiver(post_delete, sender=Quiz)
def quiz_changed(sender, **kwargs) -> None:
    """A quiz's row changed (a publish writes its questions there): every cached estimate is retired."""
    cache_versions.bump(VERSION_KEY)
