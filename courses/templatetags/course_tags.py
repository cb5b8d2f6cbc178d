"""What the course pages show about the person reading them.

The page models hold content only; their templates ask the progress selectors through these
tags, so a page reads the same whether it is served or previewed in the admin.
"""

from django import template
from django.core.cache import cache
from django.utils.safestring import mark_safe

from cms.dates import duration_text

from ..catalogue.outline import TIMEOUT, content_version
from ..progress import selectors

# Blocks that show the reader's own state (their saved reflection and its form; a case story's debrief,
# open once they have reflected): rendered for each request, never cached for everyone.
LEARNER_BLOCKS = {"reflection", "vignette"}

register = template.Library()


@register.simple_tag(takes_context=True)
def catalog_courses(context, catalog):
    """The catalog's live courses, each with the reader's progress (see ``selectors.catalog_courses``)."""
    return selectors.catalog_courses(catalog=catalog, user=context["request"].user)


@register.simple_tag(takes_context=True)
def course_outline(context, course):
    """The course's modules and lessons with the reader's progress (see ``selectors.course_outline``)."""
    request = context["request"]
    outline = selectors.course_outline(course=course, user=request.user)
    if getattr(request, "is_preview", False):
        # A preview shows the draft's CE hours, not the published ones.
        outline.hours = [(row.category.name, row.hours) for row in course.ce_hours.all()]
    return outline


@register.simple_tag(takes_context=True)
def lesson_view(context, lesson):
    """The lesson's place in its course and the reader's state in it (see ``selectors.lesson_view``)."""
    request = context["request"]
    enrollment = getattr(request, "lesson_enrollment", selectors.UNREAD)
    return selectors.lesson_view(lesson=lesson, user=request.user, enrollment=enrollment)


def _lesson_body_values(page, context) -> dict:
    """The lesson's body and references as HTML (with the positions of the learner's blocks left out), and its competencies."""
    block_context = {"page": page, "request": context.get("request")}
    parts: list[dict] = []
    for index, child in enumerate(page.body):
        if child.block_type in LEARNER_BLOCKS:
            parts.append({"index": index})
            continue
        html = child.render_as_block(context={**block_context, "block_id": child.id})
        if parts and "html" in parts[-1]:
            parts[-1]["html"] += html
        else:
            parts.append({"html": str(html)})
    references = [str(reference.render_as_block(context=block_context)) for reference in page.references]
    return {"parts": parts, "references": references, "competencies": [c.name for c in page.competencies.all()]}


@register.simple_tag(takes_context=True)
def lesson_body(context, page):
    """The lesson's body, references and competencies, the same for every reader: cached by the live revision.

    A part is ``{"html": ...}`` or ``{"block": ...}`` for a block the template renders for this reader
    (``LEARNER_BLOCKS``). Previews render the draft and are never cached.
    """
    request = context.get("request")
    key = None
    if page.live_revision_id and not getattr(request, "is_preview", False):
        key = f"courses:lesson-body:{content_version()}:{page.pk}:{page.live_revision_id}"
    values = cache.get(key) if key else None
    if values is None:
        values = _lesson_body_values(page, context)
        if key:
            cache.set(key, values, timeout=TIMEOUT)
    return {
        "parts": [
            {"html": mark_safe(part["html"])} if "html" in part else {"block": page.body[part["index"]]}  # noqa: S308
            for part in values["parts"]
        ],
        "references": [mark_safe(html) for html in values["references"]],  # noqa: S308
        "competencies": values["competencies"],
    }


@register.simple_tag(takes_context=True)
def saved_reflection(context):
    """The learner's saved answer for the reflection block being rendered, if any.

    The lesson template passes ``block_id``; the page context holds the learner's
    ``reflections`` keyed by block id. Outside a lesson (e.g. block previews) there is none.
    """
    reflections = context.get("reflections") or {}
    block_id = context.get("block_id")
    return reflections.get(str(block_id)) if block_id else None


@register.filter
def duration(minutes):
    """Minutes as people say them: "15 hours 25 minutes", "40 minutes"."""
    return duration_text(int(minutes or 0))


@register.filter
def sentence(text):
    """Text ending in a full stop, whether or not its author wrote one: "mentions an overdose" -> "mentions an overdose."."""
    text = str(text).strip()
    return text if text[-1:] in {".", "!", "?"} else f"{text}."
