"""The lesson body is rendered once for everyone; the learner's own blocks are rendered for each reader."""

import pytest

from courses.progress import services
from tests.factories import LearnerFactory, block, build_course, course_lessons

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(catalog):
    return course_lessons(build_course(catalog, modules=1, lessons_per_module=1))[0]


def enrolled_client(client, lesson):
    person = LearnerFactory()
    services.enrollment_create(user=person, course=lesson.get_parent().get_parent().specific)
    client.force_login(person)
    return person


def test_a_new_revision_of_the_body_shows_at_once(client, lesson):
    enrolled_client(client, lesson)
    assert "Teaching text for lesson 1" in client.get(lesson.url).content.decode()
    lesson.body = [block("text", "<p>Rewritten after review.</p>")]
    lesson.save_revision().publish()
    page = client.get(lesson.url).content.decode()
    assert "Rewritten after review." in page
    assert "Teaching text for lesson 1" not in page


def test_each_learner_sees_their_own_reflection(client, lesson):
    first = enrolled_client(client, lesson)
    block_id = next(child.id for child in lesson.body if child.block_type == "reflection")
    services.reflection_save(user=first, lesson=lesson, block_id=block_id, answer="Mine, and private.")
    assert "Mine, and private." in client.get(lesson.url).content.decode()
    enrolled_client(client, lesson)
    page = client.get(lesson.url).content.decode()
    assert "Mine, and private." not in page
    assert "Save reflection" in page


def test_a_vignette_debrief_opens_for_the_learner_who_reflected(client, lesson):
    lesson.body = [
        *[{"type": c.block_type, "value": c.block.get_prep_value(c.value), "id": c.id} for c in lesson.body],
        block(
            "vignette",
            {"person": "Dana", "setting": "A clinic", "situation": "<p>Story.</p>", "debrief": "<p>Debrief.</p>"},
        ),
    ]
    lesson.save_revision().publish()
    first = enrolled_client(client, lesson)
    block_id = next(child.id for child in lesson.body if child.block_type == "reflection")
    assert 'class="vignette__debrief" id="debrief-' in client.get(lesson.url).content.decode()
    services.reflection_save(user=first, lesson=lesson, block_id=block_id, answer="Thought it through.")
    assert " open>" in client.get(lesson.url).content.decode()
    enrolled_client(client, lesson)
    assert " open>" not in client.get(lesson.url).content.decode()
