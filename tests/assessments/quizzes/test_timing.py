"""Course and program pages read a quiz's time from its raw data; it agrees with the quiz page's estimate."""

import pytest

from assessments.attempts.selectors import quiz_length
from assessments.quizzes.timing import quiz_minutes
from tests.factories import build_quiz

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("draw", [{}, {"draw_count": 2}, {"draw_per_competency": 1}], ids=["all", "draw", "pools"])
def test_the_raw_estimate_is_the_quiz_pages_estimate(draw):
    quiz = build_quiz(**draw)
    assert quiz_minutes(quiz) == quiz_length(quiz).minutes > 0


def test_drawing_fewer_questions_takes_less_time():
    assert quiz_minutes(build_quiz(title="Short", draw_count=1)) < quiz_minutes(build_quiz(title="Whole"))


def test_estimates_come_from_the_cache_and_a_publish_retires_them(django_assert_num_queries):
    from assessments.quizzes.models import Quiz
    from assessments.quizzes.timing import quizzes_minutes

    quiz = build_quiz(title="Whole")
    whole = quizzes_minutes([quiz])[quiz.pk]
    lean = Quiz.objects.defer("questions").get(pk=quiz.pk)
    with django_assert_num_queries(0):  # the questions are not loaded again
        assert quizzes_minutes([lean]) == {quiz.pk: whole}
    quiz.draw_count = 1
    quiz.save_revision().publish()
    lean = Quiz.objects.defer("questions").get(pk=quiz.pk)
    assert quizzes_minutes([lean])[quiz.pk] == quiz_minutes(quiz) < whole
