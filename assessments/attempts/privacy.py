"""A person's quiz attempts in their data export, and what their deletion does to them (see ``cms/privacy/personal_data.py``).

Exported: every attempt with the answers given (as the text of the options chosen), the score,
whether it passed and the result per competency. The answer key is not included.

On deletion, written answers to reflection questions and attempts never submitted are deleted.
Submitted attempts stay, with the chosen options and scores, attached to the emptied account: they
hold nothing that names the person, and the quizzes' item statistics (how hard each question is,
how well it separates) would otherwise change after the fact.
"""

from __future__ import annotations

from django.db.models import Prefetch

from cms.privacy.personal_data import Erasure, PersonalDataSection

from ..scoring.rules import BRANCHING, MULTIPLE, ORDER, REFLECTION, SINGLE
from .models import Attempt, Response

SECTION = "quizzes"


def _answer_text(question: dict | None, answer):
    """The answer as the person saw it: the text of the options, items or choices picked, or what they wrote."""
    if question is None:
        return answer
    kind = question["kind"]
    if kind in (SINGLE, MULTIPLE):
        texts = {o["key"]: o["text"] for o in question["options"]}
        return texts.get(answer, answer) if kind == SINGLE else [texts.get(a, a) for a in answer]
    if kind == ORDER:
        texts = {i["key"]: i["text"] for i in question["items"]}
        return [texts.get(a, a) for a in answer]
    if kind == BRANCHING:
        texts = {c["key"]: c["text"] for step in question["steps"] for c in step["choices"]}
        return [texts.get(a, a) for a in answer]
    return answer


def export_attempts(user) -> list[dict]:
    attempts = (
        Attempt.objects.filter(user=user)
        .select_related("quiz")
        .prefetch_related(Prefetch("responses", queryset=Response.objects.order_by("answered_at", "pk")))
        .order_by("started_at", "pk")
    )
    rows = []
    for attempt in attempts:
        questions = {q["key"]: q for q in (attempt.snapshot or {}).get("questions", [])}
        competency_names = (attempt.snapshot or {}).get("competencies", {})
        result = attempt.result or {}
        rows.append(
            {
                "quiz": attempt.quiz.title,
                "attempt": attempt.number,
                "started_at": attempt.started_at,
                "submitted_at": attempt.submitted_at,
                "score_percent": attempt.score,
                "passed": attempt.passed,
                "competencies": [
                    {
                        "competency": competency_names.get(code, code),
                        "percent": values.get("percent"),
                        "threshold": values.get("threshold"),
                    }
                    for code, values in result.get("competencies", {}).items()
                ],
                "answers": [
                    {
                        "question": questions.get(r.question_key, {}).get("title", r.question_key),
                        "answer": _answer_text(questions.get(r.question_key), r.answer),
                        "answered_at": r.answered_at,
                    }
                    for r in attempt.responses.all()
                ],
            }
        )
    return rows


def erase_attempts(user, erasure: Erasure) -> None:
    erasure.count("unsubmitted_attempts", Attempt.objects.filter(user=user, submitted_at=None).delete()[0])
    written = [
        response.pk
        for attempt in Attempt.objects.filter(user=user).only("pk", "snapshot").prefetch_related("responses")
        for response in attempt.responses.all()
        if any(q["key"] == response.question_key and q["kind"] == REFLECTION for q in attempt.snapshot["questions"])
    ]
    erasure.count("written_answers", Response.objects.filter(pk__in=written).delete()[0])


def section() -> PersonalDataSection:
    return PersonalDataSection(SECTION, export=export_attempts, erase=erase_attempts, order=10)
