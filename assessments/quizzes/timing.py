"""How long a quiz attempt takes, read from the stored questions without a query.

The estimate itself is ``scoring.drawing.estimated_minutes``, the one the quiz page shows; course and
program pages ask it for many quizzes at once, so this reads the raw StreamField data (competency ids
instead of loaded competencies: pools come out the same).
"""

from __future__ import annotations

from ..scoring import drawing


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
