"""Every URL pattern of the site, with a stable identifier and where its view's code lives."""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

#: Apps whose views must each be classified individually.
PROJECT_APPS = ("cms", "courses", "assessments", "certificates")

# Names of closure variables that hold the view a decorator wraps (Wagtail's ``require_admin_access``,
# Django's ``login_required`` and the like).
WRAPPED_VIEW_NAMES = ("view_func", "view", "func", "function", "f", "wrapped_view")


@dataclass(frozen=True)
class Route:
    """One URL pattern: ``route`` is the whole pattern from the site root, e.g. ``certificates/<str:serial>/pdf/``,
    spelled as ``django.urls.resolve(path).route`` spells it."""

    route: str
    name: str  # namespaced: "issued_certificates:detail"; "" for an unnamed pattern
    namespace: str  # the innermost namespace, "" if none
    view: str  # dotted path of the view's class or function, after unwrapping decorators
    model: str  # "app_label.model" for Wagtail's generic views over a model, else ""

    @property
    def app(self) -> str:
        return self.view.split(".", 1)[0]

    @property
    def is_project_code(self) -> bool:
        """The view's code lives in one of the project's apps."""
        return self.app in PROJECT_APPS

    @property
    def is_project_model(self) -> bool:
        """A Wagtail generic view (snippet, user admin) over one of the project's models."""
        return self.model.split(".", 1)[0] in PROJECT_APPS

    def __str__(self) -> str:
        return f"{self.route}  [{self.name or 'unnamed'}]  {self.view}"


def _innermost(callback):
    """The class or function a (possibly decorated) view callback runs in the end."""
    for _ in range(20):
        if getattr(callback, "view_class", None) is not None:
            return callback.view_class
        if getattr(callback, "cls", None) is not None:  # DRF viewsets
            return callback.cls
        wrapped = getattr(callback, "__wrapped__", None)
        if wrapped is not None:
            callback = wrapped
            continue
        code, closure = getattr(callback, "__code__", None), getattr(callback, "__closure__", None)
        if code is None or not closure:
            return callback
        cells = dict(zip(code.co_freevars, closure, strict=True))
        inner = next(
            (
                cells[name].cell_contents
                for name in WRAPPED_VIEW_NAMES
                if name in cells and callable(cells[name].cell_contents)
            ),
            None,
        )
        if inner is None:
            return callback
        callback = inner
    return callback


def _dotted(obj) -> str:
    module = getattr(obj, "__module__", None) or inspect.getmodule(obj).__name__
    return f"{module}.{getattr(obj, '__qualname__', getattr(obj, '__name__', repr(obj)))}"


def _model(callback) -> str:
    model = (getattr(callback, "view_initkwargs", None) or {}).get("model")
    if model is None:
        model = getattr(getattr(callback, "view_class", None), "model", None)
    meta = getattr(model, "_meta", None)
    return meta.label_lower if meta is not None else ""


def _join(prefix: str, pattern) -> str:
    """The route as Django's ``ResolverMatch.route`` spells it: regex parts after the first lose their start anchor."""
    part = str(pattern)
    return prefix + (part[1:] if prefix and part.startswith("^") else part)


def _walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
            yield from _walk(pattern, _join(prefix, pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespaces, pattern.name)) if pattern.name else ""
            yield Route(
                route=_join(prefix, pattern.pattern),
                name=name,
                namespace=namespaces[-1] if namespaces else "",
                view=_dotted(_innermost(pattern.callback)),
                model=_model(pattern.callback),
            )


@functools.cache
def all_routes() -> tuple[Route, ...]:
    """Every reachable URL pattern, in resolution order.

    A pattern whose whole route repeats an earlier one can never be reached (the earlier one always
    wins, as for the project's account page shadowing Wagtail's), so it is left out.
    """
    seen: set[str] = set()
    routes = []
    for route in _walk(get_resolver(), "", ()):
        if route.route in seen:
            continue
        seen.add(route.route)
        routes.append(route)
    return tuple(routes)
