"""One definition of "requirements met": issuance, the status report, the learner's pages and the API agree."""

import pytest
from django.utils import timezone

from certificates.ce.services import learner_certificates_check
from certificates.issuance.models import Certificate
from certificates.issuance.requirements import program_requirements
from certificates.issuance.selectors import programs_for_issuing
from certificates.tracking.status_rows import status_rows
from courses.models import LessonCompletion
from courses.progress.services import enrollment_create, lesson_complete
from tests.auth import verified
from tests.factories import (
    LearnerFactory,
    SupervisorFactory,
    TeamFactory,
    build_course,
    build_program,
    build_quiz,
    course_lessons,
    module_with_quiz,
    pass_quiz,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervised(catalog):
    supervisor = verified(SupervisorFactory())
    team = TeamFactory()
    team.supervisors.add(supervisor)
    person = LearnerFactory()
    team.members.add(person)
    return supervisor, person


def everywhere(supervisor, person, program, client) -> dict:
    """What each surface says about ``person`` in ``program``."""
    [row] = status_rows(viewer=supervisor, people=[person], programs=[program])
    [requirements] = program_requirements(user=person, programs=list(programs_for_issuing().filter(pk=program.pk)))
    client.force_login(person)
    page = client.get("/certificates/").content.decode()
    api = client.get("/api/v1/me/certificates/").json()
    return {"report": row.status, "met": requirements.met, "page": page, "api": api}


def test_a_passed_quiz_in_a_course_with_no_visible_lessons_completes_it_everywhere(catalog, supervised, client):
    """The report once said "Passed, awaiting certificate" for a course issuance never completed: now all say certified."""
    supervisor, person = supervised
    course = build_course(catalog, modules=1, lessons_per_module=1)
    quiz = build_quiz()
    module_with_quiz(course, quiz)
    program = build_program([course])
    course_lessons(course)[0].unpublish()
    pass_quiz(person, quiz)
    learner_certificates_check(user=person)  # as the quiz's submission does once committed

    seen = everywhere(supervisor, person, program, client)
    assert seen["report"] == "certified" and seen["met"] is True
    assert Certificate.objects.filter(user=person, program=program).exists() and len(seen["api"]) == 1


def test_a_course_with_nothing_published_is_complete_nowhere(catalog, supervised, client):
    supervisor, person = supervised
    course = build_course(catalog, modules=1, lessons_per_module=1)
    program = build_program([course])
    enrollment_create(user=person, course=course)
    lesson_complete(user=person, lesson=course_lessons(course)[0])
    course_lessons(course)[0].unpublish()
    learner_certificates_check(user=person)

    seen = everywhere(supervisor, person, program, client)
    assert seen["report"] != "passed" and seen["met"] is False
    assert f'still to complete: <a href="{course.url}">{course.title}</a>' in seen["page"]
    assert "Nothing to complete yet" in seen["page"]
    assert not Certificate.objects.filter(user=person).exists() and seen["api"] == []


def test_lessons_finished_in_a_withdrawn_module_do_not_count_towards_the_report(catalog, supervised, client):
    supervisor, person = supervised
    course = build_course(catalog, modules=2, lessons_per_module=1)
    program = build_program([course])
    first, second = course_lessons(course)
    enrollment_create(user=person, course=course)
    lesson_complete(user=person, lesson=second)
    second.get_parent().specific.unpublish()  # the module is withdrawn; one lesson is left
    # A completion recorded for the draft lesson must not stand in for the live one.
    LessonCompletion.objects.get_or_create(user=person, lesson=second)

    seen = everywhere(supervisor, person, program, client)
    assert seen["report"] == "not_started" and seen["met"] is False
    lesson_complete(user=person, lesson=first)
    learner_certificates_check(user=person)  # as the lesson's completion does once committed
    seen = everywhere(supervisor, person, program, client)
    assert seen["met"] is True and seen["report"] == "certified"
    assert Certificate.objects.filter(user=person, program=program).exists()


def test_a_passed_row_is_only_shown_while_the_certificate_is_on_its_way(catalog, supervised, client):
    """ "Passed" means requirements met and no certificate yet: here the program is paused, so it stays passed."""
    supervisor, person = supervised
    course = build_course(catalog, modules=1, lessons_per_module=1)
    program = build_program([course], active=True)
    enrollment_create(user=person, course=course)
    program.active = False
    program.save()
    lesson_complete(user=person, lesson=course_lessons(course)[0])
    [row] = status_rows(viewer=supervisor, people=[person], programs=[program])
    assert row.status == "passed" and row.percent == 100
    assert program_requirements(user=person, programs=[program])[0].met
    program.active = True
    program.save()
    learner_certificates_check(user=person)
    [row] = status_rows(viewer=supervisor, people=[person], programs=[program], today=timezone.localdate())
    assert row.status == "certified"
