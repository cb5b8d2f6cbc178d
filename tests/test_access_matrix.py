"""The access-control matrix: every URL of the site is classified, and each of the project's pages, exports
and API endpoints answers each kind of person as the table in ``tests/access_matrix/matrix.py`` says.

A new URL fails ``test_every_url_is_classified`` until it is added to the table; see
``HOW_TO_CLASSIFY`` and docs/architecture.md ("Security").
"""

from __future__ import annotations

import io
import json
import zipfile
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.middleware.csrf import CSRF_SESSION_KEY
from django.test import Client
from django.urls import resolve
from django.utils.crypto import get_random_string

from tests.access_matrix.classify import HOW_TO_CLASSIFY, all_probes, classify, stale, unclassified
from tests.access_matrix.matrix import Probe
from tests.access_matrix.outcomes import OK
from tests.access_matrix.urls import all_routes
from tests.access_matrix.world import (
    A_CREDIT_TITLE,
    A_EMAIL,
    A_NAME,
    A_REFLECTION,
    ACTORS,
    LEARNER_A,
    SIGNED_IN_AS,
    build_world,
)
from tests.auth import login_without_2fa

pytestmark = pytest.mark.django_db

#: Text about learner A that only A's circle (A, supervisor A, administrators) may ever see.
A_PRIVATE = (A_NAME, A_EMAIL, A_CREDIT_TITLE)

# Where data lives: a request that may not change anything must leave all of these as they were.
FINGERPRINT_APPS = ("cms", "courses", "assessments", "certificates")
FINGERPRINT_MODELS = ("wagtailcore.APIToken", "otp_totp.TOTPDevice", "otp_static.StaticDevice")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def probe_id(table: str, key: str, probe: Probe) -> str:
    label = f"[{probe.label}]" if probe.label else ""
    return f"{probe.method} {key}{label}"


# Classification ---------------------------------------------------------------------------------


def test_every_url_is_classified():
    missing = unclassified(all_routes())
    assert not missing, (
        f"{len(missing)} URL pattern(s) are not in the access-control matrix:\n"
        + "\n".join(f"  {route}" for route in missing)
        + "\n"
        + HOW_TO_CLASSIFY
    )


def test_no_classification_is_stale():
    problems = stale(all_routes())
    assert not problems, "Entries in tests/access_matrix/matrix.py that match no URL:\n" + "\n".join(problems)


def test_every_project_view_is_probed():
    routes = all_routes()
    unprobed = [
        str(route)
        for route in routes
        if route.is_project_code and (classified := classify(route)) is not None and not classified.probes
    ]
    assert not unprobed, "The project's own views need at least one probe each:\n" + "\n".join(unprobed)


def test_the_matrix_covers_at_least_the_known_surface():
    """A guard against the walk silently finding nothing (a broken walk would classify everything)."""
    routes = all_routes()
    assert len(routes) > 300
    assert sum(route.is_project_code for route in routes) >= 70


@pytest.mark.parametrize(
    ("table", "key", "probe"),
    [pytest.param(*row, id=probe_id(*row)) for row in all_probes()],
)
def test_each_probe_reaches_the_pattern_it_is_listed_under(table, key, probe, matrix_world):
    by_route = {route.route: route for route in all_routes()}
    match = resolve(urlsplit(fill(probe.url, matrix_world)).path)
    classified = classify(by_route[match.route])
    assert (classified.table, classified.key) == (table, key), f"{probe.url} resolves to {match.route}"


# The matrix ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """People and records built once for the module, in a transaction rolled back at the end.

    Each test runs inside it, in its own savepoint (pytest-django's ``db``), so a test's changes
    never reach the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        yield world
        transaction.set_rollback(True)


def fill(template, world):
    if isinstance(template, str):
        return template.format(**world.objects)
    return {key: fill(value, world) for key, value in template.items()}


CASES = [
    pytest.param(probe, user, id=f"{probe_id(table, key, probe)}-{user}")
    for table, key, probe in all_probes()
    for user in ACTORS
]


def body_text(response) -> str:
    """Everything readable in a response, with zip members (team downloads, Excel files) unpacked."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    parts = [raw]
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            for name in archive.namelist():
                parts += [name.encode(), archive.read(name)]
    return b"\n".join(parts).decode("utf-8", "replace")


def fingerprint() -> dict:
    models = [model for label in FINGERPRINT_APPS for model in apps.get_app_config(label).get_models()]
    models += [apps.get_model(label) for label in FINGERPRINT_MODELS]
    return {model._meta.label: list(model._default_manager.order_by("pk").values_list()) for model in models}


def csrf_client() -> tuple[Client, str]:
    """A client that checks CSRF like a browser's request would be checked, and the token for its forms."""
    client = Client(enforce_csrf_checks=True)
    token = get_random_string(32)
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    return client, token


def send(client: Client, token: str, probe: Probe, world):
    url = fill(probe.url, world)
    if probe.method == "GET":
        return client.get(url, HTTP_ACCEPT="application/json" if probe.api else BROWSER_ACCEPT)
    if settings.CSRF_USE_SESSIONS:
        session = client.session
        session[CSRF_SESSION_KEY] = token
        session.save()
    data = fill(probe.data or {}, world)
    if probe.api:
        return client.generic(
            probe.method,
            url,
            json.dumps(data),
            content_type="application/json",
            HTTP_ACCEPT="application/json",
            HTTP_X_CSRFTOKEN=token,
        )
    return client.generic(
        probe.method,
        url,
        urlencode({**data, "csrfmiddlewaretoken": token}),
        content_type="application/x-www-form-urlencoded",
    )


def describe(response) -> str:
    location = response.get("Location")
    return f"{response.status_code}" + (f" → {location}" if location else "")


@pytest.mark.parametrize(("probe", "user"), CASES)
def test_access(matrix_world, probe: Probe, user: str):
    client, token = csrf_client()
    person = matrix_world.users[user]
    if user in SIGNED_IN_AS:
        login_without_2fa(client, person)
    elif person is not None:
        client.force_login(person)
    before = fingerprint() if probe.is_write else None

    response = send(client, token, probe, matrix_world)

    url_name = resolve(urlsplit(fill(probe.url, matrix_world)).path).url_name
    expected = probe.expected(user, url_name)
    assert expected.matches(response), (
        f"{user}: {probe.method} {fill(probe.url, matrix_world)} gave {describe(response)}, expected {expected!r}"
    )
    body = body_text(response)
    if not probe.shows_a_to(user, url_name):
        for text in (*A_PRIVATE, *probe.absent):
            assert text not in body, f"{user} sees {text!r} in {probe.method} {fill(probe.url, matrix_world)}"
    if probe.names_a and probe.shows_a_to(user, url_name) and expected == OK:
        assert A_NAME in body, f"{user}: {probe.url} should name learner A (else the checks above prove nothing)"
    if user != LEARNER_A:
        assert A_REFLECTION not in body, f"{user} sees learner A's private reflection"
    if before is not None:
        after = fingerprint()
        changed = sorted(label for label in before if before[label] != after[label])
        if probe.changes_for(user, url_name):
            assert changed, f"{user}: {probe.method} {probe.url} was expected to change something and did not"
        else:
            assert not changed, f"{user}: {probe.method} {probe.url} was refused but changed {changed}"
