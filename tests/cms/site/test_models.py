"""Site-wide pages: home, 404, 500 and the shared layout."""

import re

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db


def test_home_page_welcomes_visitors_and_lists_courses(client, course, home):
    content = client.get(home.url).content.decode()
    assert "<h1>Peer Support Training</h1>" in content
    assert course.title in content
    assert 'href="/account/signup/"' in content


def _title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.DOTALL)[1].strip()


def test_the_home_page_title_names_the_site_once(client, home):
    assert _title(client.get(home.url)) == "Peer Support Training"


def test_other_pages_are_titled_page_then_site(client, catalog, home):
    assert _title(client.get(catalog.url)) == f"{catalog.title} · Peer Support Training"
    assert _title(client.get("/verify/")) == "Verify a certificate · Peer Support Training"


def test_the_navigation_has_a_menu_button_for_narrow_screens(client, home):
    content = client.get(home.url).content.decode()
    assert (
        '<button type="button" class="site-nav__toggle" aria-expanded="false" aria-controls="site-nav-list"' in content
    )
    assert '<ul id="site-nav-list">' in content and "cms/site-nav.js" in content


def test_layout_has_skip_link_landmarks_and_navigation(client, catalog, home):
    content = client.get(home.url).content.decode()
    assert content.index('class="skip-link" href="#main"') < content.index("<header")
    assert '<main id="main"' in content and '<nav class="site-nav" aria-label="Main">' in content
    assert f'href="{catalog.url}"' in content


def test_signed_in_navigation_shows_my_learning_and_hides_admin_from_learners(client, catalog, home):
    client.force_login(LearnerFactory())
    content = client.get(home.url).content.decode()
    assert 'href="/learn/"' in content and 'href="/learn/reflections/"' in content
    assert 'href="/admin/"' not in content


def test_not_found_page_is_friendly(client, home):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_server_error_page_stands_alone():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"Your progress is saved" in response.content
