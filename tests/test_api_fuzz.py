"""Every operation of the published OpenAPI schema, fed generated requests with real ids.

The learner's operations (their attempts, enrollments and certificates) are called in a learner's
signed-in session, with an attempt open, one submitted and another learner's attempt among the ids;
the supervisors' operations with a supervisor's personal token. Whatever the input, the API must not
fail with a server error, and each response must match what the schema documents for it: status
code, content type and body.
"""

from datetime import timedelta

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assessments.attempts.services import attempt_start, attempt_submit
from certificates.issuance.models import Certificate
from certificates.issuance.services import certificate_issue
from certificates.tracking.models import Assignment
from cms.security.api_tokens.services import api_token_create
from tests.factories import (
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    build_course,
    build_program,
    build_quiz,
    module_with_quiz,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Path parameters are mapped onto these, so most requests reach real records; the rest get a 404.
ID_PARAMETERS = {
    "team_id": "teams",
    "person_id": "people",
    "id": "assignments",
    "attempt_id": "attempts",
    "quiz_id": "quizzes",
}
# Operations a learner uses, in their signed-in session; the rest are the supervisors' (a token).
LEARNER_PATHS = ("/api/v1/attempts/", "/api/v1/quizzes/", "/api/v1/me/", "/api/v1/courses/", "/api/v1/verify/")
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

    # Ben's quizzes: one attempt open (feedback at once, so answers lock), one graded attempt open, one
    # submitted; Cara's attempt, which is not Ben's to see; a quiz that is not published.
    practice, graded, finished = (
        build_quiz(title="Practice"),
        build_quiz(title="Graded", feedback_timing="after_submission"),
        build_quiz(title="Done"),
    )
    module_with_quiz(course, practice)
    open_practice = attempt_start(user=ben, quiz=practice).attempt
    open_graded = attempt_start(user=ben, quiz=graded).attempt
    submitted = attempt_submit(attempt=attempt_start(user=ben, quiz=finished).attempt)
    others = attempt_start(user=cara, quiz=practice).attempt
    draft = build_quiz(title="Draft", publish_it=False)
    return {
        "token": plaintext,
        "session": _session(ben),
        "teams": [team.pk, other_team.pk, MISSING_ID],
        "people": [rosa.pk, ben.pk, cara.pk, supervisor.pk, MISSING_ID],
        "assignments": [assignment.pk, MISSING_ID],
        "attempts": [open_practice.pk, open_graded.pk, submitted.pk, others.pk, MISSING_ID],
        "quizzes": [practice.pk, graded.pk, finished.pk, draft.pk, MISSING_ID],
        "question_keys": {a.pk: a.question_keys for a in (open_practice, open_graded, submitted, others)},
    }


def _session(user) -> dict:
    """What a browser signed in as ``user`` sends to the API: the session and CSRF cookies, and the CSRF header."""
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)
    return {
        "cookies": {
            django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value,
            django_settings.CSRF_COOKIE_NAME: csrf,
        },
        "headers": {"X-CSRFToken": csrf},
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
    parameters = case.path_parameters or {}
    for name, value in parameters.items():
        if isinstance(value, int) and name in ID_PARAMETERS:
            known = fuzz_data[ID_PARAMETERS[name]]
            case.path_parameters[name] = known[value % len(known)]
    if "question_key" in parameters:
        # Mostly a question of the attempt asked about, sometimes one that is not (a 404).
        keys = fuzz_data["question_keys"].get(parameters.get("attempt_id"), [])
        generated = str(parameters["question_key"])
        if keys and len(generated) % 4:
            parameters["question_key"] = keys[len(generated) % len(keys)]


@pytest.mark.django_db
@pytest.mark.usefixtures("_connections_kept_open")
@schema.parametrize()
@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_as_documented(case, fuzz_data):
    # The token's rate limit would otherwise turn later examples into 429s.
    cache.clear()
    prepare_request(case, fuzz_data)
    if case.path.startswith(LEARNER_PATHS):
        # A browser's session: no generated bearer token stands in front of it.
        (case.headers or {}).pop("Authorization", None)
        response = case.call(**fuzz_data["session"])
    else:
        response = case.call(headers={"Authorization": f"Bearer {fuzz_data['token']}"})
    case.validate_response(response, checks=CHECKS)
