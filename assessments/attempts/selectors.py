"""Reads for quiz taking. Nothing here hands a learner the answer key before it may be shown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max, Min
from django.http import Http404
from django.utils import timezone

from ..quizzes.models import Quiz
from ..scoring import drawing
from ..scoring.rules import BRANCHING, MULTIPLE, ORDER, SINGLE
from ..scoring.statistics import AttemptRecord, ItemResponse, item_statistics, labelled_option_counts, option_labels
from . import rules
from .models import Attempt, Response


def attempt_for_user(*, user, attempt_id: int) -> Attempt:
    """The person's own attempt, or 404: other people's attempts do not exist for them."""
    # The quiz's settings, without its authored questions: the attempt carries its own frozen copy.
    attempt = Attempt.objects.filter(pk=attempt_id, user=user).select_related("quiz").defer("quiz__questions").first()
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def question_data(attempt: Attempt, key: str) -> dict | None:
    """One question of the attempt's snapshot (with its answer key: never hand it to the learner), or None."""
    if key not in attempt.question_keys:
        return None
    return next((q for q in attempt.snapshot["questions"] if q["key"] == key), None)


@dataclass
class QuizStatus:
    quiz: Quiz
    attempts: list[Attempt]
    open_attempt: Attempt | None
    best: Attempt | None
    allowance: rules.Allowance

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.attempts)


def _status(quiz: Quiz, attempts: list[Attempt]) -> QuizStatus:
    submitted = [a for a in attempts if a.is_submitted]
    # The quiz's row holds its published settings (drafts live in revisions), the ones a new attempt starts on.
    allowance = rules.attempt_allowance(
        used=len(attempts),
        max_attempts=quiz.max_attempts,
        cooldown_minutes=quiz.cooldown_minutes,
        last_submitted_at=max((a.submitted_at for a in submitted), default=None),
        now=timezone.now(),
    )
    return QuizStatus(
        quiz=quiz,
        attempts=attempts,
        open_attempt=next((a for a in attempts if not a.is_submitted), None),
        best=max(submitted, key=lambda a: (a.score or 0, -a.number), default=None),
        allowance=allowance,
    )


@dataclass(frozen=True)
class QuizLength:
    """How many questions each attempt asks, and about how many minutes it takes (``scoring.drawing``)."""

    questions: int
    minutes: int


def quiz_length(quiz: Quiz) -> QuizLength:
    """The length of an attempt at the quiz's published version (the quiz row holds it)."""
    plan = quiz.plan()
    return QuizLength(questions=drawing.asked_count(plan), minutes=drawing.estimated_minutes(plan))


def quiz_status(*, user, quiz: Quiz) -> QuizStatus:
    """A person's attempts at a quiz, the open one if any, and their best. The best attempt counts."""
    attempts = list(Attempt.objects.filter(user=user, quiz=quiz).order_by("number")) if user.is_authenticated else []
    return _status(quiz, attempts)


def quiz_statuses(*, user, quiz_ids: list[int]) -> dict[int, QuizStatus]:
    """Status for several live quizzes in two queries, for course outlines.

    Neither the quizzes' questions nor the attempts' frozen questions and results are read: outlines
    need the settings, numbers, scores and dates, and those fields are the bulk of each row.
    """
    quizzes = {q.pk: q for q in Quiz.objects.filter(pk__in=quiz_ids, live=True).defer("questions")}
    attempts = []
    if user.is_authenticated and quizzes:
        attempts = list(
            Attempt.objects.filter(user=user, quiz_id__in=quizzes)
            .defer("snapshot", "question_keys", "option_orders", "result")
            .order_by("number")
        )
    return {pk: _status(quiz, [a for a in attempts if a.quiz_id == pk]) for pk, quiz in quizzes.items()}


