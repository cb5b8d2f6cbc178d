"""A lesson shows its references at its foot and a model debrief after its case story, opened once the
learner has written their own reflection."""

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.catalogue import blocks
from courses.progress import services
from tests.factories import block, course_lessons, lesson_body

pytestmark = pytest.mark.django_db

REFERENCES = [
    block(
        "reference",
        {
            "title": "Clinical Guidance for Treating Pregnant and Parenting Women With Opioid Use Disorder",
            "publisher": "SAMHSA",
            "year": 2018,
            "url": "https://store.samhsa.gov/",
        },
    ),
    block("reference", {"title": "Opioid Use and Opioid Use Disorder in Pregnancy", "publisher": "ACOG", "year": 2017}),
]
VIGNETTE = block(
    "vignette",
    {
        "person": "Marisol",
        "setting": "Prenatal clinic, 28 weeks pregnant",
        "content_note": "",
        "situation": "<p>Marisol asks if she should stop her medication before the birth.</p>",
        "debrief": "<p>Stopping is not advised. Help her take the question to her care team.</p>",
    },
)


@pytest.fixture
def lesson(course, learner):
    services.enrollment_create(user=learner, course=course)
    lesson = course_lessons(course)[0]
    lesson.body = [VIGNETTE, *lesson_body(1)]
    lesson.references = REFERENCES
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    return lesson


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def debrief(soup):
    return soup.select_one("details.vignette__debrief")


def test_references_are_an_ordered_list_at_the_foot_of_the_lesson(learner_client, lesson):
    soup = page(learner_client, lesson.url)
    section = soup.select_one("article.lesson > section.references")
    assert section is not None and section is soup.select("article.lesson > section")[-1]
    assert section["aria-labelledby"] == "references-heading"
    assert section.h2.get_text() == "References"
    items = section.select("ol > li")
    assert [li.cite.get_text() for li in items] == [ref["value"]["title"] for ref in REFERENCES]
    assert "SAMHSA, 2018." in items[0].get_text()
    link = items[0].a
    assert link["href"] == "https://store.samhsa.gov/" and link.get_text() == "https://store.samhsa.gov/"
    assert "ACOG, 2017." in items[1].get_text() and items[1].a is None


def test_a_lesson_without_references_has_no_references_section(learner_client, course, learner):
    services.enrollment_create(user=learner, course=course)
    soup = page(learner_client, course_lessons(course)[1].url)
    assert soup.select_one("section.references") is None


def test_the_debrief_is_closed_until_the_learner_saves_a_reflection(learner_client, lesson):
    details = debrief(page(learner_client, lesson.url))
    assert details.summary.get_text() == "See a model debrief"
    assert not details.has_attr("open")
    assert "Help her take the question to her care team." in details.get_text()

    reflection_id = next(child.id for child in lesson.body if child.block_type == "reflection")
    response = learner_client.post(
        reverse("lesson-reflection", args=[lesson.pk, reflection_id]), {"answer": "I would ask her what she fears."}
    )
    assert response.url.startswith(lesson.url)
    assert debrief(page(learner_client, response.url)).has_attr("open")


def test_another_learners_reflection_does_not_open_my_debrief(client, lesson, course):
    from tests.factories import LearnerFactory

    other = LearnerFactory()
    services.enrollment_create(user=other, course=course)
    reflection_id = next(child.id for child in lesson.body if child.block_type == "reflection")
    services.reflection_save(user=other, lesson=lesson, block_id=reflection_id, answer="Mine, not yours.")
    me = LearnerFactory()
    services.enrollment_create(user=me, course=course)
    client.force_login(me)
    assert not debrief(page(client, lesson.url)).has_attr("open")


def test_references_and_a_debrief_add_no_queries(learner_client, lesson, course):
    plain = course_lessons(course)[1]

    def count(url):
        learner_client.get(url)
        with CaptureQueriesContext(connection) as queries:
            learner_client.get(url)
        return len(queries)

    assert count(lesson.url) == count(plain.url)


def test_reference_block_shows_the_address_as_text_and_link():
    reference = blocks.ReferenceBlock()
    html = reference.render(reference.to_python(REFERENCES[0]["value"]))
    soup = BeautifulSoup(html, "html.parser")
    assert soup.cite.get_text().startswith("Clinical Guidance")
    assert soup.a["href"] == soup.a.get_text() == "https://store.samhsa.gov/"


def test_reference_block_refuses_a_reference_without_a_publisher_or_year():
    from wagtail.blocks.struct_block import StructBlockValidationError

    reference = blocks.ReferenceBlock()
    with pytest.raises(StructBlockValidationError) as error:
        reference.clean(reference.to_python({"title": "A guide", "publisher": "", "year": None, "url": ""}))
    assert {"publisher", "year"} <= set(error.value.block_errors)


def test_vignette_without_a_debrief_has_no_disclosure():
    vignette = blocks.CaseVignetteBlock()
    value = vignette.to_python({**VIGNETTE["value"], "debrief": ""})
    assert "vignette__debrief" not in vignette.render(value, context={"reflections": {"x": object()}})
