"""Extension points for My learning, used by apps above courses through Wagtail hooks.

A function registered with ``register_my_learning_panel`` takes the request and returns HTML
(or ``None``); My learning shows the panels above the course list, in registration order.
"""

from wagtail import hooks

MY_LEARNING_PANEL_HOOK = "register_my_learning_panel"


def my_learning_panels(request) -> list[str]:
    """Render the panels other apps add to My learning for this request."""
    return [html for fn in hooks.get_hooks(MY_LEARNING_PANEL_HOOK) if (html := fn(request))]
