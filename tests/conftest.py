import pytest
from django.core.cache import cache
from django.http import HttpRequest
from django.test.client import ClientMixin

from cms.site.services import site_home_ensure
from courses.catalogue.services import catalog_ensure
from tests.auth import force_login_verified, login_without_2fa
from tests.factories import LearnerFactory, build_course


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _two_factor_verified_force_login(monkeypatch):
    """``client.force_login(user)`` gives people with admin access a session that has passed two-factor authentication.

    So tests of admin pages need no code. For a session that has not passed it (the tests of
    two-factor authentication itself), use ``tests.auth.login_without_2fa`` or the ``unverified_login``
    fixture. See ``tests/auth.py``.
    """
    monkeypatch.setattr(ClientMixin, "force_login", force_login_verified)


@pytest.fixture
def unverified_login():
    """``unverified_login(client, user)``: logs in without passing two-factor authentication."""
    return login_without_2fa


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counts and API token lockouts live in the cache: every test starts without any."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _client_login_with_a_request(monkeypatch):
    """``client.login(...)`` works with django-axes, which refuses to authenticate without a request.

    Django's test client calls ``authenticate()`` without one; this passes one from the test client's
    address, as the login forms do. Failed logins still count towards a lockout.
    """
    django_login = ClientMixin.login

    def login(self, **credentials):
        if "request" not in credentials:
            credentials["request"] = HttpRequest()
            credentials["request"].META["REMOTE_ADDR"] = "127.0.0.1"
        return django_login(self, **credentials)

    monkeypatch.setattr(ClientMixin, "login", login)


@pytest.fixture
def home(db):
    return site_home_ensure()


@pytest.fixture
def catalog(home):
    return catalog_ensure(home=home)


@pytest.fixture
def course(catalog):
    return build_course(catalog)


@pytest.fixture
def learner(db):
    return LearnerFactory()


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client
