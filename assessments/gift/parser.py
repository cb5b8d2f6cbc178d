"""Reading Moodle GIFT question files: a pure parser, no database and no Django.

Trainers often already have quizzes in Moodle's GIFT text format. ``parse_gift`` turns a file
into frozen dataclasses. Questions our quizzes cannot ask (numeric, matching, short answer) come
back as skips with the line they start on. A malformed file raises ``GiftSyntaxError`` naming
the line of the offending question, so an import takes the whole file or changes nothing.

The rules follow Moodle's own importer (``question/format/gift/format.php``):

- Questions are separated by blank lines. A line whose first non-blank characters are ``//``
  is a comment; ``//`` elsewhere (a URL, say) is text.
- ``$CATEGORY: name`` sets the category of the questions after it, until the next one.
- ``::title::`` at the start of a question gives its title.
- The answer block is the text between ``{`` and ``}``. Text after the block makes a
  missing-word question: the stem shows ``_____`` where the block was.
- Backslash escapes: ``\\~ \\= \\# \\{ \\} \\:`` stand for the character, ``\\n`` for a
  newline and ``\\\\`` for a backslash. Any other backslash is kept as written.
- A leading ``[html]``, ``[moodle]``, ``[plain]`` or ``[markdown]`` on the stem, an answer or
  a feedback is dropped. Markup is kept as text, never rendered or cleaned here; templates
  escape it like any other text.
- Whitespace runs, line breaks included, become one space. Only ``\\n`` gives a newline.
- In the block, ``#`` starts an answer's feedback and the last ``####`` starts the general
  feedback.

The answer block decides the kind, checked in this order:

- ``{}`` (or just general feedback): an essay, which we ask as a ``reflection``.
- ``{#...}``: numeric, skipped.
- Any ``~``: a choice question. ``=`` marks an answer worth full credit, ``~`` one worth
  nothing, and ``~%N%`` one worth N percent (-100 to 100, decimals allowed). Its kind:

  1. with an ``=`` answer, ``single`` (single best response; ``~%50%`` answers earn partial
     credit), as in Moodle;
  2. otherwise, with two or more answers of positive credit adding up to 100%, ``multiple``
     (select all that apply, e.g. ``~%50%A ~%50%B ~%-100%C``), as in Moodle;
  3. otherwise, with an answer at 100%, ``single``. Moodle would make this a "multiple answers"
     question and warn that the weights do not add up to 100%. The author almost certainly
     meant one best answer with partial credit for others.
  4. otherwise no set of picks earns full marks, and the question is refused.

- ``=`` answers that contain ``->``: matching, skipped.
- ``{T}``, ``{TRUE}``, ``{F}`` or ``{FALSE}``: ``truefalse``, with options "True" and "False".
  ``{T#first#second}``: Moodle shows the first feedback to a learner who answers wrongly and
  the second to one who answers rightly. So the correct option gets the second feedback and
  the other option gets the first.
- Only ``=`` answers: short answer, skipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

SINGLE = "single"
MULTIPLE = "multiple"
TRUEFALSE = "truefalse"
REFLECTION = "reflection"

NUMERIC = "numeric"
MATCHING = "matching"
SHORT_ANSWER = "short answer"

BLANK = "_____"
FORMAT_MARKERS = ("[html]", "[moodle]", "[plain]", "[markdown]")

# Escaped characters are swapped for Unicode noncharacters, which Unicode reserves for a
# program's internal use, while the structure is parsed. Then a plain search for "{" or "#"
# cannot hit an escaped one. They are swapped back only in the finished texts.
_ESCAPES = {"\\": "\ufdd0", "~": "\ufdd1", "=": "\ufdd2", "#": "\ufdd3", "{": "\ufdd4", "}": "\ufdd5", ":": "\ufdd6"}
_NEWLINE = "\ufdd7"
_UNMASK = str.maketrans({mask: char for char, mask in _ESCAPES.items()} | {_NEWLINE: "\n"})
_NONCHARACTERS = dict.fromkeys(range(0xFDD0, 0xFDD8))
_ESCAPE_PATTERN = re.compile(r"\\([\\~=#{}:n])")
_NEEDS_ESCAPE = re.compile(r"[\\~=#{}:\n]")
# Only \r\n, \r and \n end a line. str.splitlines would also split on form feeds and
# Unicode separators, and the line numbers would then disagree with the author's editor.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PERCENT = re.compile(r"\s*-?(?:\d+(?:\.\d*)?|\.\d+)\s*")
_TRUEFALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class GiftOption:
    text: str
    credit: float  # fraction of the question's points, -1.0 to 1.0
    feedback: str = ""  # shown to a learner who picks this option


@dataclass(frozen=True)
class GiftQuestion:
    line: int  # 1-based line the question starts on
    kind: str  # SINGLE, MULTIPLE, TRUEFALSE or REFLECTION
    title: str
    stem: str
    options: tuple[GiftOption, ...]
    category: str = ""
    general_feedback: str = ""


@dataclass(frozen=True)
class GiftSkip:
    line: int
    kind: str  # NUMERIC, MATCHING or SHORT_ANSWER
    title: str
    reason: str


@dataclass(frozen=True)
class GiftResult:
    questions: tuple[GiftQuestion, ...]
    skipped: tuple[GiftSkip, ...]


class GiftSyntaxError(ValueError):
    """A GIFT file that cannot be read. ``line`` is the 1-based line of the offending question."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"Question on line {line}: {reason}")


