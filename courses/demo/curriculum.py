"""Turn the demo curriculum into Wagtail pages.

``curriculum.yaml`` describes the course; each file in ``modules/`` holds one module, and the
modules are taken in the order of their file names (``01-…``, ``02-…``). The YAML holds plain text: blank lines
separate paragraphs and lines starting with "- " form a bulleted list. Text is escaped before it becomes rich text.

Each lesson may carry ``references`` (title, publisher, year, url) and a ``review_by`` date, and its vignette a
``debrief``. A module's ``ce_category`` is read by the content tests only, not loaded.
"""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.html import escape

from assessments.models import Competency

from ..catalogue.models import CourseCatalogPage, CoursePage, LessonPage, ModulePage

CURRICULUM_FILE = Path(__file__).with_name("curriculum.yaml")
MODULES_DIR = Path(__file__).with_name("modules")


def text_to_html(text: str) -> str:
    """Plain paragraphs and "- " bullet lines to escaped HTML."""
    html = []
    for chunk in text.strip().split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        paragraph = [line for line in lines if not line.startswith("- ")]
        bullets = [line[2:] for line in lines if line.startswith("- ")]
        if paragraph:
            html.append(f"<p>{escape(' '.join(paragraph))}</p>")
        if bullets:
            html.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in bullets) + "</ul>")
    return "".join(html)


def _block(block_type: str, value) -> dict:
    return {"type": block_type, "value": value, "id": str(uuid.uuid4())}


def body_blocks(body: list[dict]) -> list[dict]:
    """The YAML's lesson body as raw StreamField data for LessonBodyBlock."""
    converters = {
        "text": lambda b: _block("text", text_to_html(b["value"])),
        "heading": lambda b: _block("heading", {"text": b["value"], "level": "h2"}),
        "callout": lambda b: _block(
            "callout", {"kind": b["kind"], "title": b.get("title", ""), "text": text_to_html(b["text"])}
        ),
        "vignette": lambda b: _block(
            "vignette",
            {
                "person": b["person"],
                "setting": b["setting"],
                "content_note": b.get("content_note", ""),
                "situation": text_to_html(b["situation"]),
                "debrief": text_to_html(b.get("debrief", "")),
            },
        ),
        "reflection": lambda b: _block("reflection", {"prompt": b["prompt"], "guidance": b.get("guidance", "")}),
        "takeaways": lambda b: _block("takeaways", {"items": list(b["items"])}),
    }
    return [converters[block["type"]](block) for block in body]


def reference_blocks(references: list[dict]) -> list[dict]:
    """The YAML's lesson references as raw StreamField data for LessonReferencesBlock."""
    return [
        _block(
            "reference",
            {
                "title": ref["title"],
                "publisher": ref["publisher"],
                "year": int(ref["year"]),
                "url": ref.get("url", ""),
            },
        )
        for ref in references
    ]


def review_date(value) -> datetime.date | None:
    """``review_by`` as YAML gives it (a date, or an ISO date in quotes), or None when the lesson has none."""
    if not value:
        return None
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_curriculum(path: Path = CURRICULUM_FILE, modules_dir: Path = MODULES_DIR) -> dict:
    """The course, with its modules from ``modules_dir`` in file-name order."""
    course = _read(path)["course"]
    course["modules"] = [_read(module)["module"] for module in sorted(modules_dir.glob("*.yaml"))]
    return course


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def course_create_from_curriculum(*, catalog: CourseCatalogPage, data: dict) -> tuple[CoursePage, bool]:
    """Create the course described by ``data`` under the catalog unless a course with its slug exists.

    Returns the course and whether it was created. An existing course is left as it is, so
    trainers' edits survive a second run.
    """
    existing = CoursePage.objects.child_of(catalog).filter(slug=data["slug"]).first()
    if existing is not None:
        return existing.specific, False
    competencies = {c.code: c for c in Competency.objects.all()}
    course = _publish(
        catalog,
        CoursePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            audience=data.get("audience", ""),
            description=text_to_html(data["description"]),
        ),
    )
    for module_data in data["modules"]:
        module = _publish(
            course,
            ModulePage(title=module_data["title"], slug=module_data["slug"], intro=text_to_html(module_data["intro"])),
        )
        for lesson_data in module_data["lessons"]:
            lesson = LessonPage(
                title=lesson_data["title"],
                slug=lesson_data["slug"],
                estimated_minutes=lesson_data["estimated_minutes"],
                learning_objectives=[_block("objective", text) for text in lesson_data["objectives"]],
                body=body_blocks(lesson_data["body"]),
                references=reference_blocks(lesson_data.get("references", [])),
                review_by=review_date(lesson_data.get("review_by")),
            )
            lesson.competencies.set([competencies[code] for code in lesson_data["competencies"]])
            _publish(module, lesson)
    return course, True
