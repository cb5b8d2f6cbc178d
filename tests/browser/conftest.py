"""Fixtures for browser tests: headless Debian Chromium driven by Playwright against pytest-django's live server.

The browser is never downloaded: the tests use the system Chromium (``CHROMIUM_PATH``, else
``/usr/bin/chromium``, else ``chromium`` on PATH) and skip when there is none, unless
``REQUIRE_BROWSER=1`` (as in CI), which turns the skip into a failure.

The live server needs a transactional database, which is flushed after each test. The flush also
removes what the data migrations created (the Wagtail root page and default site, the role groups,
the competencies), so every browser test asks for a serialized rollback: Django restores the
migrated data before the test, and the test builds its own pages and people on top of it.

Playwright's sync API keeps an asyncio loop running in the test thread. While a loop runs, asgiref
(which holds Django's per-thread database connections) switches to a separate, context-variable store,
so the test thread would silently get new connection objects: without the serialized data (no
rollback restore) and, for SQLite, not the connection shared with the live server. The `browser`
fixture therefore creates the test database first and then puts the existing connection objects into
that store, and `live_server` starts only after the test database exists, so the live server always
shares the test's in-memory SQLite connection as Django's LiveServerTestCase does. Either order of
fixture setup (browser tests alone, or after other database tests) then behaves the same.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread. Django refuses ORM calls from a
# thread with a running event loop unless told it is safe; here it is (one thread drives both).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # On SQLite the live server shares the test's one in-memory connection. A threaded server
    # would let two requests (a page and an autosave, say) use that connection at once, which
    # SQLite refuses ("cannot open savepoint - SQL statements in progress"). One request at a
    # time; Django's server then closes each connection so the browser never waits on a kept one.
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            # The live server thread itself already uses the shared connections.
            super().__init__(*args, **kwargs)

    LiveServerThread.server_class = OneRequestAtATime

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOT_DIR = Path(settings.BASE_DIR) / "var" / "screenshots"

DEMO_PASSWORD = "demo-pass-2026"  # load_demo's documented default
DEMO_LEARNER = "learner@example.org"
# How long to wait for a page or an element. Generous: a cold live server renders its first page slowly.
TIMEOUT_MS = 15_000


def chromium_executable() -> str | None:
    """The Chromium to drive: $CHROMIUM_PATH, else /usr/bin/chromium, else `chromium` on PATH."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    if os.path.isfile("/usr/bin/chromium") and os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = chromium_executable()
    if path is None:
        configured = os.environ.get("CHROMIUM_PATH")
        where = f"CHROMIUM_PATH={configured!r} is not an executable file" if configured else "no Chromium found"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"REQUIRE_BROWSER=1 but {where} (looked at $CHROMIUM_PATH, /usr/bin/chromium, `chromium` on PATH). "
                "Install Debian's chromium package or set CHROMIUM_PATH.",
                pytrace=False,
            )
        pytest.skip("Chromium not found: install Debian's chromium package or set CHROMIUM_PATH")
    return path


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, started only once the test database exists (see the module docstring)."""
    return live_server


@pytest.fixture(scope="session")
def browser(chromium_path, django_db_setup):
    from django.db import connections
    from playwright.sync_api import sync_playwright

    wrappers = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    # Playwright's loop now runs in this thread: keep using the same connection objects (module docstring).
    for alias, wrapper in wrappers.items():
        connections[alias] = wrapper
    try:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def browser_db(django_db_serialized_rollback, live_server):
    """A database the live server can see, holding the data the migrations created."""
    # The site root paths and other Wagtail lookups are cached; the flush between tests does not clear them.
    cache.clear()
    yield
    cache.clear()


def _new_page(browser, live_server, viewport):
    context = browser.new_context(viewport=viewport, base_url=live_server.url, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context, context.new_page()


@pytest.fixture
def page(browser, browser_db, live_server) -> Iterator:
    """A fresh browser context (no cookies) on a phone-sized screen, with URLs relative to the live server."""
    context, page = _new_page(browser, live_server, PHONE)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, browser_db, live_server) -> Iterator:
    """Like `page`, on a desktop-sized screen."""
    context, page = _new_page(browser, live_server, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def demo(browser_db):
    """The real demo curriculum and accounts, made by the `load_demo` command."""
    call_command("load_demo", stdout=io.StringIO())
    from courses.models import CoursePage

    return CoursePage.objects.live().get()


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


def log_in(page, email: str = DEMO_LEARNER, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login form, as a person would."""
    page.goto("/account/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/learn/")


def admin_log_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in to the admin through its form and pass two-factor authentication, as a person would.

    Everyone with admin access must enter a code from their authenticator app (cms/security/two_factor/services.py). The
    person gets a confirmed app here if they have none, and the code is computed from its key, as the
    app would. Ends on the admin dashboard.
    """
    from django.contrib.auth import get_user_model

    from tests.auth import confirmed_app_device, totp_code

    device = confirmed_app_device(get_user_model().objects.get(email__iexact=email))
    page.goto("/admin/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/two-factor/verify/"))
    page.get_by_label("6-digit code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/admin/$"))