def parse_gift(text: str) -> GiftResult:
    """Read a GIFT file into the questions we can ask and the ones we skip, each with its line.

    Raises GiftSyntaxError, naming the line of the first malformed question, if any question
    is malformed. Then nothing from the file should be used.
    """
    questions: list[GiftQuestion] = []
    skipped: list[GiftSkip] = []
    category = ""
    for lines in _blocks(text.removeprefix("\ufeff").translate(_NONCHARACTERS)):
        # Moodle wants $CATEGORY in a block of its own. We also accept it directly above a
        # question, where Moodle would silently make the question part of the category's name.
        while lines and lines[0][1].lstrip().startswith("$CATEGORY:"):
            category = _plain(_mask(lines.pop(0)[1].lstrip().removeprefix("$CATEGORY:")))
        if lines:
            read = _read_question(lines[0][0], "\n".join(line for _, line in lines), category)
            (questions if isinstance(read, GiftQuestion) else skipped).append(read)
    return GiftResult(questions=tuple(questions), skipped=tuple(skipped))


def gift_escape(text: str) -> str:
    """Write text so that GIFT reads it back as written, e.g. for an answer, feedback or title.

    Escaping cannot protect three things. Whitespace runs become one space, and leading or
    trailing spaces go. A leading format marker such as ``[html]`` is dropped. An answer that
    begins with ``%`` reads as a weight unless an explicit weight comes first: ``~%0%%...``.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _NEEDS_ESCAPE.sub(lambda match: "\\n" if match[0] == "\n" else "\\" + match[0], text)


def _blocks(text: str) -> Iterator[list[tuple[int, str]]]:
    """The blank-line separated blocks of a file as (line number, line) pairs, comments removed."""
    block: list[tuple[int, str]] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            if block:
                yield block
            block = []
        elif not line.lstrip().startswith("//"):
            block.append((number, line))
    if block:
        yield block


def _mask(text: str) -> str:
    return _ESCAPE_PATTERN.sub(lambda match: _NEWLINE if match[1] == "n" else _ESCAPES[match[1]], text)


def _plain(masked: str) -> str:
    return " ".join(masked.split()).translate(_UNMASK)


def _text(masked: str) -> str:
    """A stem, answer or feedback as the learner should read it: format marker gone, unescaped."""
    text = " ".join(masked.split())
    marker = next((marker for marker in FORMAT_MARKERS if text.startswith(marker)), "")
    return text.removeprefix(marker).lstrip().translate(_UNMASK)


def _read_question(line: int, raw: str, category: str) -> GiftQuestion | GiftSkip:
    text = _mask(raw).strip()
    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise GiftSyntaxError(line, "the title opened with :: is never closed with ::.")
        title = _plain(text[2:end])
        text = text[end + 2 :].strip()

    start, end = text.find("{"), text.find("}")
    if start < 0 and end < 0:
        raise GiftSyntaxError(line, "there is no answer block { ... }. Add answers, or {} for a reflection.")
    if start < 0 or 0 <= end < start:
        raise GiftSyntaxError(line, "there is a } with no { before it. Write \\} for a literal brace.")
    if end < 0:
        raise GiftSyntaxError(
            line, "the answer block opened with { is never closed. A blank line inside it also ends the question."
        )
    if "{" in text[start + 1 : end]:
        raise GiftSyntaxError(line, "there is a { inside the answer block. Write \\{ for a literal brace.")
    after = text[end + 1 :]
    if "{" in after or "}" in after:
        raise GiftSyntaxError(
            line, "there is more than one answer block. Separate questions with a blank line; write \\{ for a brace."
        )
    # Only text after the block makes it a missing word; a block at the end just follows the stem.
    stem = _text(text[:start] + (BLANK if after.strip() else "") + after)
    if not stem:
        raise GiftSyntaxError(line, "there is no question text before the answer block.")

    answers = text[start + 1 : end].strip()
    general_feedback = ""
    if (split := answers.rfind("####")) >= 0:
        general_feedback = _text(answers[split + 4 :])
        answers = answers[:split].strip()

    def question(kind: str, options: tuple[GiftOption, ...]) -> GiftQuestion:
        return GiftQuestion(line, kind, title, stem, options, category, general_feedback)

    def skip(kind: str, reason: str) -> GiftSkip:
        return GiftSkip(line, kind, title, reason)

    if not answers:
        return question(REFLECTION, ())
    if answers.startswith("#"):
        return skip(NUMERIC, "numeric questions are not supported")
    if "~" in answers:
        return question(*_choice(line, answers))
    if "=" in answers and "->" in answers:
        return skip(MATCHING, "matching questions are not supported")
    verdict, *feedback = answers.split("#", 2)
    if verdict.strip() in _TRUEFALSE:
        return question(TRUEFALSE, _truefalse(_TRUEFALSE[verdict.strip()], *map(_text, feedback)))
    if answers.startswith("="):
        return skip(SHORT_ANSWER, "short-answer questions are not supported")
    raise GiftSyntaxError(
        line,
        f'the answer block "{_plain(answers)}" is not GIFT. Mark answers with = and ~, '
        "or write {T}, {TRUE}, {F} or {FALSE} in capitals.",
    )


def _truefalse(true_is_right: bool, wrong_feedback: str = "", right_feedback: str = "") -> tuple[GiftOption, ...]:
    return (
        GiftOption("True", 1.0 if true_is_right else 0.0, right_feedback if true_is_right else wrong_feedback),
        GiftOption("False", 0.0 if true_is_right else 1.0, wrong_feedback if true_is_right else right_feedback),
    )


def _choice(line: int, answers: str) -> tuple[str, tuple[GiftOption, ...]]:
    """The kind and options of a choice block; see the module docstring for the kind rule."""
    head, *pieces = re.split(r"(?=[=~])", answers)
    if head.strip():
        raise GiftSyntaxError(line, f'"{_plain(head)}" comes before the first answer. Start each answer with = or ~.')
    if len(pieces) < 2:
        raise GiftSyntaxError(line, "a choice question needs at least two answers.")
    options = []
    for number, piece in enumerate(pieces, start=1):
        marker, body = piece[0], piece[1:].strip()
        if marker == "=":
            if body.startswith("%"):
                raise GiftSyntaxError(
                    line, f"answer {number} has a weight after =, which always means full credit. Use ~%N% instead."
                )
            credit = 1.0
        else:
            credit, body = _weight(line, number, body)
        answer, _, feedback = body.partition("#")
        option = GiftOption(_text(answer), credit, _text(feedback))
        if not option.text:
            raise GiftSyntaxError(line, f"answer {number} is empty.")
        options.append(option)

    positive = [option.credit for option in options if option.credit > 0]
    if "=" in answers:
        return SINGLE, tuple(options)
    # Moodle rounds the total to whole percents, so thirds written as 33.33% add up.
    if len(positive) > 1 and math.isclose(math.fsum(positive), 1.0, abs_tol=0.005):
        return MULTIPLE, tuple(options)
    if max(positive, default=0.0) == 1.0:
        return SINGLE, tuple(options)
    if not positive:
        raise GiftSyntaxError(line, "no answer earns credit. Mark the right answer with =.")
    raise GiftSyntaxError(
        line,
        f"no answer is worth 100% and the positive weights add up to {100 * math.fsum(positive):g}%, "
        "so no learner could earn full marks.",
    )


def _weight(line: int, number: int, body: str) -> tuple[float, str]:
    """Split a ``%N%`` weight off an answer: (credit, the rest). No weight means no credit."""
    if not body.startswith("%"):
        return 0.0, body
    end = body.find("%", 1)
    if end < 0:
        raise GiftSyntaxError(line, f"answer {number} opens a % weight that is never closed.")
    written = body[1:end]
    if not _PERCENT.fullmatch(written):
        raise GiftSyntaxError(line, f'answer {number} has the weight "%{_plain(written)}%", which is not a number.')
    percent = float(written)
    if not -100 <= percent <= 100:
        raise GiftSyntaxError(line, f"answer {number} has the weight {percent:g}%, outside -100% to 100%.")
    return percent / 100, body[end + 1 :]
