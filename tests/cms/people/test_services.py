"""Writes for people: a person's names and email address change through one service, from every page."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cms.people import services
from tests.factories import AdminFactory, LearnerFactory

pytestmark = pytest.mark.django_db

RLO = "\u202e"
ADMIN_ACCOUNT_FORM = {
    "name_email-preferred_name": "Sam",
    "locale-preferred_language": "en",
    "locale-current_time_zone": "",
    "theme-theme": "system",
    "theme-density": "default",
    "theme-contrast": "system",
    "theme-keyboard_shortcuts": "on",
}


def test_profile_update_saves_names():
    person = LearnerFactory(full_name="Jordan Ellis", preferred_name="")
    services.user_profile_update(user=person, full_name="Jordan Avery Ellis", preferred_name="Jo")
    person.refresh_from_db()
    assert (person.full_name, person.preferred_name) == ("Jordan Avery Ellis", "Jo")


def test_profile_update_refuses_a_name_a_certificate_could_not_print():
    person = LearnerFactory(full_name="Ana Perez")
    with pytest.raises(ValidationError) as refused:
        services.user_profile_update(user=person, full_name=f"Ana {RLO}zereP", preferred_name="")
    assert "full_name" in refused.value.message_dict
    person.refresh_from_db()
    assert person.full_name == "Ana Perez"


def test_profile_update_refuses_an_address_someone_else_holds():
    LearnerFactory(email="taken@example.org")
    person = LearnerFactory(email="mine@example.org")
    with pytest.raises(ValidationError) as refused:
        services.user_profile_update(user=person, full_name="Kim Lee", preferred_name="", email="Taken@Example.org")
    assert "email" in refused.value.message_dict
    person.refresh_from_db()
    assert person.email == "mine@example.org"


def test_the_profile_page_saves_through_the_service(client):
    person = LearnerFactory(full_name="Jordan Ellis")
    client.force_login(person)
    with mock.patch("cms.site.views.user_profile_update", wraps=services.user_profile_update) as update:
        client.post(reverse("profile"), {"full_name": "Jordan Avery Ellis", "preferred_name": "Jo"})
    update.assert_called_once()
    person.refresh_from_db()
    assert person.full_name == "Jordan Avery Ellis"


def test_the_admin_account_page_saves_through_the_service(client):
    admin = AdminFactory(full_name="Sam Okafor")
    client.force_login(admin)
    form = {**ADMIN_ACCOUNT_FORM, "name_email-full_name": "Samuel Okafor", "name_email-email": "Sam.New@Example.org"}
    with mock.patch("cms.people.profile.user_profile_update", wraps=services.user_profile_update) as update:
        client.post("/admin/account/", form)
    update.assert_called_once()
    admin.refresh_from_db()
    assert (admin.full_name, admin.preferred_name, admin.email) == ("Samuel Okafor", "Sam", "sam.new@example.org")