def first_passes(*, people, quiz_ids) -> dict[tuple[int, int], datetime]:
    """When each person first passed each of these quizzes, keyed by (person id, quiz id), in one query.

    ``people`` is a list of ids or a queryset of them. Quizzes a person has not passed are absent.
    """
    rows = (
        Attempt.objects.filter(user_id__in=people, quiz_id__in=quiz_ids, passed=True)
        .values("user_id", "quiz_id")
        .annotate(first=Min("submitted_at"))
    )
    return {(row["user_id"], row["quiz_id"]): row["first"] for row in rows}


def best_scores(*, people, quiz_ids) -> dict[tuple[int, int], float]:
    """Each person's best submitted score at each of these quizzes, keyed by (person id, quiz id), in one query."""
    rows = (
        Attempt.objects.filter(user_id__in=people, quiz_id__in=quiz_ids, submitted_at__isnull=False)
        .values("user_id", "quiz_id")
        .annotate(best=Max("score"))
    )
    return {(row["user_id"], row["quiz_id"]): float(row["best"] or 0) for row in rows}


@dataclass
class LearnerQuestion:
    """One question as the learner may see it now. ``reveal`` decides whether feedback is included."""

    key: str
    number: int
    total: int
    kind: str
    title: str
    content_note: str
    vignette: dict
    stem: str
    options: list[dict] = field(default_factory=list)  # key, text (+ feedback, credit, correct when revealed)
    step: dict | None = None  # branching: the step reached, choices without where they lead
    path: list[dict] = field(default_factory=list)  # branching: choices made so far (+ feedback when revealed)
    guidance: str = ""
    answer: object = None
    answered: bool = False
    locked: bool = False
    reveal: bool = False
    rationale: str = ""
    earned: float | None = None
    possible: float | None = None
    correct_order: list[str] = field(default_factory=list)  # put in order, when revealed
    ending_cap: float | None = None  # branching, when revealed: the cap of the capped ending the path reached


def learner_question(*, attempt: Attempt, number: int, answer=None, answered: bool = False) -> LearnerQuestion:
    """Question ``number`` (1-based) of the attempt, shown in this attempt's order, with feedback only when allowed."""
    key = attempt.question_keys[number - 1]
    data = question_data(attempt, key)
    kind = data["kind"]
    finished = rules.question_finished(data, answer, answered)
    reveal = rules.feedback_shown(attempt, finished)
    question = LearnerQuestion(
        key=key,
        number=number,
        total=len(attempt.question_keys),
        kind=kind,
        title=data["title"],
        content_note=data["content_note"],
        vignette=data["vignette"],
        stem=data["stem"],
        guidance=data.get("guidance", ""),
        answer=answer,
        answered=finished,
        locked=rules.answer_locked(attempt, data, answer, answered),
        reveal=reveal,
        rationale=data["rationale"] if reveal else "",
    )
    if attempt.result and key in attempt.result["questions"]:
        question.earned = attempt.result["questions"][key]["earned"]
        question.possible = attempt.result["questions"][key]["possible"]
    if kind in (SINGLE, MULTIPLE, ORDER):
        pieces = {p["key"]: p for p in (data.get("options") or data.get("items"))}
        order = attempt.option_orders.get(key) or list(pieces)
        for piece_key in order:
            piece = pieces[piece_key]
            shown = {"key": piece_key, "text": piece["text"]}
            if kind == SINGLE:
                shown["chosen"] = answer == piece_key
            elif kind == MULTIPLE:
                shown["chosen"] = piece_key in (answer or [])
            else:
                shown["position"] = (answer or []).index(piece_key) + 1 if answer and piece_key in answer else None
            if question.reveal and kind != ORDER:
                shown["feedback"] = piece.get("feedback", "")
                shown["correct"] = piece.get("correct", piece.get("credit", 0) >= 1)
                shown["credit"] = piece.get("credit", 0)
            question.options.append(shown)
        if question.reveal and kind == ORDER:
            question.correct_order = [piece["text"] for piece in pieces.values()]
    elif kind == BRANCHING:
        steps = {s["name"]: s for s in data["steps"]}
        path = rules.branching_trace(data, answer)
        # Each step's feedback may be seen as soon as the step is taken, in practice mode.
        step_feedback = rules.feedback_shown(attempt, True)
        for step_name, taken in path.followed:
            choice = next(c for c in steps[step_name]["choices"] if c["key"] == taken.key)
            made = {"step": steps[step_name]["situation"], "text": choice["text"]}
            if step_feedback:
                made["feedback"] = choice["feedback"]
            question.path.append(made)
        if question.reveal and path.ended and path.followed:
            question.ending_cap = path.followed[-1][1].ending_cap
        if not path.ended and not attempt.is_submitted:
            step = steps[path.current]
            question.step = {
                "situation": step["situation"],
                "choices": [{"key": c["key"], "text": c["text"]} for c in step["choices"]],
            }
    return question


