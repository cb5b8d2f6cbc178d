"""How long a quiz attempt takes: the estimate course and program hours are checked against."""

from __future__ import annotations

MINUTES = {"single": 2, "multiple": 2, "order": 2, "branching": 4, "reflection": 5}


def quiz_minutes(quiz) -> int:
    """Estimated minutes for one attempt of ``quiz``'s current questions."""
    kinds = [block["type"] for block in quiz.questions.raw_data]  # raw: no query for the blocks' choosers
    if not kinds:
        return 0
    each = sum(MINUTES.get(kind, 2) for kind in kinds) / len(kinds)
    asked = min(quiz.draw_count or len(kinds), len(kinds))
    return round(each * asked)
