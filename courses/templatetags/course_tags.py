from django import template

register = template.Library()


@register.filter
def reflection_for(reflections, block_id):
    """The learner's saved reflection for a prompt block, from the lesson's ``reflections`` dict."""
    if not reflections or not block_id:
        return None
    return reflections.get(str(block_id))
