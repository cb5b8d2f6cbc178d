"""Checks of the demo course's content: plain language, honest minutes, sources, and the shape of a lesson.

Each check takes plain YAML data (a lesson, a quiz, a list of final items) and returns the problems it
finds, so tests can prove every check on bad input as well as run it over the real content.

Run ``.venv/bin/python -m tests.courses.demo.content_quality`` for each lesson's numbers and the course's
lesson minutes (the sum of the lessons' stated minutes). The course's instruction time, which CE hours rest on,
adds one attempt at each module quiz: ``courses.catalogue.hours`` decides that.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import textstat
import yaml

ROOT = Path(__file__).resolve().parents[3]
QUIZZES_DIR = ROOT / "assessments" / "demo" / "quizzes"
FINAL_DIR = ROOT / "assessments" / "demo" / "final"
FINAL_MODULE = "final-assessment"  # its lesson introduces the graded final: no case story or reflection

WPM = 120  # plain-language reading on a phone
REFLECTION_MINUTES = 5  # writing a private reflection
VIGNETTE_MINUTES = 2  # thinking a story through before the debrief
MINUTES_LOW, MINUTES_HIGH = 0.85, 1.2  # stated minutes within this share of the honest estimate
MAX_GRADE = 8  # Flesch-Kincaid grade of each lesson
MIN_REFERENCES = 2
BANNED = re.compile(
    r"\b(addicts?|addicted|abusers?|substance abuse|drug abuse|junkies?|crackheads?|relapsed?|relapses|"
    r"clean (?:test|urine|screen|time)s?|dirty (?:test|urine|screen)s?|stay(?:ing)? clean|get(?:ting)? clean|"
    r"replacement therapy|substitution therapy|drug users?|NAS bab(?:y|ies))\b",
    re.I,
)
NOT_TEXT = ("type", "kind", "level")  # keys whose values name a block's kind, not words a reader sees


def strings(value):
    """Every string a reader sees in a YAML value, depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_TEXT:
                yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def sentences(body) -> str:
    """Every paragraph, bullet and heading as its own sentence (a period added when missing)."""
    out = []
    for text in strings(body):
        for line in re.split(r"\n\s*\n|\n- |^- ", text.strip()):
            line = " ".join(line.split())
            if line:
                out.append(line if line[-1] in ".?!:\"'”)" else line + ".")
    return " ".join(out)


@dataclass(frozen=True)
class LessonStats:
    words: int
    honest_minutes: float
    grade: float


def lesson_stats(lesson: dict) -> LessonStats:
    body = lesson["body"]
    text = sentences(body)
    reflections = sum(1 for block in body if block["type"] == "reflection")
    vignettes = sum(1 for block in body if block["type"] == "vignette")
    words = len(text.split())
    honest = words / WPM + REFLECTION_MINUTES * reflections + VIGNETTE_MINUTES * vignettes
    return LessonStats(words, honest, textstat.flesch_kincaid_grade(text))


def banned_terms(value) -> list[str]:
    """The stigmatising terms in any text of ``value`` (a string, or YAML data walked with ``strings``)."""
    return [match for text in strings(value) for match in BANNED.findall(text)]


def lesson_banned_terms(lesson: dict) -> list[str]:
    """In the lesson's title, objectives and body (takeaways included). References may name agencies in full."""
    return banned_terms([lesson["title"], lesson.get("objectives", []), lesson["body"]])


def grade_problems(lesson: dict) -> list[str]:
    grade = lesson_stats(lesson).grade
    return [f"reading grade {grade:.1f} is above {MAX_GRADE}"] if grade > MAX_GRADE else []


def minutes_problems(lesson: dict) -> list[str]:
    stats = lesson_stats(lesson)
    stated = lesson["estimated_minutes"]
    if MINUTES_LOW * stats.honest_minutes <= stated <= MINUTES_HIGH * stats.honest_minutes:
        return []
    return [
        f"states {stated} minutes; {stats.words} words and its activities take about {stats.honest_minutes:.1f} "
        f"(allowed {MINUTES_LOW * stats.honest_minutes:.1f}-{MINUTES_HIGH * stats.honest_minutes:.1f})"
    ]


