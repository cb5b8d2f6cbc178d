"""The demo course reads plainly, states honest minutes, names its sources and is built the same way in every lesson.

The checks live in ``content_quality``; the first half of this file proves each of them on bad input,
the second half runs them over the real content (every lesson, every practice quiz, the final's pool).
"""

import datetime

import pytest
import yaml

from . import content_quality as cq

PLAIN = (
    "You walk beside the person. You listen first. You ask what she wants. "
    "You share your story when it helps her. You keep your word. "
)


def lesson(**changes) -> dict:
    """A small lesson that passes every check; ``changes`` replace its keys to make it fail one."""
    body = [
        {"type": "heading", "value": "Walk beside her"},
        {"type": "text", "value": PLAIN * 20},
        {
            "type": "vignette",
            "person": "Odette",
            "setting": "Home visit, 30 weeks pregnant",
            "content_note": "",
            "situation": "Odette asks if you will still call after the baby comes. What do you say?",
            "debrief": "She is asking if the bond will last. Say what you can promise, and keep it.",
        },
        {"type": "reflection", "prompt": "When did someone keep a promise to you?"},
        {"type": "takeaways", "items": ["Keep your word.", "Listen first."]},
    ]
    data = {
        "title": "Keeping your word",
        "slug": "keeping-your-word",
        "estimated_minutes": 0,
        "objectives": ["Describe why a kept promise builds trust"],
        "body": body,
        "review_by": datetime.date(2027, 12, 1),
        "references": [
            {"title": "Core Competencies for Peer Workers", "publisher": "SAMHSA", "year": 2015},
            {
                "title": "National Practice Guidelines for Peer Specialists and Supervisors",
                "publisher": "N.A.P.S.",
                "year": 2019,
                "url": "https://www.peersupportworks.org/",
            },
        ],
    }
    data["estimated_minutes"] = round(cq.lesson_stats(data).honest_minutes)
    return {**data, **changes}


def test_the_good_lesson_passes_every_check():
    good = lesson()
    problems = [
        *cq.grade_problems(good),
        *cq.minutes_problems(good),
        *cq.source_problems(good),
        *cq.shape_problems(good),
        *cq.lesson_banned_terms(good),
    ]
    assert problems == []


def test_stats_count_every_word_of_the_body_and_time_the_activities():
    stats = cq.lesson_stats(lesson())
    assert stats.words == len(cq.sentences(lesson()["body"]).split())
    assert stats.honest_minutes == pytest.approx(stats.words / 120 + 5 + 2)


def test_sentences_end_each_heading_paragraph_and_bullet():
    text = cq.sentences(
        [{"type": "heading", "value": "A heading"}, {"type": "text", "value": "One\n- two\n- three?\n\nFour"}]
    )
    assert text == "A heading. One. two. three? Four."


def test_a_hard_lesson_fails_the_reading_grade():
    hard = (
        "Comprehensive interprofessional collaboration necessitates systematic documentation of "
        "individualized therapeutic considerations, notwithstanding organizational heterogeneity. "
    )
    problems = cq.grade_problems(lesson(body=[{"type": "text", "value": hard * 10}]))
    assert problems and "reading grade" in problems[0]


@pytest.mark.parametrize("factor", [0.8, 1.25])
def test_minutes_far_from_the_honest_estimate_fail(factor):
    honest = cq.lesson_stats(lesson()).honest_minutes
    assert cq.minutes_problems(lesson(estimated_minutes=round(honest * factor))) != []
    assert cq.minutes_problems(lesson(estimated_minutes=round(honest))) == []


@pytest.mark.parametrize(
    "text",
    [
        "She is an addict.",
        "He relapsed last week.",
        "A dirty urine screen.",
        "She wants to stay clean.",
        "Methadone is replacement therapy.",
        "An NAS baby.",
        "Substance abuse services.",
    ],
)
def test_banned_terms_are_found_in_lessons_and_quiz_text(text):
    assert cq.lesson_banned_terms(lesson(title=text)) != []
    assert cq.lesson_banned_terms(lesson(objectives=[text])) != []
    assert cq.lesson_banned_terms(lesson(body=[{"type": "takeaways", "items": [text]}])) != []
    quiz = {"questions": [{"kind": "single", "options": [{"text": "Fine", "feedback": text}]}]}
    assert cq.banned_terms(quiz) != []


def test_person_first_words_and_agency_names_in_references_pass():
    assert cq.banned_terms("A person who uses drugs. Child abuse or neglect. Return to use.") == []
    full_name = {
        "title": "TIP 63",
        "publisher": "Substance Abuse and Mental Health Services Administration",
        "year": 2021,
    }
    assert cq.lesson_banned_terms(lesson(references=[full_name, full_name])) == []


def test_branching_steps_and_rationales_are_searched():
    item = {"kind": "branching", "rationale": "ok", "steps": {"first": {"choices": [{"text": "She relapses."}]}}}
    assert cq.banned_terms(item) == ["relapses"]


