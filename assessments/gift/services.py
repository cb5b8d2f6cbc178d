"""Import a Moodle GIFT file as a draft quiz that trainers review, retag and publish.

``parser`` reads the file; this module maps its questions onto our question blocks:

- single best response keeps its options; a credit of 100% stays best, any partial credit
  becomes "acceptable" (50%) and zero or negative credit becomes 0%. A changed credit is noted;
- select all that apply marks every answer with positive credit correct and scores with
  partial credit, where right picks earn equal shares. Unequal GIFT shares are noted;
- true/false becomes a single best response with the options "True" and "False";
- an essay becomes a reflection.

Every question is tagged with the one competency the trainer chose, and general feedback
becomes the rationale. GIFT text may contain HTML: it is escaped, never trusted. A question
our blocks would refuse is skipped with a reason, so the quiz saved is always valid.

The import only makes drafts: the publish rule (``assessments.quizzes.publishing``) runs when the
trainer publishes. The cue report's warnings come back in the notes at once.
"""

from __future__ import annotations

import math
import textwrap
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape

from ..competencies.models import Competency
from ..quizzes.models import Quiz
from ..quizzes.publishing import quiz_cue_report
from . import parser

TITLE_LENGTH = 80  # QuestionBlock's title max_length
# Whole-number percents such as 33/33/34 are equal shares as far as an author is concerned.
EQUAL_SHARE_TOLERANCE = 0.01


class NothingToImport(ValueError):
    """The file is valid GIFT, but none of its questions can make a quiz here. Nothing was created."""


@dataclass(frozen=True)
class ImportReport:
    """What an import created, what it left out and what it changed, for the trainer to review."""

    quiz: Quiz
    imported: int
    skipped: tuple[tuple[int, str, str, str], ...]  # (line, kind, title, reason), in file order
    notes: tuple[str, ...]  # what changed on the way in, most with the line it concerns


class _Refused(Exception):
    """A question that our blocks cannot hold; the message says why."""


def _html(text: str) -> str:
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.split("\n") if line.strip())


def _item(value) -> dict:
    return {"type": "item", "value": value, "id": str(uuid.uuid4())}


def _shorten(text: str) -> str:
    """Text cut at a word to fit a question title, with an ellipsis when it was cut."""
    text = " ".join(text.split())
    if len(text) <= TITLE_LENGTH:
        return text
    short = textwrap.shorten(text, TITLE_LENGTH, placeholder="…")
    return short if short != "…" else text[: TITLE_LENGTH - 1] + "…"


def _percent(credit: float) -> str:
    return f"{round(credit * 100, 2):g}%"


def _single_credit(question: parser.GiftQuestion, option: parser.GiftOption, notes: list[str]) -> str:
    if option.credit >= 1.0:
        return "100"
    if option.credit > 0:
        if not math.isclose(option.credit, 0.5):
            notes.append(
                f'Line {question.line}: partial credit {_percent(option.credit)} became 50% (acceptable) for "{option.text}".'
            )
        return "50"
    if option.credit < 0:
        notes.append(
            f'Line {question.line}: credit {_percent(option.credit)} became 0% for "{option.text}"; '
            "a single best response has no negative marks."
        )
    return "0"


def _single_options(question: parser.GiftQuestion, notes: list[str]) -> list[dict]:
    return [
        _item({"text": option.text, "credit": _single_credit(question, option, notes), "feedback": option.feedback})
        for option in question.options
    ]


def _multiple_options(question: parser.GiftQuestion, notes: list[str]) -> list[dict]:
    right = [option.credit for option in question.options if option.credit > 0]
    share = 1 / len(right)
    if any(not math.isclose(credit, share, abs_tol=EQUAL_SHARE_TOLERANCE) for credit in right):
        notes.append(
            f"Line {question.line}: right picks worth {', '.join(map(_percent, right))} now earn an equal share "
            f"({_percent(share)} each)."
        )
    return [
        _item({"text": option.text, "correct": option.credit > 0, "feedback": option.feedback})
        for option in question.options
    ]


