"""Turn the demo quizzes (one file per module quiz in ``quizzes/``) and the demo final into published Quiz snippets.

The final's settings are in ``final.yaml``; its questions are every ``questions:`` list in ``final/*.yaml``,
in file-name order. Plain text in the YAML is escaped and wrapped in paragraphs before it becomes rich text.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.html import escape

from ..competencies.models import Competency
from ..quizzes.models import MasteryThreshold, Quiz

QUIZZES_DIR = Path(__file__).with_name("quizzes")
FINAL_FILE = Path(__file__).with_name("final.yaml")
FINAL_DIR = Path(__file__).with_name("final")


def _html(text: str | None) -> str:
    paragraphs = [" ".join(chunk.split()) for chunk in (text or "").strip().split("\n\n") if chunk.strip()]
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def _item(value) -> dict:
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def _question(data: dict, competencies: dict[str, Competency]) -> dict:
    vignette = data.get("vignette") or {}
    value = {
        "title": data["title"],
        "content_note": data.get("content_note", ""),
        "vignette": {
            "person": vignette.get("person", ""),
            "setting": vignette.get("setting", ""),
            "text": _html(vignette.get("text")),
        },
        "stem": _html(data["stem"]),
        "competencies": [_item(competencies[code].pk) for code in data["competencies"]],
        "points": "1.0",
        "rationale": _html(data.get("rationale")),
    }
    kind = data["kind"]
    if kind == "single":
        value["options"] = [
            _item({"text": o["text"], "credit": str(o["credit"]), "feedback": o.get("feedback", "")})
            for o in data["options"]
        ]
    elif kind == "multiple":
        value["scoring"] = data.get("scoring", "partial")
        value["options"] = [
            _item({"text": o["text"], "correct": bool(o["correct"]), "feedback": o.get("feedback", "")})
            for o in data["options"]
        ]
    elif kind == "order":
        value["items"] = [_item(text) for text in data["items"]]
    elif kind == "branching":
        value["start_step"] = data["start"]
        value["steps"] = [
            _item(
                {
                    "name": step["key"],
                    "situation": _html(step["situation"]),
                    "choices": [
                        _item(
                            {
                                "text": choice["text"],
                                "feedback": choice.get("feedback", ""),
                                "next_step": choice.get("next") or "",
                                "ending_cap": choice.get("ending_cap"),
                                "credits": [
                                    _item({"competency": competencies[code].pk, "credit": credit})
                                    for code, credit in (choice.get("credits") or {}).items()
                                ],
                            }
                        )
                        for choice in step["choices"]
                    ],
                }
            )
            for step in data["steps"]
        ]
    else:
        value["guidance"] = data.get("guidance", "")
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def load_quizzes(folder: Path = QUIZZES_DIR) -> list[dict]:
    """The module quizzes, in file-name order (the order of their modules)."""
    quizzes = []
    for path in sorted(folder.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            quizzes.append(yaml.safe_load(handle)["quiz"])
    return quizzes


def load_final(settings_file: Path = FINAL_FILE, folder: Path = FINAL_DIR) -> dict:
    """The demo final: its settings, and the questions of every file in ``folder`` in file-name order.

    Its ``questions`` are empty until items are written; the final cannot be published without them.
    """
    with settings_file.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)["quiz"]
    questions = []
    for path in sorted(folder.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            questions.extend((yaml.safe_load(handle) or {}).get("questions") or [])
    return {**data, "questions": questions}


@transaction.atomic
def quiz_create_from_data(data: dict) -> tuple[Quiz, bool]:
    """Create and publish the quiz described by ``data`` unless one with its title exists."""
    existing = Quiz.objects.filter(title=data["title"]).first()
    if existing is not None:
        return existing, False
    competencies = {c.code: c for c in Competency.objects.all()}
    quiz = Quiz(
        title=data["title"],
        intro=_html(data.get("intro")),
        pass_mark=data.get("pass_mark", 80),
        max_attempts=data.get("max_attempts"),
        cooldown_minutes=data.get("cooldown_minutes", 0),
        feedback_timing=data.get("feedback_timing", "immediate"),
        shuffle_questions=data.get("shuffle_questions", False),
        shuffle_options=data.get("shuffle_options", True),
        draw_count=data.get("draw_count"),
        draw_per_competency=data.get("draw_per_competency"),
        time_limit_minutes=data.get("time_limit_minutes"),
        questions=[_question(q, competencies) for q in data["questions"]],
        live=False,
    )
    quiz.save()
    for code, threshold in (data.get("mastery") or {}).items():
        MasteryThreshold.objects.create(quiz=quiz, competency=competencies[code], threshold=threshold)
    quiz.save_revision().publish()
    quiz.refresh_from_db()
    return quiz, True
