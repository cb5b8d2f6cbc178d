import pytest
from django.contrib.auth.models import Group

from assessments.models import Competency
from cms.people.roles import TRAINERS
from tests.factories import TrainerFactory

pytestmark = pytest.mark.django_db


def test_samhsa_twelve_categories_are_seeded_in_order():
    names = list(Competency.objects.values_list("name", flat=True))
    assert len(names) == 12
    assert names[0] == "Engages peers in collaborative and caring relationships"
    assert names[8] == "Values communication"
    assert names[-1] == "Promotes growth and development"


def test_trainers_can_edit_competencies_as_data():
    trainers = Group.objects.get(name=TRAINERS)
    codenames = set(trainers.permissions.values_list("codename", flat=True))
    assert {"add_competency", "change_competency", "delete_competency"} <= codenames


def test_trainer_edits_a_competency_in_the_admin(client):
    client.force_login(TrainerFactory())
    competency = Competency.objects.get(code="values-communication")
    url = f"/admin/snippets/assessments/competency/edit/{competency.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Values communication",
            "code": "values-communication",
            "description": "Listens first; explains plainly.",
            "framework": competency.framework,
            "sort_order": 9,
        },
    )
    assert response.status_code == 302
    competency.refresh_from_db()
    assert competency.description == "Listens first; explains plainly."
