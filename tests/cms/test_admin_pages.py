"""The hand-built admin pages of cms: who may open them, in which order refusals come, their titles and breadcrumbs."""

import pytest
from django.urls import reverse

from tests.factories import AdminFactory, LearnerFactory, SupervisorFactory, TrainerFactory

pytestmark = pytest.mark.django_db

HOME = {"url": reverse("wagtailadmin_home"), "label": "Home"}


def breadcrumbs(response) -> list[dict]:
    return [{"url": str(item["url"]), "label": str(item["label"])} for item in response.context["breadcrumbs_items"]]


def titles(response) -> tuple[str, str]:
    return str(response.context["page_title"]), str(response.context["page_subtitle"])


@pytest.mark.parametrize(
    ("url_name", "title"),
    [("two_factor_reset", "Reset two-factor authentication"), ("cms_user_erase", "Delete personal data")],
)
def test_an_action_on_a_person_is_titled_with_the_action_under_users_and_the_person(client, url_name, title):
    person = LearnerFactory(full_name="Ana Reyes")
    client.force_login(AdminFactory())

    response = client.get(reverse(url_name, args=[person.pk]))

    assert response.status_code == 200
    assert titles(response) == (title, "Ana Reyes")
    assert breadcrumbs(response) == [
        HOME,
        {"url": reverse("wagtailusers_users:index"), "label": "Users"},
        {"url": reverse("wagtailusers_users:edit", args=[person.pk]), "label": "Ana Reyes"},
        {"url": "", "label": title},
    ]


@pytest.mark.parametrize("url_name", ["two_factor_reset", "cms_user_erase"])
def test_an_unknown_person_is_not_found_for_anyone_and_a_known_one_refused_to_others(client, url_name):
    client.force_login(SupervisorFactory())
    assert client.get(reverse(url_name, args=[999999])).status_code == 404
    # Wagtail answers a refused admin page by returning to the dashboard with a message.
    assert client.get(reverse(url_name, args=[LearnerFactory().pk]))["Location"] == reverse("wagtailadmin_home")

    client.force_login(AdminFactory())
    assert client.get(reverse(url_name, args=[999999])).status_code == 404


def test_administrators_delete_their_own_data_from_their_profile_not_here(client):
    admin = AdminFactory()
    client.force_login(admin)
    assert client.get(reverse("cms_user_erase", args=[admin.pk]))["Location"] == reverse("wagtailadmin_home")


@pytest.mark.parametrize(
    ("url_name", "title", "factory"),
    [
        ("background_tasks_report", "Background tasks", AdminFactory),
        ("api_tokens", "API tokens", AdminFactory),
        ("two_factor", "Two-factor authentication", TrainerFactory),
    ],
)
def test_a_page_of_its_own_sits_under_home(client, url_name, title, factory):
    client.force_login(factory())

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert titles(response) == (title, "")
    assert breadcrumbs(response) == [HOME, {"url": "", "label": title}]


@pytest.mark.parametrize(
    ("label", "shown_to", "hidden_from"),
    [("Background tasks", AdminFactory, SupervisorFactory), ("API tokens", AdminFactory, TrainerFactory)],
)
def test_a_menu_item_shows_to_the_people_its_page_lets_in(client, label, shown_to, hidden_from):
    client.force_login(shown_to())
    assert label in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(hidden_from())
    assert label not in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize("mixin", ["PersonPageMixin", "UserActionMixin"])
def test_a_person_page_that_does_not_say_whom_it_opens_opens_nobody(rf, mixin):
    from django.core.exceptions import PermissionDenied

    from cms import admin_pages
    from tests.auth import verified

    class Unfinished(getattr(admin_pages, mixin), admin_pages.AdminPageView):
        allowed = staticmethod(admin_pages.anyone)
        template_name = "wagtailadmin/base.html"

    administrator, learner = AdminFactory(), LearnerFactory()
    request = rf.get("/")
    request.user = verified(administrator)
    with pytest.raises(PermissionDenied):
        Unfinished.as_view()(request, person_id=learner.pk, user_id=learner.pk)
