"""Match each URL pattern to its entry in the matrix, and find what is missing or stale."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from .matrix import MODEL_VIEWSETS, ROUTES, RULES, Entry, Probe, Rule
from .urls import Route

HOW_TO_CLASSIFY = """
How to classify a URL (tests/access_matrix/matrix.py):
  - A view of the project (cms, courses, assessments, certificates): add an entry to ROUTES keyed by
    the route shown above, with its access class and at least one probe: the URL with real objects
    from tests/access_matrix/world.py and the expected outcome for each of the seven people
    (anonymous, learner A, learner B, supervisor A, supervisor B, trainer, administrator).
  - Wagtail's generic views over a project model (a new snippet): add its namespace to MODEL_VIEWSETS.
  - Wagtail's or Django's own views: add or extend a RULE (fnmatch on the URL name, or the route).
"""


@dataclass(frozen=True)
class Classified:
    table: str  # "ROUTES", "MODEL_VIEWSETS" or "RULES"
    key: str
    access: str
    probes: tuple[Probe, ...]


def classify(route: Route) -> Classified | None:
    """The entry that says who ``route`` is for, or None."""
    if route.route in ROUTES:
        found: Entry = ROUTES[route.route]
        return Classified("ROUTES", route.route, found.access, found.probes)
    if route.is_project_code:
        return None  # the project's own views are classified one by one, never by a rule
    if route.is_project_model:
        viewset = MODEL_VIEWSETS.get(route.namespace)
        return Classified("MODEL_VIEWSETS", route.namespace, viewset.access, viewset.probes) if viewset else None
    rule = matching_rule(route)
    return Classified("RULES", rule.pattern, rule.access, rule.probes) if rule else None


def matching_rule(route: Route) -> Rule | None:
    for rule in RULES:
        subject = route.name if rule.by == "name" else route.route
        if subject and fnmatchcase(subject, rule.pattern):
            return rule
    return None


def unclassified(routes: list[Route]) -> list[Route]:
    return [route for route in routes if classify(route) is None]


def stale(routes: list[Route]) -> list[str]:
    """Entries that match no URL any more."""
    present = {route.route for route in routes}
    problems = [f"ROUTES[{key!r}]: no such route" for key in ROUTES if key not in present]
    namespaces = {route.namespace for route in routes if route.is_project_model}
    problems += [f"MODEL_VIEWSETS[{key!r}]: no such namespace" for key in MODEL_VIEWSETS if key not in namespaces]
    used = {classified.key for route in routes if (classified := classify(route)) and classified.table == "RULES"}
    problems += [f"RULES: {rule.pattern!r} classifies no route" for rule in RULES if rule.pattern not in used]
    return problems


def all_probes() -> list[tuple[str, str, Probe]]:
    """Every probe with the table and key it belongs to."""
    probes = [("ROUTES", key, probe) for key, found in ROUTES.items() for probe in found.probes]
    probes += [("MODEL_VIEWSETS", key, probe) for key, found in MODEL_VIEWSETS.items() for probe in found.probes]
    probes += [("RULES", rule.pattern, probe) for rule in RULES for probe in rule.probes]
    return probes
