"""The demo final assessment: its settings, its pools, fair mastery bars, and learners who do not read fail it.

The final (assessments/demo/final.yaml) draws 4 items from each of six competency pools. Every test runs
on two pools: a generated one, so the rules are proven whatever the content, and the demo's own items
(assessments/demo/final/*.yaml), which SKIP while that folder holds no items.

Over DRAWS seeded attempts (the real draw and shuffle of ``services.attempt_draw``), learners who pick
by length, by position (as shuffled) or at random must pass less than PASS_RATE_LIMIT of the time, and
the best answers must pass every draw. The demo's certified people (certificates.demo.certification)
take it through the real services with the best answers and pass.
"""

from __future__ import annotations

import random
import statistics

import pytest

from assessments.attempts import services
from assessments.demo.quizzes import FINAL_DIR, load_final, quiz_create_from_data
from assessments.quizzes.freezing import quiz_snapshot
from assessments.quizzes.publishing import quiz_publish_problems
from assessments.scoring import drawing
from assessments.scoring.rules import SCORED_KINDS, best_response, score, version_from_snapshot
from assessments.scoring.strategies import length_responses, position_responses, random_responses
from certificates.demo.certification import quiz_pass
from tests.factories import LearnerFactory

pytestmark = pytest.mark.django_db

CATEGORIES = [
    "engages-relationships",
    "values-communication",
    "helps-manage-crises",
    "links-to-resources",
    "supports-collaboration",
    "provides-wellness-information",
]
DRAW = 4
DRAWS = 200
PASS_RATE_LIMIT = 0.01
MARGIN = 20  # points below the pass mark, for the mean score of each learner who does not read

# Four options of near-equal length; the best is never the longest or the shortest.
OPTIONS = [
    ("Ask her what would help her most right now", 100),
    ("Tell her what you would do in her place", 0),
    ("Give her the clinic's number and then move on", 50),
    ("Ask her to call back when she feels ready", 0),
]


def _single(code: str, n: int) -> dict:
    options = [{"text": text, "credit": credit, "feedback": "Because."} for text, credit in OPTIONS]
    # The best answer moves through every position.
    best = options.pop(0)
    options.insert(n % 4, best)
    return {
        "kind": "single",
        "title": f"{code} item {n}",
        "content_note": "",
        "vignette": {"person": f"Person {code} {n}", "setting": "Clinic", "text": "She calls you."},
        "stem": "What do you do first?",
        "competencies": [code],
        "rationale": "Asking first keeps her in charge.",
        "options": options,
    }


def _scenario(code: str, n: int) -> dict:
    return {
        "kind": "branching",
        "title": f"{code} scenario {n}",
        "content_note": "",
        "vignette": {"person": f"Scenario {code} {n}", "setting": "Home visit", "text": "She looks tired."},
        "stem": "Choose at each step.",
        "competencies": [code],
        "rationale": "Staying and asking keeps trust.",
        "start": "first",
        "steps": [
            {
                "key": "first",
                "situation": "She says the baby cried all night.",
                "choices": [
                    {"text": "Tell her every baby does that", "next": None, "credits": {}, "ending_cap": 0},
                    {"text": "Ask her what the night was like", "next": "second", "credits": {code: 1}},
                    {"text": "Say she should sleep more often now", "next": None, "credits": {}, "ending_cap": 0},
                ],
            },
            {
                "key": "second",
                "situation": "She says she is scared she will use again.",
                "choices": [
                    {"text": "Change the subject to the baby", "next": None, "credits": {}, "ending_cap": 25},
                    {"text": "Lecture her about all of the risks", "next": None, "credits": {}, "ending_cap": 25},
                    {"text": "Ask what helped her the last time", "next": None, "credits": {code: 2}},
                ],
            },
        ],
    }


def generated_items() -> list[dict]:
    """Twelve items per claimed category: eleven single best responses and one scenario with capped endings."""
    return [_scenario(code, n) if n == 11 else _single(code, n) for code in CATEGORIES for n in range(12)]


def demo_items() -> list[dict]:
    return load_final()["questions"]


@pytest.fixture(params=["generated", "demo"])
def final_data(request) -> dict:
    settings = load_final()
    if request.param == "generated":
        return {**settings, "questions": generated_items()}
    if not settings["questions"]:
        pytest.skip(f"{FINAL_DIR.relative_to(FINAL_DIR.parents[2])}/ holds no final items yet")
    return settings


@pytest.fixture
def final(final_data):
    quiz, _created = quiz_create_from_data(final_data)
    return quiz


