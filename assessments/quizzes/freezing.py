"""Freeze a quiz into a plain, JSON-ready snapshot; ``scoring.rules.version_from_snapshot`` reads one back.

An attempt stores the snapshot of the quiz version it was started on. Rich text is expanded
to final HTML at freeze time, so a snapshot renders the same however the quiz, its links or
its competencies change later. Snapshots contain the answer key: never send one to a learner.
"""

from __future__ import annotations

from wagtail.rich_text import expand_db_html

from ..competencies.models import Competency
from ..scoring.rules import BRANCHING, MULTIPLE, ORDER, SINGLE
from .blocks import scenario_from_value

SNAPSHOT_FORMAT = 1


def _html(value) -> str:
    """Final HTML for a RichText block value or a RichTextField string."""
    return expand_db_html(getattr(value, "source", value)) if value else ""


def _question_snapshot(child) -> dict:
    value = child.value
    data = {
        "key": child.id,
        "kind": child.block_type,
        "title": value["title"],
        "content_note": value["content_note"],
        "vignette": {
            "person": value["vignette"]["person"],
            "setting": value["vignette"]["setting"],
            "text": _html(value["vignette"]["text"]),
        },
        "stem": _html(value["stem"]),
        "competencies": [c.code for c in value["competencies"] if c is not None],
        "points": float(value["points"]),
        "rationale": _html(value["rationale"]),
    }
    if child.block_type == SINGLE:
        data["options"] = [
            {
                "key": item.id,
                "text": item.value["text"],
                "credit": int(item.value["credit"]) / 100,
                "feedback": item.value["feedback"],
            }
            for item in value["options"].bound_blocks
        ]
    elif child.block_type == MULTIPLE:
        items = value["options"].bound_blocks
        right = sum(1 for item in items if item.value["correct"]) or 1
        data["all_or_nothing"] = value["scoring"] == "all_or_nothing"
        data["options"] = [
            {
                "key": item.id,
                "text": item.value["text"],
                "correct": bool(item.value["correct"]),
                # A right pick earns an equal share; a wrong pick costs the same share.
                "credit": (1 if item.value["correct"] else -1) / right,
                "feedback": item.value["feedback"],
            }
            for item in items
        ]
    elif child.block_type == ORDER:
        data["items"] = [{"key": item.id, "text": item.value} for item in value["items"].bound_blocks]
    elif child.block_type == BRANCHING:
        scenario = scenario_from_value(value)
        data["start"] = scenario.start
        data["steps"] = [
            {
                "name": step.value["name"],
                "situation": _html(step.value["situation"]),
                "choices": [
                    {
                        "key": choice.key,
                        "text": item.value["text"],
                        "feedback": item.value["feedback"],
                        "next": choice.next,
                        "credits": dict(choice.credits),
                        "ending_cap": choice.ending_cap,
                    }
                    for choice, item in zip(frozen.choices, step.value["choices"].bound_blocks, strict=True)
                ],
            }
            for step, frozen in zip(value["steps"].bound_blocks, scenario.steps, strict=True)
        ]
    else:
        data["guidance"] = value["guidance"]
    return data


def quiz_snapshot(quiz, *, revision_id: int | None = None) -> dict:
    """Everything needed to deliver, score and review an attempt on this version of the quiz."""
    thresholds = {t.competency.code: t.threshold for t in quiz.mastery_thresholds.all().select_related("competency")}
    questions = [_question_snapshot(child) for child in quiz.questions]
    codes = {code for q in questions for code in q["competencies"]}
    codes |= {code for q in questions for s in q.get("steps", []) for c in s["choices"] for code in c["credits"]}
    # A threshold may name a competency no question assesses; publishing refuses it by name.
    codes |= set(thresholds)
    names = dict(Competency.objects.filter(code__in=codes).values_list("code", "name"))
    return {
        "format": SNAPSHOT_FORMAT,
        "quiz": quiz.pk,
        "revision": revision_id,
        "title": quiz.title,
        "intro": _html(quiz.intro),
        "pass_mark": quiz.pass_mark,
        "mastery": thresholds,
        "max_attempts": quiz.max_attempts,
        "cooldown_minutes": quiz.cooldown_minutes,
        "feedback_timing": quiz.feedback_timing,
        "shuffle_questions": quiz.shuffle_questions,
        "shuffle_options": quiz.shuffle_options,
        "draw_count": quiz.draw_count,
        "draw_per_competency": quiz.draw_per_competency,
        "time_limit_minutes": quiz.time_limit_minutes,
        "competencies": names,
        "questions": questions,
    }
