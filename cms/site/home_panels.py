"""Extension points for the home page, used by feature apps through Wagtail hooks.

A function registered with ``register_home_page_panel`` takes the request and returns HTML
(or ``None``); the home page shows the panels in registration order.
"""

from wagtail import hooks

HOME_PANEL_HOOK = "register_home_page_panel"


def home_panels(request) -> list[str]:
    """Render the panels feature apps add to the home page for this request."""
    return [html for fn in hooks.get_hooks(HOME_PANEL_HOOK) if (html := fn(request))]
