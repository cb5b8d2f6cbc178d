"""Every operation of the published OpenAPI schema, fed generated requests by a supervisor's token.

Whatever the input, the API must not fail with a server error, and each response must match what the
schema documents for it: status code, content type and body.
"""

from datetime import timedelta

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from certificates.models import Assignment, Certificate
from certificates.services import certificate_issue
from cms.tokens import api_token_create
from tests.factories import LearnerFactory, SupervisorFactory, TeamFactory, build_course, build_program

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Path parameters are mapped onto these, so most requests reach real records; the rest get a 404.
ID_PARAMETERS = {"team_id": "teams", "person_id": "people", "id": "assignments"}
MISSING_ID = 2_000_000_000


@pytest.fixture
def fuzz_data(catalog):
    """A supervised team with a certified learner and one who has not started, another team, and an assignment."""
    course = build_course(catalog, modules=1, lessons_per_module=1)
    program = build_program([course], name="Perinatal Peer Support Specialist Certificate")
    team, other_team = TeamFactory(name="Northside Clinic"), TeamFactory(name="Riverside Program")
    supervisor = SupervisorFactory()
    team.supervisors.add(supervisor)
    rosa, ben, cara = (LearnerFactory(full_name=name) for name in ["Rosa Delgado", "Ben Avery", "Cara Lin"])
    team.members.add(rosa, ben)
    other_team.members.add(cara)
    certificate, _ = certificate_issue(user=rosa, program=program, issued_at=timezone.now())
    Certificate.objects.filter(pk=certificate.pk).update(expires_on=timezone.localdate() + timedelta(days=20))
    assignment = Assignment.objects.create(
        course=course, team=team, due_on=timezone.localdate() + timedelta(days=14), assigned_by=supervisor
    )
    _token, plaintext = api_token_create(user=supervisor, name="Fuzzing")
    return {
        "token": plaintext,
        "teams": [team.pk, other_team.pk, MISSING_ID],
        "people": [rosa.pk, ben.pk, cara.pk, supervisor.pk, MISSING_ID],
        "assignments": [assignment.pk, MISSING_ID],
    }


@pytest.fixture
def _connections_kept_open():
    """Requests go through the WSGI application, whose request signals would close the test's database connection
    (and with it the test's transaction on PostgreSQL); Django's test client disconnects them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded through the schema view, exactly as clients download it.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
# Valid requests only: the question is whether the API answers them as documented.
schema.config.phases.update(phases=["examples", "fuzzing"])
schema.config.generation.update(modes=[GenerationMode.POSITIVE])


def prepare_request(case, fuzz_data) -> None:
    """Map generated ids onto the data set's records (and one that does not exist), so most requests find one.

    Other ids are left as generated: one the URL patterns do not accept (a negative number) matches no
    endpoint, and must still get the API's documented JSON 404.
    """
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, int) and name in ID_PARAMETERS:
            known = fuzz_data[ID_PARAMETERS[name]]
            case.path_parameters[name] = known[value % len(known)]


@pytest.mark.django_db
@pytest.mark.usefixtures("_connections_kept_open")
@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_documented(case, fuzz_data):
    # The token's rate limit would otherwise turn later examples into 429s.
    cache.clear()
    prepare_request(case, fuzz_data)
    response = case.call(headers={"Authorization": f"Bearer {fuzz_data['token']}"})
    case.validate_response(response, checks=CHECKS)
