"""The Admin link in the site header: shown to those who may open the admin, without a query for anyone else."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.people.roles import TRAINERS
from tests.factories import TrainerFactory

pytestmark = pytest.mark.django_db

ADMIN_LINK = 'href="/admin/"'


def permission_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return [q["sql"] for q in queries.captured_queries if "auth_permission" in q["sql"]]


def test_a_learner_sees_no_admin_link_and_costs_no_permission_query(learner_client, home):
    assert ADMIN_LINK not in learner_client.get("/learn/").content.decode()
    assert permission_queries(learner_client, "/learn/") == []


def test_a_trainer_sees_the_admin_link_until_they_lose_the_role(client, home):
    trainer = TrainerFactory()
    client.force_login(trainer)
    assert ADMIN_LINK in client.get("/learn/").content.decode()
    trainer.groups.remove(Group.objects.get(name=TRAINERS))
    assert ADMIN_LINK not in client.get("/learn/").content.decode()


def test_a_group_losing_admin_access_hides_the_link_at_once(client, home):
    trainer = TrainerFactory()
    client.force_login(trainer)
    assert ADMIN_LINK in client.get("/learn/").content.decode()
    Group.objects.get(name=TRAINERS).permissions.remove(Permission.objects.get(codename="access_admin"))
    assert ADMIN_LINK not in client.get("/learn/").content.decode()
