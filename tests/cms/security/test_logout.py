"""Logging out ends the session on the server, on the site and in the admin, for a GET as for a POST; another
website cannot log anyone out (cms/security/logout.py)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import LearnerFactory, TrainerFactory

pytestmark = pytest.mark.django_db

SITE_LOGOUT, ADMIN_LOGOUT = "/account/logout/", "/admin/logout/"
PROFILE = "/account/profile/"


def _signed_in_copy(client: Client) -> Client:
    """Another browser holding a copy of ``client``'s session cookie."""
    copy = Client()
    copy.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return copy


def _signed_in(client: Client) -> bool:
    return client.get(PROFILE).status_code == 200


@pytest.fixture(params=["learner", "trainer"])
def person(request):
    return LearnerFactory() if request.param == "learner" else TrainerFactory()


@pytest.mark.parametrize("url", [SITE_LOGOUT, ADMIN_LOGOUT], ids=["site", "admin"])
@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("post", {}),
        ("get", {}),  # typed in, or a browser that says nothing
        ("get", {"HTTP_SEC_FETCH_SITE": "same-origin"}),
        ("get", {"HTTP_SEC_FETCH_SITE": "none"}),
        ("head", {"HTTP_SEC_FETCH_SITE": "same-origin"}),
    ],
    ids=["POST", "GET", "GET-same-origin", "GET-typed", "HEAD"],
)
def test_logging_out_ends_the_session_so_a_copied_cookie_stops_working(client, person, url, method, headers):
    client.force_login(person)
    copy = _signed_in_copy(client)
    assert _signed_in(copy)  # the copy works until the logout: otherwise this test would prove nothing

    response = getattr(client, method)(url, **headers)

    assert response.status_code == 302
    expected = reverse("wagtailadmin_login") if url == ADMIN_LOGOUT else settings.LOGOUT_REDIRECT_URL
    assert response["Location"] == expected
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""  # the browser forgets it too
    assert not _signed_in(copy)
    assert not _signed_in(client)


@pytest.mark.parametrize("url", [SITE_LOGOUT, ADMIN_LOGOUT], ids=["site", "admin"])
@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site"])
def test_another_site_cannot_log_anyone_out_the_page_asks_first(client, person, url, fetch_site):
    client.force_login(person)
    copy = _signed_in_copy(client)

    page = client.get(url, {"next": "/learn/"}, HTTP_SEC_FETCH_SITE=fetch_site)

    assert page.status_code == 200
    content = page.content.decode()
    assert "Log out?" in content and "Another website sent you here." in content
    assert f'<form method="post" action="{url}"' in content
    assert 'name="csrfmiddlewaretoken"' in content
    assert settings.SESSION_COOKIE_NAME not in page.cookies
    assert _signed_in(copy) and _signed_in(client)
    # The button logs out, and goes where the link said.
    response = client.post(url, {"next": "/learn/"})
    assert response["Location"] == "/learn/"
    assert not _signed_in(copy)


def test_the_confirmation_pages_look_like_the_site_and_the_admin(client, person):
    client.force_login(person)
    site = client.get(SITE_LOGOUT, HTTP_SEC_FETCH_SITE="cross-site").content.decode()
    admin = client.get(ADMIN_LOGOUT, HTTP_SEC_FETCH_SITE="cross-site").content.decode()
    assert 'class="site-header"' in site
    assert 'class="site-header"' not in admin
    assert "wagtailadmin/css/core.css" in admin and 'class="login' in admin


@pytest.mark.parametrize("url", [SITE_LOGOUT, ADMIN_LOGOUT], ids=["site", "admin"])
@pytest.mark.parametrize("method", ["options", "put", "delete", "patch"])
def test_other_methods_neither_end_the_session_nor_forget_the_cookie(client, person, url, method):
    """Wagtail's view deleted the cookie (and said "logged out") for any method, ending nothing on the server."""
    client.force_login(person)
    copy = _signed_in_copy(client)
    response = getattr(client, method)(url)
    assert response.status_code in (200, 405)
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert _signed_in(copy) and _signed_in(client)


@pytest.mark.parametrize("url", [SITE_LOGOUT, ADMIN_LOGOUT], ids=["site", "admin"])
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(person, url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    response = client.post(url)
    assert response.status_code == 403
    assert _signed_in(client)


def test_the_admin_says_it_logged_you_out(client):
    client.force_login(TrainerFactory())
    page = client.get(ADMIN_LOGOUT, follow=True)
    assert page.redirect_chain == [(reverse("wagtailadmin_login"), 302)]
    assert "You have been successfully logged out." in page.content.decode()


def test_logging_out_goes_only_to_this_sites_pages(client, person):
    client.force_login(person)
    response = client.get(SITE_LOGOUT, {"next": "https://elsewhere.example/"})
    assert response["Location"] == settings.LOGOUT_REDIRECT_URL
    assert not _signed_in(client)


def test_logging_out_when_not_logged_in_just_goes_on(client):
    assert client.get(SITE_LOGOUT)["Location"] == settings.LOGOUT_REDIRECT_URL
    assert client.get(ADMIN_LOGOUT)["Location"] == reverse("wagtailadmin_login")