def _is_date(value) -> bool:
    if isinstance(value, datetime.date):
        return True
    try:
        datetime.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def source_problems(lesson: dict) -> list[str]:
    """At least two references, each with a title, a publisher and a year (a URL is optional), and a review date."""
    problems = []
    references = lesson.get("references") or []
    if len(references) < MIN_REFERENCES:
        problems.append(f"{len(references)} references; at least {MIN_REFERENCES} needed")
    for number, reference in enumerate(references, start=1):
        for key in ("title", "publisher"):
            if not str(reference.get(key) or "").strip():
                problems.append(f"reference {number} has no {key}")
        if not re.fullmatch(r"(19|20)\d\d", str(reference.get("year") or "")):
            problems.append(f"reference {number} has no four-digit year")
        url = reference.get("url")
        if url and not re.match(r"https?://\S+$", url):
            problems.append(f"reference {number}'s url is not a web address")
    if not lesson.get("review_by"):
        problems.append("no review_by date")
    elif not _is_date(lesson["review_by"]):
        problems.append(f"review_by {lesson['review_by']!r} is not a date (YYYY-MM-DD)")
    return problems


def shape_problems(lesson: dict) -> list[str]:
    """One case story with a model debrief, one reflection, and the takeaways last."""
    body = lesson["body"]
    vignettes = [block for block in body if block["type"] == "vignette"]
    reflections = [block for block in body if block["type"] == "reflection"]
    problems = []
    if len(vignettes) != 1:
        problems.append(f"{len(vignettes)} vignettes; exactly 1 needed")
    problems += [
        f"vignette {v.get('person')!r} has no debrief" for v in vignettes if not (v.get("debrief") or "").strip()
    ]
    if len(reflections) != 1:
        problems.append(f"{len(reflections)} reflections; exactly 1 needed")
    if not body or body[-1]["type"] != "takeaways":
        problems.append("the last block is not the takeaways")
    return problems


def _person(name) -> str:
    return " ".join(str(name or "").split()).casefold()


def lesson_people(lessons: list[dict]) -> dict[str, list[str]]:
    """Each vignette person (case-folded) and the slugs of the lessons whose stories they appear in."""
    people: dict[str, list[str]] = {}
    for lesson in lessons:
        for block in lesson["body"]:
            if block["type"] == "vignette" and _person(block.get("person")):
                people.setdefault(_person(block["person"]), []).append(lesson["slug"])
    return people


def reused_people(lessons: list[dict]) -> dict[str, list[str]]:
    """Vignette people who appear in more than one lesson story, with those lessons."""
    return {person: slugs for person, slugs in lesson_people(lessons).items() if len(slugs) > 1}


def final_items_with_lesson_people(lessons: list[dict], items: list[dict]) -> list[str]:
    """Titles of final-pool items whose case story is about a person from a lesson's story."""
    people = lesson_people(lessons)
    return [
        f"{item.get('title', '?')} ({item['vignette']['person']})"
        for item in items
        if isinstance(item.get("vignette"), dict) and _person(item["vignette"].get("person")) in people
    ]


# The demo content --------------------------------------------------------------------------


def demo_modules() -> list[dict]:
    from courses.demo.curriculum import load_curriculum  # needs Django's apps ready

    return load_curriculum()["modules"]


def demo_lessons(modules: list[dict] | None = None) -> list[tuple[dict, dict]]:
    """(module, lesson) for every lesson of the demo course, in course order."""
    return [(module, lesson) for module in (modules or demo_modules()) for lesson in module["lessons"]]


def _read(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def demo_quizzes(folder: Path = QUIZZES_DIR) -> dict[str, dict]:
    """Each practice quiz file's data, by file name."""
    return {path.name: _read(path) for path in sorted(folder.glob("*.yaml"))}


def final_items(folder: Path = FINAL_DIR) -> list[dict]:
    """The final assessment's pool items from every file in ``folder``; none while it is empty or missing."""
    return [item for path in sorted(folder.glob("*.yaml")) for item in _read(path).get("questions") or []]


def lesson_minutes(modules: list[dict] | None = None) -> dict[str, int]:
    """Each module's stated lesson minutes by slug, and the course's ``total`` (quizzes not included)."""
    minutes = {
        module["slug"]: sum(lesson["estimated_minutes"] for lesson in module["lessons"])
        for module in modules or demo_modules()
    }
    return {**minutes, "total": sum(minutes.values())}


if __name__ == "__main__":  # pragma: no cover - a report for people, run by hand
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    django.setup()
    for module, lesson in demo_lessons():
        stats = lesson_stats(lesson)
        problems = grade_problems(lesson) + minutes_problems(lesson) + lesson_banned_terms(lesson)
        print(
            f"{'BAD' if problems else 'OK '} {module['slug']}/{lesson['slug']}: {lesson['estimated_minutes']} min stated, "
            f"{stats.honest_minutes:.1f} honest ({stats.words} words), grade {stats.grade:.1f}"
        )
    minutes = lesson_minutes()
    print(f"Lesson minutes: {minutes['total']} ({minutes['total'] / 60:.2f} hours), quizzes not included")
