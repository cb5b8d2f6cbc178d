"""One completion truth: every learner page, the API and issuance agree on "complete", and say what is left."""

import pytest
from django.urls import reverse

from assessments.attempts.signals import attempt_submitted
from assessments.models import Attempt
from certificates.issuance.models import Certificate
from courses.models import ModulePage
from courses.progress import selectors, services
from courses.progress.completion import course_complete, course_completions
from tests.factories import build_course, build_program, build_quiz, course_lessons, pass_quiz, submitted_attempt

pytestmark = pytest.mark.django_db


def quizzes_on(course, titles):
    """A quiz at the end of each of the first modules of ``course``, titled ``titles``."""
    quizzes = []
    for module, title in zip(ModulePage.objects.child_of(course).order_by("path"), titles, strict=False):
        quiz = build_quiz(title=title)
        module = module.specific
        module.quiz = quiz
        module.save_revision().publish()
        quizzes.append(quiz)
    return quizzes


def fail_quiz(user, quiz):
    return submitted_attempt(user, quiz, score=40, passed=False)


@pytest.fixture
def read_everything(learner, course):
    """Every lesson read; two module quizzes, one failed and one not started."""
    qualities, boundaries = quizzes_on(course, ["Qualities", "Boundaries"])
    services.enrollment_create(user=learner, course=course)
    for lesson in course_lessons(course):
        services.lesson_complete(user=learner, lesson=lesson)
    fail_quiz(learner, boundaries)
    return qualities, boundaries


def pages(client, home, course) -> dict[str, str]:
    return {
        "home": client.get(home.url).content.decode(),
        "my learning": client.get(reverse("my-learning")).content.decode(),
        "course": client.get(course.url).content.decode(),
        "my certificates": client.get(reverse("my-certificates")).content.decode(),
    }


def test_the_rule():
    assert course_complete(lessons=2, lessons_done=2, quizzes=1, quizzes_passed=1)
    assert not course_complete(lessons=2, lessons_done=2, quizzes=1, quizzes_passed=0)
    assert not course_complete(lessons=2, lessons_done=1, quizzes=0, quizzes_passed=0)
    # Only quizzes published: passing them completes the course. Nothing published: never complete.
    assert course_complete(lessons=0, lessons_done=0, quizzes=1, quizzes_passed=1)
    assert not course_complete(lessons=0, lessons_done=0, quizzes=0, quizzes_passed=0)


def test_lessons_read_and_quizzes_not_passed_is_not_complete_anywhere(
    learner_client, learner, course, home, read_everything
):
    build_program([course])
    seen = pages(learner_client, home, course)
    assert "Well done" not in seen["home"] and "Continue where you left off" in seen["home"]
    assert "Course complete" not in seen["my learning"]
    assert "You have completed this course" not in seen["course"]
    for name in ("home", "my learning", "course", "my certificates"):
        assert "Quiz: Boundaries — not passed yet" in seen[name], name
        assert "Quiz: Qualities — not started" in seen[name], name
        assert "lessons to read" not in seen[name], name
    assert f'still to complete: <a href="{course.url}">{course.title}</a>' in seen["my certificates"]
    assert "9 of 9 lessons complete, 0 of 2 quizzes passed" in seen["home"]
    # The progress bar counts quizzes: 9 of 11 steps.
    assert 'aria-valuenow="82"' in seen["course"]
    [item] = learner_client.get(reverse("api-my-enrollments")).json()
    assert (item["complete"], item["quizzes_total"], item["quizzes_passed"], item["percent_complete"]) == (
        False,
        2,
        0,
        82,
    )
    assert course_completions(user=learner, courses=[course]) == {course.pk: None}


def test_lessons_left_are_counted_in_words(learner_client, learner, course, home):
    services.enrollment_create(user=learner, course=course)
    for lesson in course_lessons(course)[:7]:
        services.lesson_complete(user=learner, lesson=lesson)
    seen = pages(learner_client, home, course)
    assert "2 lessons to read" in seen["home"] and "2 lessons to read" in seen["my learning"]
    services.lesson_complete(user=learner, lesson=course_lessons(course)[7])
    assert "1 lesson to read" in learner_client.get(course.url).content.decode()