def _block(question: parser.GiftQuestion, competency: Competency, notes: list[str]) -> dict:
    """Raw StreamField data for one GIFT question. Notes are added only once it is known to fit."""
    own_notes: list[str] = []
    title = _shorten(question.title or question.stem)
    if question.title and title != question.title:
        own_notes.append(f'Line {question.line}: the title was shortened to "{title}".')
    value = {
        "title": title,
        "content_note": "",
        "vignette": {"person": "", "setting": "", "text": ""},
        "stem": _html(question.stem),
        "competencies": [_item(competency.pk)],
        "points": "1.0",
        "rationale": _html(question.general_feedback),
    }
    if question.kind in (parser.SINGLE, parser.TRUEFALSE):
        kind = "single"
        value["options"] = _single_options(question, own_notes)
    elif question.kind == parser.MULTIPLE:
        kind = "multiple"
        value["scoring"] = "partial"
        value["options"] = _multiple_options(question, own_notes)
    else:
        kind = "reflection"
        value["guidance"] = ""

    block = Quiz._meta.get_field("questions").stream_block.child_blocks[kind]
    try:
        block.clean(block.to_python(value))
    except ValidationError as error:
        raise _Refused(_reason(error)) from error
    notes.extend(own_notes)
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def _reason(error: ValidationError) -> str:
    """A block validation error as a sentence, e.g. "options 1 text: Ensure this value has at most 400 characters"."""
    messages: list[str] = []

    def walk(data, where: str) -> None:
        if isinstance(data, list):
            messages.extend(f"{where}: {message}" for message in data)
            return
        messages.extend(f"{where}: {message}" if where else str(message) for message in data.get("messages", []))
        errors = data.get("blockErrors") or {}
        for key, child in errors.items() if isinstance(errors, dict) else enumerate(errors):
            if child:
                walk(child, f"{where} {key + 1 if isinstance(key, int) else key}".strip())

    walk(error.as_json_data() if hasattr(error, "as_json_data") else {"messages": error.messages}, "")
    return "our question checks refuse it: " + " ".join(dict.fromkeys(messages))


@transaction.atomic
def quiz_import_gift(*, text: str, title: str, competency: Competency, user=None) -> ImportReport:
    """Create a draft quiz titled ``title`` from a GIFT file, with one revision saved by ``user``.

    Every question is tagged with ``competency`` for trainers to retag. Questions we cannot ask
    come back in ``skipped`` with their lines; changes made on the way in come back in ``notes``.
    Raises GiftSyntaxError (naming the line) for a malformed file and NothingToImport when no
    question can make a quiz; then nothing is created. An invalid ``title`` raises ValidationError.
    """
    result = parser.parse_gift(text)
    skipped = [(skip.line, skip.kind, skip.title, skip.reason) for skip in result.skipped]
    notes: list[str] = []
    blocks = []
    for question in result.questions:
        try:
            blocks.append(_block(question, competency, notes))
        except _Refused as refused:
            skipped.append((question.line, question.kind, question.title, str(refused)))
    skipped.sort()

    if not any(block["type"] != "reflection" for block in blocks):
        reasons = ["No questions this platform can use were found."]
        if blocks:
            reasons.append("Only reflections were found; a quiz needs at least one scored question.")
        if skipped:
            reasons.append("Skipped: " + "; ".join(f"line {line} ({kind})" for line, kind, _, _ in skipped) + ".")
        raise NothingToImport(" ".join(reasons))

    quiz = Quiz(title=title, questions=blocks, live=False)
    # Check before the first save, so a title the database would refuse never reaches it.
    quiz.full_clean()
    quiz.save()
    quiz.save_revision(user=user, log_action="wagtail.create")

    categories = list(dict.fromkeys(question.category for question in result.questions if question.category))
    general = [
        f'Every imported question assesses "{competency.name}" for now: retag each one in the quiz editor '
        "before you publish."
    ]
    if categories:
        general.append("GIFT categories are not kept: " + ", ".join(categories) + ".")
    # Question banks are often written with the best answer the longest option; say so before anyone publishes.
    general.extend(f"Before you publish: {warning}" for warning in quiz_cue_report(quiz).warnings)
    return ImportReport(quiz=quiz, imported=len(blocks), skipped=tuple(skipped), notes=(*general, *notes))
