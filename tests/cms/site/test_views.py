"""Sign-up, log in by email, log out, password reset and the profile page."""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from cms.people.roles import LEARNERS
from tests.factories import PASSWORD, LearnerFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

SIGNUP = {
    "full_name": "Renee Alvarez",
    "preferred_name": "Renee",
    "email": "Renee@Example.org",
}
PASSWORDS = {"password1": "a-long-and-unusual-passphrase", "password2": "a-long-and-unusual-passphrase"}


def _emailed_link(message, prefix: str) -> str:
    """The path of the link in ``message`` that starts with ``prefix``."""
    return next(urlsplit(line.strip()).path for line in message.body.splitlines() if prefix in line)


def test_sign_up_emails_a_link_then_creates_a_learner_and_logs_them_in(client):
    response = client.post(reverse("signup"), SIGNUP, follow=True)
    assert response.redirect_chain == [(reverse("signup_sent"), 302)]
    assert b"Check your email" in response.content
    assert not User.objects.exists()
    [message] = mail.outbox
    assert message.to == ["renee@example.org"]
    link = _emailed_link(message, "/account/signup/confirm/")

    page = client.get(link)
    assert b"Choose your password" in page.content and b"renee@example.org" in page.content
    assert page["Referrer-Policy"] == "same-origin"
    response = client.post(link, PASSWORDS, follow=True)
    user = User.objects.get(email="renee@example.org")
    assert (user.full_name, user.preferred_name) == ("Renee Alvarez", "Renee")
    assert list(user.groups.values_list("name", flat=True)) == [LEARNERS]
    assert not user.is_staff and not user.is_superuser
    assert user.check_password(PASSWORDS["password1"])
    assert response.context["user"] == user
    assert b"Welcome, Renee" in response.content


def test_a_sign_up_link_works_once(client):
    client.post(reverse("signup"), SIGNUP)
    link = _emailed_link(mail.outbox[0], "/account/signup/confirm/")
    client.post(link, PASSWORDS)
    client.post(reverse("logout"))
    again = client.post(link, {"password1": "someone-elses-passphrase", "password2": "someone-elses-passphrase"})
    assert b"This link no longer works" in again.content
    assert User.objects.get().check_password(PASSWORDS["password1"])


def test_an_altered_or_expired_sign_up_link_does_not_work(client, settings):
    client.post(reverse("signup"), SIGNUP)
    link = _emailed_link(mail.outbox[0], "/account/signup/confirm/")
    tampered = link[:-2] + ("A" if link[-2] != "A" else "B") + "/"
    assert b"This link no longer works" in client.get(tampered).content
    settings.SIGNUP_LINK_MAX_AGE = -1
    assert b"This link no longer works" in client.post(link, PASSWORDS).content
    assert not User.objects.exists()


def test_sign_up_shows_field_errors_and_saves_nothing(client):
    response = client.post(reverse("signup"), {**SIGNUP, "full_name": "", "email": "not-an-address"})
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert "email" in response.context["form"].errors
    assert b'class="errorlist"' in response.content
    assert mail.outbox == []


def test_choosing_the_password_checks_it(client):
    client.post(reverse("signup"), SIGNUP)
    link = _emailed_link(mail.outbox[0], "/account/signup/confirm/")
    response = client.post(link, {"password1": "renee@example.org", "password2": "renee@example.org"})
    assert "password2" in response.context["form"].errors  # too much like the email address
    response = client.post(link, {**PASSWORDS, "password2": "different-passphrase"})
    assert "password2" in response.context["form"].errors
    assert not User.objects.exists()


def test_sign_up_can_be_switched_off(client, settings):
    client.post(reverse("signup"), SIGNUP)
    link = _emailed_link(mail.outbox[0], "/account/signup/confirm/")
    settings.SIGNUP_ENABLED = False
    assert client.get(reverse("signup")).status_code == 404
    assert client.post(reverse("signup"), SIGNUP).status_code == 404
    assert client.get(reverse("signup_sent")).status_code == 404
    assert client.post(link, PASSWORDS).status_code == 404
    assert len(mail.outbox) == 1
    assert not User.objects.exists()


def test_log_in_with_email_in_any_case_and_log_out(client):
    LearnerFactory(email="jordan@example.org")
    response = client.post(reverse("login"), {"username": "JORDAN@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("my-learning")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("my-learning")).url.startswith(reverse("login"))


def test_wrong_password_shows_an_error(client):
    LearnerFactory(email="jordan@example.org")
    response = client.post(reverse("login"), {"username": "jordan@example.org", "password": "nope"})
    assert response.status_code == 200
    assert b"That email and password don&#x27;t match an account." in response.content


def test_password_reset_sends_a_working_link(client):
    LearnerFactory(email="jordan@example.org")
    response = client.post(reverse("password_reset"), {"email": "jordan@example.org"})
    assert response.url == reverse("password_reset_done")
    [message] = mail.outbox
    link = next(line for line in message.body.splitlines() if "/account/password/reset/" in line)
    path = link.split("127.0.0.1:8000", 1)[1]
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "another-good-passphrase", "new_password2": "another-good-passphrase"}
    )
    assert done.url == reverse("password_reset_complete")
    assert client.login(username="jordan@example.org", password="another-good-passphrase")


def test_password_reset_does_not_reveal_unknown_addresses(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_profile_edits_names(client):
    user = LearnerFactory(full_name="Jordan Ellis")
    client.force_login(user)
    response = client.post(reverse("profile"), {"full_name": "Jordan Avery Ellis", "preferred_name": "Jo"}, follow=True)
    user.refresh_from_db()
    assert (user.full_name, user.preferred_name) == ("Jordan Avery Ellis", "Jo")
    assert b"Your profile has been saved." in response.content


def test_profile_requires_a_full_name(client):
    user = LearnerFactory(full_name="Jordan Ellis")
    client.force_login(user)
    response = client.post(reverse("profile"), {"full_name": "", "preferred_name": "Jo"})
    assert "full_name" in response.context["form"].errors
    user.refresh_from_db()
    assert user.full_name == "Jordan Ellis"


def test_short_name_prefers_the_preferred_name():
    assert User(full_name="Beatriz Nguyen", preferred_name="Bea").get_short_name() == "Bea"
    assert User(full_name="Beatriz Nguyen").get_short_name() == "Beatriz"


def test_create_superuser_by_email():
    admin = User.objects.create_superuser(email="Admin@Example.org", password=PASSWORD, full_name="Sam Okafor")
    assert admin.email == "admin@example.org" and admin.is_superuser and admin.is_staff
