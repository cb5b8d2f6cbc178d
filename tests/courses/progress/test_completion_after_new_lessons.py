"""Course completion is judged against the lessons that existed when a person completed the course:
a lesson published later is new to them, not a requirement that reopens their course."""

import pytest

from certificates.issuance.requirements import program_requirements
from courses.catalogue.models import ModulePage
from courses.progress.completion import course_completions, course_tallies
from courses.progress.selectors import course_progress
from courses.progress.services import enrollment_create, lesson_complete
from tests.factories import LearnerFactory, add_lesson, build_course, build_program, complete_course, course_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_course(catalog):
    return build_course(catalog, modules=1, lessons_per_module=2)


def lessons_new_since_completion(*, user, course):
    return course_progress(user=user, courses=[course])[course.pk].new_lesson_ids


def first_module(course):
    return ModulePage.objects.child_of(course).first()


def test_a_lesson_published_after_completion_keeps_the_course_complete(small_course):
    learner = LearnerFactory()
    complete_course(learner, small_course)
    completed_at = course_completions(user=learner, courses=[small_course])[small_course.pk]
    assert completed_at is not None

    new = add_lesson(first_module(small_course), title="Talking about fentanyl test strips")

    assert course_completions(user=learner, courses=[small_course])[small_course.pk] == completed_at
    tally = course_tallies(people=[learner.pk], courses=[small_course])[(learner.pk, small_course.pk)]
    assert (tally.lessons_done, tally.lessons, tally.completed_at) == (2, 3, completed_at)
    assert lessons_new_since_completion(user=learner, course=small_course) == {new.pk}
    [requirements] = program_requirements(user=learner, programs=[build_program([small_course])])
    assert requirements.met


def test_someone_still_working_through_the_course_owes_the_new_lesson(small_course):
    learner = LearnerFactory()
    enrollment_create(user=learner, course=small_course)
    first, second = course_lessons(small_course)
    lesson_complete(user=learner, lesson=first)

    new = add_lesson(first_module(small_course), title="Talking about fentanyl test strips")
    lesson_complete(user=learner, lesson=second)

    assert course_completions(user=learner, courses=[small_course])[small_course.pk] is None
    assert lessons_new_since_completion(user=learner, course=small_course) == set()
    lesson_complete(user=learner, lesson=new)
    assert course_completions(user=learner, courses=[small_course])[small_course.pk] is not None


def test_a_learner_who_completed_nothing_is_not_complete_and_sees_nothing_new(small_course):
    learner = LearnerFactory()
    enrollment_create(user=learner, course=small_course)
    add_lesson(first_module(small_course), title="Talking about fentanyl test strips")
    assert course_completions(user=learner, courses=[small_course])[small_course.pk] is None
    assert lessons_new_since_completion(user=learner, course=small_course) == set()


def test_the_outline_marks_the_new_lesson_new_for_those_who_had_completed_the_course(small_course, client):
    learner = LearnerFactory()
    complete_course(learner, small_course)
    add_lesson(first_module(small_course), title="Talking about fentanyl test strips")
    client.force_login(learner)
    page = client.get(small_course.url).content.decode()
    row = page[page.rindex("Talking about fentanyl test strips") :]
    assert '<span class="status status--new">New</span>' in row[: row.index("</li>")]
    assert page.count("status--new") == 1
    assert "1 lesson marked <strong>New</strong> was added after you completed this course." in page

    newcomer = LearnerFactory()
    enrollment_create(user=newcomer, course=small_course)
    client.force_login(newcomer)
    assert "status--new" not in client.get(small_course.url).content.decode()


def test_every_learner_page_keeps_the_course_complete_after_a_new_lesson(small_course, client, home):
    """The learner's own pages judge completion by the same rule as issuance and the reports."""
    from courses.progress.selectors import course_progress

    learner = LearnerFactory()
    complete_course(learner, small_course)
    add_lesson(first_module(small_course), title="Talking about fentanyl test strips")

    assert course_progress(user=learner, courses=[small_course])[small_course.pk].is_complete
    client.force_login(learner)
    my_learning = client.get("/learn/").content.decode()
    assert "Course complete" in my_learning
    assert "lessons to read" not in my_learning and "lesson to read" not in my_learning