def test_the_final_has_the_settings_the_course_promises():
    data = load_final()
    assert data["title"] == "Final assessment: Perinatal Peer Support Specialist"
    assert data["module"] == "final-assessment"
    expected = {
        "pass_mark": 75,
        "max_attempts": 3,
        "cooldown_minutes": 1440,
        "feedback_timing": "after_submission",
        "shuffle_questions": True,
        "shuffle_options": True,
        "draw_per_competency": DRAW,
    }
    assert {key: data[key] for key in expected} == expected
    assert data["mastery"] == dict.fromkeys(CATEGORIES, 70)
    assert "draw_count" not in data
    for promise in ("24 questions", "4 from each", "after you submit", "3 attempts", "24 hours", "75%", "70%"):
        assert promise in " ".join(data["intro"].split()), promise


def test_the_published_final_keeps_those_settings(final):
    assert final.live
    assert (final.pass_mark, final.max_attempts, final.cooldown_minutes) == (75, 3, 1440)
    assert (final.feedback_timing, final.shuffle_questions, final.draw_per_competency) == ("after_submission", True, 4)
    assert {t.competency.code: t.threshold for t in final.mastery_thresholds.all()} == dict.fromkeys(CATEGORIES, 70)
    assert drawing.asked_count(final.plan()) == 24


def test_each_category_has_a_pool_three_times_the_draw_and_each_item_one_competency(final_data):
    for question in final_data["questions"]:
        assert len(question["competencies"]) == 1, question["title"]
        assert question["kind"] != "reflection", question["title"]
    plan = {
        "draw_per_competency": DRAW,
        "questions": [
            {"key": str(n), "kind": q["kind"], "competencies": q["competencies"]}
            for n, q in enumerate(final_data["questions"])
        ],
    }
    sizes = {code: len(keys) for code, keys in drawing.pools(plan).items()}
    assert set(sizes) == set(CATEGORIES), sizes
    assert all(size >= 3 * DRAW for size in sizes.values()), sizes


def test_the_final_publishes_with_fair_mastery_bars(final):
    assert quiz_publish_problems(final) == []
    assert drawing.mastery_shortfalls(final.plan(), CATEGORIES) == {}
    assert all(drawing.guaranteed_questions(final.plan(), code) == DRAW for code in CATEGORIES)


def _draws(final):
    snapshot = quiz_snapshot(final)
    return snapshot, [services.attempt_draw(snapshot, random.Random(seed)) for seed in range(DRAWS)]


def _assert_fails_over_draws(snapshot, draws, responses_for, label):
    results = []
    for keys, orders in draws:
        results.append(score(version_from_snapshot(snapshot, keys), responses_for(keys, orders)))
    passes = sum(1 for result in results if result.passed)
    mean = statistics.mean(result.percent for result in results)
    assert passes / len(results) < PASS_RATE_LIMIT, f"{label} passes {passes} of {len(results)} draws"
    assert mean <= snapshot["pass_mark"] - MARGIN, f"{label} scores {mean:.1f}% on average"


def test_learners_who_pick_by_length_fail_over_many_draws(final):
    snapshot, draws = _draws(final)
    for longest in (True, False):
        responses = length_responses(snapshot, longest=longest)
        _assert_fails_over_draws(
            snapshot, draws, lambda keys, orders, responses=responses: responses, f"longest={longest}"
        )


def test_learners_who_pick_one_position_fail_over_many_draws(final):
    snapshot, draws = _draws(final)
    for position in range(4):
        _assert_fails_over_draws(
            snapshot,
            draws,
            lambda keys, orders, position=position: position_responses(snapshot, position, orders),
            f"option {position + 1}",
        )


def test_learners_who_guess_fail_over_many_draws(final):
    snapshot, draws = _draws(final)
    rng = random.Random(2026)
    _assert_fails_over_draws(snapshot, draws, lambda keys, orders: random_responses(snapshot, rng), "guessing")


def test_the_best_answers_pass_every_draw(final):
    snapshot, draws = _draws(final)
    version = version_from_snapshot(snapshot)
    best = {q.key: best_response(q) for q in version.questions if q.kind in SCORED_KINDS}
    for keys, _orders in draws:
        result = score(version_from_snapshot(snapshot, keys), best)
        assert result.passed and result.percent == 100
        assert set(result.competencies) == set(CATEGORIES)


def test_the_demos_certified_people_pass_the_final_on_a_drawn_attempt(final):
    for _ in range(3):
        attempt = quiz_pass(LearnerFactory(), final)
        assert attempt.passed and len(attempt.question_keys) == 24


def test_load_final_concatenates_the_item_files_in_name_order(tmp_path):
    (tmp_path / "02-b.yaml").write_text("questions:\n  - {title: second}\n  - {title: third}\n", encoding="utf-8")
    (tmp_path / "01-a.yaml").write_text("questions:\n  - {title: first}\n", encoding="utf-8")
    (tmp_path / "03-empty.yaml").write_text("", encoding="utf-8")
    data = load_final(folder=tmp_path)
    assert [q["title"] for q in data["questions"]] == ["first", "second", "third"]
    assert data["title"].startswith("Final assessment")
