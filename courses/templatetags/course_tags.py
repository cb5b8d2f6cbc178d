"""What the course pages show about the person reading them.

The page models hold content only; their templates ask the progress selectors through these
tags, so a page reads the same whether it is served or previewed in the admin.
"""

from django import template

from cms.dates import duration_text

from ..progress import selectors

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
