"""Site navigation that feature apps extend without cms importing them.

A feature app registers a function with the ``register_site_navigation_item`` Wagtail hook.
The function takes the request and returns a ``NavItem`` or ``None`` (to hide the item).
"""

from dataclasses import dataclass

from wagtail import hooks

NAVIGATION_HOOK = "register_site_navigation_item"


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    order: int = 100


def navigation_items(request) -> list[NavItem]:
    """Return the navigation items visible to this request, in display order."""
    items = [item for fn in hooks.get_hooks(NAVIGATION_HOOK) if (item := fn(request)) is not None]
    return sorted(items, key=lambda item: (item.order, item.label))
