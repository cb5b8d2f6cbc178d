"""A learner's reflections are saved to their account, shown back to them, and private to them."""

import uuid

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.urls import reverse

from courses.models import Reflection
from courses.progress import services
from tests.factories import LearnerFactory, course_lessons

pytestmark = pytest.mark.django_db


def reflection_block_id(lesson):
    return next(child.id for child in lesson.body if child.block_type == "reflection")


@pytest.fixture
def lesson(course, learner):
    services.enrollment_create(user=learner, course=course)
    return course_lessons(course)[0]


def save(client, lesson, answer, block_id=None):
    url = reverse("lesson-reflection", args=[lesson.pk, block_id or reflection_block_id(lesson)])
    return client.post(url, {"answer": answer}, follow=True)


def test_reflection_is_saved_and_shown_back_on_the_lesson(learner_client, learner, lesson):
    response = save(learner_client, lesson, "I would tell her I can't lend money, and why.")
    assert b"Your reflection is saved" in response.content
    assert b"I would tell her I can&#x27;t lend money, and why." in response.content
    reflection = Reflection.objects.get(user=learner)
    assert reflection.prompt == "What stood out to you in lesson 1?"


def test_saving_again_updates_the_same_reflection(learner_client, learner, lesson):
    save(learner_client, lesson, "First thought")
    save(learner_client, lesson, "Second thought")
    assert list(Reflection.objects.filter(user=learner).values_list("answer", flat=True)) == ["Second thought"]


def test_empty_reflection_is_refused_with_a_message(learner_client, learner, lesson):
    response = save(learner_client, lesson, "   ")
    assert b"Write your reflection before saving it." in response.content
    assert not Reflection.objects.exists()


def test_unknown_prompt_is_refused(learner_client, lesson):
    response = save(learner_client, lesson, "Hello", block_id=uuid.uuid4())
    assert b"This lesson has no such reflection prompt." in response.content
    assert not Reflection.objects.exists()


def test_reflection_needs_enrollment(client, course):
    outsider = LearnerFactory()
    client.force_login(outsider)
    lesson = course_lessons(course)[0]
    save(client, lesson, "Sneaky")
    assert not Reflection.objects.exists()


def test_another_learner_never_sees_my_reflection(client, learner_client, learner, lesson, course):
    save(learner_client, lesson, "My private words about my own recovery")
    other = LearnerFactory()
    services.enrollment_create(user=other, course=course)
    client.force_login(other)
    assert b"My private words" not in client.get(lesson.url).content
    assert b"My private words" not in client.get(reverse("my-reflections")).content


def test_my_reflections_lists_only_my_own(learner_client, learner, lesson, course):
    save(learner_client, lesson, "Mine")
    other = LearnerFactory()
    services.enrollment_create(user=other, course=course)
    services.reflection_save(user=other, lesson=lesson, block_id=reflection_block_id(lesson), answer="Theirs")
    content = learner_client.get(reverse("my-reflections")).content.decode()
    assert "Mine" in content and "Theirs" not in content
    assert "What stood out to you in lesson 1?" in content


def test_overlong_reflection_is_refused(learner, lesson):
    with pytest.raises(ValidationError, match="under 10,000 characters"):
        services.reflection_save(user=learner, lesson=lesson, block_id=reflection_block_id(lesson), answer="x" * 10_001)


def test_my_reflections_shows_the_prompt_as_text_under_the_lesson_heading(learner_client, lesson):
    save(learner_client, lesson, "Mine")
    soup = BeautifulSoup(learner_client.get(reverse("my-reflections")).content, "html.parser")
    [card] = soup.select(".reflection-card")
    assert card.h2.get_text(strip=True) == lesson.title
    assert not any("What stood out" in heading.get_text() for heading in card.find_all(["h1", "h2", "h3", "h4"]))
    assert card.select_one("p.reflection-card__prompt").get_text(strip=True) == "What stood out to you in lesson 1?"