def test_passing_the_last_quiz_completes_the_course_everywhere_and_issues_the_certificate(
    learner_client, learner, course, home, read_everything, django_capture_on_commit_callbacks
):
    qualities, boundaries = read_everything
    program = build_program([course])
    pass_quiz(learner, qualities)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submitted.send(sender=Attempt, attempt=pass_quiz(learner, boundaries))
    seen = pages(learner_client, home, course)
    assert "Well done" in seen["home"] and "every module quiz passed" in seen["home"]
    assert "Course complete" in seen["my learning"]
    assert "You have completed this course" in seen["course"]
    assert "Still to do" not in "".join(seen.values())
    assert Certificate.objects.filter(user=learner, program=program).exists()
    assert "certified" in seen["my certificates"]


def test_a_required_course_with_only_quizzes_completes_when_they_are_passed(
    learner, catalog, django_capture_on_commit_callbacks
):
    course = build_course(catalog, modules=1, lessons_per_module=1)
    [quiz] = quizzes_on(course, ["Only quiz"])
    course_lessons(course)[0].unpublish()
    program = build_program([course])
    services.enrollment_create(user=learner, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submitted.send(sender=Attempt, attempt=pass_quiz(learner, quiz))
    assert course_completions(user=learner, courses=[course])[course.pk] is not None
    assert Certificate.objects.filter(user=learner, program=program).exists()


def test_a_course_with_nothing_published_says_so_and_never_completes(learner_client, learner, catalog, home):
    course = build_course(catalog, modules=1, lessons_per_module=1)
    services.enrollment_create(user=learner, course=course)
    course_lessons(course)[0].unpublish()
    build_program([course])
    assert course_completions(user=learner, courses=[course]) == {course.pk: None}
    page = learner_client.get(reverse("my-certificates")).content.decode()
    assert "Nothing to complete yet: this course has no lessons or quizzes published." in page


class TestQuizInThePath:
    def test_the_outline_lists_each_module_quiz_with_its_status(self, learner_client, learner, course, read_everything):
        qualities, _ = read_everything
        pass_quiz(learner, qualities)
        content = learner_client.get(course.url).content.decode()
        assert content.count('data-testid="module-quiz"') == 2
        assert "Quiz: Qualities</a>" in content and "Passed (100%)" in content
        assert "Not passed yet</span> (best score 40%)" in content
        assert f"{reverse('quiz-detail', args=[qualities.pk])}?next=" in content

    def test_a_quiz_not_taken_is_not_started(self, learner, course):
        quizzes_on(course, ["Qualities"])
        services.enrollment_create(user=learner, course=course)
        [step] = selectors.course_outline(course=course, user=learner).quizzes
        assert (step.state, str(step.state_label)) == ("not_started", "not started")

    def test_next_on_the_module_s_last_lesson_leads_to_its_quiz_until_it_is_passed(
        self, learner_client, learner, course
    ):
        [quiz] = quizzes_on(course, ["Qualities"])
        services.enrollment_create(user=learner, course=course)
        lessons = course_lessons(course)
        quiz_url = reverse("quiz-detail", args=[quiz.pk])
        content = learner_client.get(lessons[2].url).content.decode()
        assert f'href="{quiz_url}?next=' in content and "Quiz: Qualities" in content
        assert f'href="{lessons[3].url}" rel="next"' not in content
        # Other lessons lead on to the next lesson.
        assert f'href="{lessons[2].url}" rel="next"' in learner_client.get(lessons[1].url).content.decode()
        pass_quiz(learner, quiz)
        assert f'href="{lessons[3].url}" rel="next"' in learner_client.get(lessons[2].url).content.decode()

    def test_continue_leads_to_the_quiz_once_the_lessons_are_read(
        self, learner_client, learner, course, read_everything
    ):
        qualities, _ = read_everything
        response = learner_client.get(reverse("course-continue", args=[course.pk]))
        assert response.url.startswith(reverse("quiz-detail", args=[qualities.pk]))
        [item] = learner_client.get(reverse("api-my-enrollments")).json()
        assert reverse("quiz-detail", args=[qualities.pk]) in item["resume_url"]


def test_mark_complete_returns_to_the_lesson_footer(learner_client, learner, course):
    services.enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[0]
    response = learner_client.post(reverse("lesson-complete", args=[lesson.pk]))
    assert response.url == f"{lesson.url}#next"
    page = learner_client.get(lesson.url).content.decode()
    assert 'id="next" tabindex="-1"' in page
    response = learner_client.post(reverse("lesson-uncomplete", args=[lesson.pk]))
    assert response.url == f"{lesson.url}#next"