@dataclass
class QuizStatisticsReport:
    quiz: Quiz
    attempts: int
    rows: list[dict]  # question key, number, title, kind, statistics, options ((text, count), ...) in quiz order


def _chosen_keys(answer) -> tuple[str, ...]:
    if isinstance(answer, str):
        return (answer,)
    if isinstance(answer, list | tuple):
        return tuple(str(key) for key in answer)
    return ()


def quiz_item_statistics(*, quiz: Quiz) -> QuizStatisticsReport:
    """Item statistics over every submitted attempt at a quiz, in a fixed number of queries."""
    attempts = list(
        Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False).values(
            "pk", "snapshot", "question_keys", "result"
        )
    )
    answers: dict[int, dict[str, object]] = {}
    for attempt_id, key, answer in Response.objects.filter(attempt__in=[a["pk"] for a in attempts]).values_list(
        "attempt_id", "question_key", "answer"
    ):
        answers.setdefault(attempt_id, {})[key] = answer
    records, questions, numbers, labels = [], {}, {}, {}
    for attempt in attempts:
        for number, question in enumerate(attempt["snapshot"]["questions"], start=1):
            questions.setdefault(question["key"], question)
            numbers.setdefault(question["key"], number)
            # Versions may add options; every option any learner was offered is listed.
            for key, text in option_labels(question).items():
                labels.setdefault(question["key"], {}).setdefault(key, text)
        items = []
        for key in attempt["question_keys"]:
            tally = attempt["result"]["questions"].get(key)
            if tally is None:  # reflections are not scored
                continue
            fraction = tally["earned"] / tally["possible"] if tally["possible"] else 0.0
            items.append(
                ItemResponse(key, min(1.0, max(0.0, fraction)), _chosen_keys(answers.get(attempt["pk"], {}).get(key)))
            )
        records.append(AttemptRecord(str(attempt["pk"]), tuple(items)))
    rows = []
    for stats in item_statistics(records):
        question = questions[stats.question]
        rows.append(
            {
                "key": stats.question,
                "number": numbers[stats.question],
                "title": question["title"],
                "kind": question["kind"],
                "stats": stats,
                "options": labelled_option_counts(labels.get(stats.question, {}), stats.option_counts),
            }
        )
    rows.sort(key=lambda row: row["number"])
    return QuizStatisticsReport(quiz=quiz, attempts=len(attempts), rows=rows)


def result_competencies(attempt: Attempt) -> list[dict]:
    """A submitted attempt's per-competency scores with names, in a stable order (by name)."""
    names = attempt.snapshot["competencies"]
    rows = [
        {"code": code, "name": names.get(code, code), **tally} for code, tally in attempt.result["competencies"].items()
    ]
    return sorted(rows, key=lambda row: row["name"])


def attempt_questions(attempt: Attempt) -> list[LearnerQuestion]:
    """Every question of an attempt in its order, as the learner may see it now, in one query."""
    answers = dict(Response.objects.filter(attempt=attempt).values_list("question_key", "answer"))
    return [
        learner_question(attempt=attempt, number=number, answer=answers.get(key), answered=key in answers)
        for number, key in enumerate(attempt.question_keys, 1)
    ]
