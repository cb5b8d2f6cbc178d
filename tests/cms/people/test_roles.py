"""Roles: learners have no admin, trainers edit courses, supervisors reach the admin but edit no pages."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from cms.models import Team
from cms.people.roles import ROLE_GROUPS
from tests.factories import AdminFactory, LearnerFactory, SupervisorFactory, TeamFactory, TrainerFactory, course_lessons

pytestmark = pytest.mark.django_db


def test_role_groups_exist_and_wagtail_starter_groups_are_gone():
    names = set(Group.objects.values_list("name", flat=True))
    assert set(ROLE_GROUPS) <= names
    assert not {"Editors", "Moderators"} & names


def test_learner_gets_no_admin_access(client):
    client.force_login(LearnerFactory())
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_trainer_can_edit_lessons_in_the_admin(client, course):
    client.force_login(TrainerFactory())
    lesson = course_lessons(course)[0]
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{lesson.pk}/edit/").status_code == 200
    module = lesson.get_parent()
    assert client.get(f"/admin/pages/add/courses/lessonpage/{module.pk}/").status_code == 200


def test_trainer_cannot_edit_the_home_page(client, home):
    client.force_login(TrainerFactory())
    assert client.get(f"/admin/pages/{home.pk}/edit/").status_code in (302, 403)


def test_supervisor_reaches_the_admin_but_cannot_edit_pages(client, course):
    supervisor = SupervisorFactory()
    client.force_login(supervisor)
    lesson = course_lessons(course)[0]
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/pages/{lesson.pk}/edit/").status_code in (302, 403)
    assert not lesson.permissions_for_user(supervisor).can_edit()


def test_only_administrators_manage_teams(client):
    client.force_login(TrainerFactory())
    assert client.get("/admin/snippets/cms/team/").status_code in (302, 403)


def test_administrator_creates_a_team_in_the_admin(client):
    client.force_login(AdminFactory())
    supervisor, member = SupervisorFactory(), LearnerFactory()
    response = client.post(
        "/admin/snippets/cms/team/add/",
        {"name": "Eastside clinic peers", "description": "", "supervisors": [supervisor.pk], "members": [member.pk]},
    )
    assert response.status_code == 302
    team = Team.objects.get(name="Eastside clinic peers")
    assert list(team.supervisors.all()) == [supervisor]
    assert list(team.members.all()) == [member]


def test_only_supervisors_and_administrators_can_be_chosen_as_team_supervisors(client):
    admin = AdminFactory()
    supervisor, learner = SupervisorFactory(), LearnerFactory()
    client.force_login(admin)
    response = client.post(
        "/admin/snippets/cms/team/add/",
        {"name": "Wrong lead", "description": "", "supervisors": [learner.pk], "members": []},
    )
    assert response.status_code == 200
    assert "supervisors" in response.context["form"].errors
    choices = set(response.context["form"].fields["supervisors"].queryset)
    assert choices == {admin, supervisor}


def test_a_team_needs_a_supervisor(client):
    client.force_login(AdminFactory())
    response = client.post("/admin/snippets/cms/team/add/", {"name": "No lead", "description": "", "supervisors": []})
    assert response.status_code == 200
    assert not Team.objects.filter(name="No lead").exists()


def test_team_lists_supervisors_and_members():
    supervisor, member = SupervisorFactory(full_name="Priya Raman"), LearnerFactory()
    team = TeamFactory()
    team.supervisors.add(supervisor)
    team.members.add(member)
    assert team.supervisor_names() == "Priya Raman"
    assert team.member_count() == 1
    assert list(supervisor.supervised_teams.all()) == [team]


def test_administrator_creates_a_user_with_full_and_preferred_names(client):
    client.force_login(AdminFactory())
    form_page = client.get("/admin/users/new/").content.decode()
    assert 'name="full_name"' in form_page and 'name="preferred_name"' in form_page
    response = client.post(
        "/admin/users/new/",
        {
            "email": "new.peer@example.org",
            "full_name": "Dana Brooks",
            "preferred_name": "Dana",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
            "groups": [Group.objects.get(name="Learners").pk],
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="new.peer@example.org")
    assert (user.full_name, user.preferred_name) == ("Dana Brooks", "Dana")
    edit_page = client.get(f"/admin/users/edit/{user.pk}/").content.decode()
    assert 'value="Dana Brooks"' in edit_page


def test_admin_account_page_needs_admin_access(client):
    assert client.get("/admin/account/").status_code == 302
    client.force_login(LearnerFactory())
    response = client.get("/admin/account/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_admin_account_page_edits_names(client):
    admin = AdminFactory(full_name="Sam Okafor")
    client.force_login(admin)
    page = client.get("/admin/account/")
    assert b'name="name_email-full_name"' in page.content
    assert b'name="name_email-first_name"' not in page.content
    form_data = {
        "name_email-full_name": "Samuel Okafor",
        "name_email-preferred_name": "Sam",
        "name_email-email": admin.email,
        "locale-preferred_language": "en",
        "locale-current_time_zone": "",
        "theme-theme": "system",
        "theme-density": "default",
        "theme-contrast": "system",
        "theme-keyboard_shortcuts": "on",
    }
    response = client.post("/admin/account/", form_data)
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.full_name == "Samuel Okafor"


def test_trainer_publishes_without_an_approval_step(client, course):
    client.force_login(TrainerFactory())
    lesson = course_lessons(course)[0]
    page = client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode()
    assert 'name="action-publish"' in page
    assert "action-submit" not in page
