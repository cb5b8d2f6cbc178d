from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def saved_reflection(context):
    """The learner's saved answer for the reflection block being rendered, if any.

    The lesson template passes ``block_id``; the page context holds the learner's
    ``reflections`` keyed by block id. Outside a lesson (e.g. block previews) there is none.
    """
    reflections = context.get("reflections") or {}
    block_id = context.get("block_id")
    return reflections.get(str(block_id)) if block_id else None
