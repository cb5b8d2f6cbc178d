"""One setting, SITE_URL, decides the address of every absolute link, and one function writes them."""

import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from cms.links import absolute_page_url, absolute_url, site_protocol_and_domain, site_url
from cms.privacy.personal_data import personal_data_export
from tests.factories import LearnerFactory

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://training.example.org"


@pytest.fixture
def public_address(settings):
    settings.SITE_URL = PUBLIC + "/"  # a trailing slash is allowed and dropped
    settings.WAGTAILADMIN_BASE_URL = PUBLIC  # as cms/settings/base.py sets it from SITE_URL (Wagtail's own emails)
    return PUBLIC


def test_absolute_url_writes_a_path_on_the_configured_address(public_address):
    assert site_url() == PUBLIC
    assert absolute_url("/verify/abc/") == PUBLIC + "/verify/abc/"
    assert absolute_url() == PUBLIC + "/"
    assert site_protocol_and_domain() == ("https", "training.example.org")


def test_absolute_url_refuses_what_is_not_a_path():
    with pytest.raises(ValueError):
        absolute_url("verify/abc/")


@pytest.mark.django_db
def test_page_links_use_the_configured_address_not_the_site_record(public_address, home):
    assert absolute_page_url(home) == PUBLIC + "/"


@pytest.mark.django_db
def test_sign_up_email_links_to_the_configured_address(client, public_address):
    client.post(reverse("signup"), {"full_name": "Renee Alvarez", "email": "renee@example.org"})
    [message] = mail.outbox
    assert f"{PUBLIC}/account/signup/confirm/" in message.body


@pytest.mark.django_db
@pytest.mark.parametrize("reset_page", ["/account/password/reset/", "/admin/password_reset/"])
def test_password_reset_emails_link_to_the_configured_address_whatever_the_request_host(
    client, public_address, reset_page
):
    LearnerFactory(email="jordan@example.org")
    client.post(reset_page, {"email": "jordan@example.org"}, HTTP_HOST="127.0.0.1:8002")
    [message] = mail.outbox
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.startswith(PUBLIC + "/") for link in links), links


@pytest.mark.django_db
def test_the_privacy_export_names_the_configured_address(public_address):
    assert personal_data_export(user=LearnerFactory())["site"] == PUBLIC


# Nothing else reads the address or builds links from the request -------------------------------------------

READS_THE_ADDRESS = re.compile(
    r"WAGTAILADMIN_BASE_URL|SITE_URL|build_absolute_uri|get_current_site|request\.get_host\(\)"
)
ALLOWED = {
    "cms/links.py",  # the one function
    "cms/settings/base.py",  # the one setting
    "cms/settings/test.py",
}
# Checking that a redirect stays on this site is not writing a link.
SAFE_REDIRECT_CHECK = "allowed_hosts={request.get_host()}"


def test_only_cms_links_reads_the_address_or_builds_absolute_links_from_a_request():
    offenders = []
    for app in ("cms", "assessments", "courses", "certificates"):
        for path in sorted((ROOT / app).rglob("*")):
            if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            if relative in ALLOWED:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if READS_THE_ADDRESS.search(line.replace(SAFE_REDIRECT_CHECK, "")):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "use cms.links.absolute_url:\n" + "\n".join(offenders)