@pytest.mark.parametrize(
    ("references", "review_by", "expected"),
    [
        ([], datetime.date(2027, 1, 1), "0 references"),
        ([{"title": "A", "publisher": "B", "year": 2020}], datetime.date(2027, 1, 1), "1 references"),
        ([{"title": "", "publisher": "B", "year": 2020}] * 2, datetime.date(2027, 1, 1), "has no title"),
        ([{"title": "A", "year": 2020}] * 2, datetime.date(2027, 1, 1), "has no publisher"),
        ([{"title": "A", "publisher": "B"}] * 2, datetime.date(2027, 1, 1), "four-digit year"),
        ([{"title": "A", "publisher": "B", "year": 2020, "url": "samhsa.gov"}] * 2, datetime.date(2027, 1, 1), "url"),
        ([{"title": "A", "publisher": "B", "year": 2020}] * 2, None, "no review_by"),
        ([{"title": "A", "publisher": "B", "year": 2020}] * 2, "next spring", "not a date"),
    ],
)
def test_missing_sources_or_review_date_fail(references, review_by, expected):
    problems = cq.source_problems(lesson(references=references, review_by=review_by))
    assert any(expected in problem for problem in problems), problems


def test_a_quoted_iso_review_date_is_a_date():
    assert cq.source_problems(lesson(review_by="2027-12-01")) == []


def _without(block_type, body):
    return [block for block in body if block["type"] != block_type]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda body: _without("vignette", body), "0 vignettes"),
        (lambda body: [*body[:3], body[2], *body[3:]], "2 vignettes"),
        (lambda body: [*body[:2], {**body[2], "debrief": " "}, *body[3:]], "has no debrief"),
        (lambda body: _without("reflection", body), "0 reflections"),
        (lambda body: [*body[:3], body[3], *body[3:]], "2 reflections"),
        (lambda body: [*body[:2], body[4], *body[2:4]], "not the takeaways"),
    ],
)
def test_a_lesson_out_of_shape_fails(change, expected):
    problems = cq.shape_problems(lesson(body=change(lesson()["body"])))
    assert any(expected in problem for problem in problems), problems


def _story_lesson(slug, person):
    return lesson(slug=slug, body=[{**lesson()["body"][2], "person": person}])


def test_a_person_reused_across_lessons_is_found_whatever_the_case():
    lessons = [_story_lesson("one", "Odette"), _story_lesson("two", "odette "), _story_lesson("three", "Mae")]
    assert cq.reused_people(lessons) == {"odette": ["one", "two"]}


def test_a_final_item_about_a_lesson_person_is_found():
    items = [
        {"title": "Fresh case", "vignette": {"person": "Ines", "setting": "", "text": "..."}},
        {"title": "Reused case", "vignette": {"person": "ODETTE", "setting": "", "text": "..."}},
        {"title": "No story", "vignette": {"person": "", "setting": "", "text": ""}},
        {"title": "No vignette at all"},
    ]
    assert cq.final_items_with_lesson_people([_story_lesson("one", "Odette")], items) == ["Reused case (ODETTE)"]


def test_final_items_are_read_from_every_file_and_an_empty_folder_has_none(tmp_path):
    assert cq.final_items(tmp_path) == []
    assert cq.final_items(tmp_path / "missing") == []
    (tmp_path / "02-b.yaml").write_text(yaml.safe_dump({"questions": [{"title": "B"}]}))
    (tmp_path / "01-a.yaml").write_text(yaml.safe_dump({"questions": [{"title": "A1"}, {"title": "A2"}]}))
    assert [item["title"] for item in cq.final_items(tmp_path)] == ["A1", "A2", "B"]


def test_lesson_minutes_add_each_modules_lessons():
    modules = [
        {"slug": "one", "lessons": [{"estimated_minutes": 20}, {"estimated_minutes": 22}]},
        {"slug": "two", "lessons": [{"estimated_minutes": 15}]},
    ]
    assert cq.lesson_minutes(modules) == {"one": 42, "two": 15, "total": 57}


# The demo content ------------------------------------------------------------------------

MODULES = cq.demo_modules()
LESSONS = cq.demo_lessons(MODULES)
LESSON_IDS = [f"{module['slug']}/{lesson['slug']}" for module, lesson in LESSONS]
QUIZZES = cq.demo_quizzes()


@pytest.mark.parametrize(("module", "data"), LESSONS, ids=LESSON_IDS)
def test_each_lesson_reads_plainly_and_states_honest_minutes(module, data):
    assert cq.grade_problems(data) + cq.minutes_problems(data) == []


@pytest.mark.parametrize(("module", "data"), LESSONS, ids=LESSON_IDS)
def test_each_lesson_uses_person_first_language(module, data):
    assert cq.lesson_banned_terms(data) + cq.banned_terms([module["title"], module["intro"]]) == []


@pytest.mark.parametrize(("module", "data"), LESSONS, ids=LESSON_IDS)
def test_each_lesson_names_its_sources_and_a_review_date(module, data):
    assert cq.source_problems(data) == []


@pytest.mark.parametrize(
    ("module", "data"),
    [(m, lesson) for m, lesson in LESSONS if m["slug"] != cq.FINAL_MODULE],
    ids=[i for (m, _), i in zip(LESSONS, LESSON_IDS, strict=True) if m["slug"] != cq.FINAL_MODULE],
)
def test_each_lesson_has_one_story_with_a_debrief_one_reflection_and_takeaways_last(module, data):
    assert cq.shape_problems(data) == []


def test_no_person_appears_in_two_lesson_stories():
    assert cq.reused_people([lesson for _, lesson in LESSONS]) == {}


@pytest.mark.parametrize("name", sorted(QUIZZES))
def test_each_practice_quiz_uses_person_first_language(name):
    assert cq.banned_terms(QUIZZES[name]) == []


def test_the_final_pool_uses_person_first_language_and_new_people():
    items = cq.final_items()
    assert cq.banned_terms(items) == []
    assert cq.final_items_with_lesson_people([lesson for _, lesson in LESSONS], items) == []
