"""Drawing per competency, fair mastery bars and capped endings on real quizzes: the model, the editor,
the publish rule, the snapshot, the attempt start and the learner's pages all apply the same rules."""

import copy
import random
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.attempts import selectors, services
from assessments.models import Attempt, Competency, MasteryThreshold, Quiz
from assessments.quizzes.freezing import quiz_snapshot
from assessments.quizzes.publishing import QuizNotPublishable, quiz_publish_problems
from assessments.scoring.rules import score, version_from_snapshot
from tests.assessments.quizzes.test_publishing import ADD_URL, editor_form, single_value
from tests.factories import LearnerFactory, TrainerFactory, item, question

pytestmark = pytest.mark.django_db


def singles(competency, count, prefix=""):
    return [
        question(
            "single",
            f"{prefix}{competency.code} {n}",
            [competency],
            options=[
                item({"text": "Ask what would help her most", "credit": "100", "feedback": ""}),
                item({"text": "Tell her what to do about it", "credit": "0", "feedback": ""}),
            ],
        )
        for n in range(count)
    ]


@pytest.fixture
def codes():
    return {c.code: c for c in Competency.objects.all()}


def quiz_of(questions, *, thresholds=(), **settings):
    quiz = Quiz(title="Drawn quiz", questions=questions, live=False, **settings)
    quiz.save()
    for competency in thresholds:
        MasteryThreshold.objects.create(quiz=quiz, competency=competency, threshold=70)
    return quiz


# The model


def test_draw_count_and_draw_per_competency_exclude_each_other(codes):
    quiz = Quiz(title="Both", questions=singles(codes["links-to-resources"], 4), draw_count=2, draw_per_competency=2)
    with pytest.raises(ValidationError) as error:
        quiz.full_clean()
    assert "not both" in error.value.message_dict["draw_per_competency"][0]


def test_a_pool_smaller_than_the_draw_is_refused_naming_the_competency_and_the_counts(codes):
    questions = singles(codes["links-to-resources"], 4) + singles(codes["helps-manage-crises"], 2)
    quiz = Quiz(title="Small pool", questions=questions, draw_per_competency=3)
    with pytest.raises(ValidationError) as error:
        quiz.full_clean()
    assert error.value.message_dict["draw_per_competency"] == [
        '"Helps peers to manage crises" has only 2 question(s) as its first competency, so 3 cannot be drawn '
        "from it. Add questions or draw fewer."
    ]
    Quiz(title="Fits", questions=questions, draw_per_competency=2).full_clean()


def test_a_mastery_threshold_on_too_few_questions_is_refused_by_the_model(codes):
    links = codes["links-to-resources"]
    fixed = quiz_of(singles(links, 2))
    with pytest.raises(ValidationError) as error:
        MasteryThreshold(quiz=fixed, competency=links, threshold=70).full_clean()
    assert error.value.message_dict["competency"] == [
        'Some attempts would judge "Links to resources, services, and supports" on only 2 questions, and a mastery threshold needs at '
        "least 3 in every attempt. Tag more questions with it, draw more, or remove the threshold."
    ]
    MasteryThreshold(quiz=quiz_of(singles(links, 3)), competency=links, threshold=70).full_clean()
    # A draw from the whole pool: 6 questions, 4 on links, a draw of 4 may take both others.
    drawn = quiz_of(singles(links, 4) + singles(codes["values-communication"], 2), draw_count=4)
    with pytest.raises(ValidationError):
        MasteryThreshold(quiz=drawn, competency=links, threshold=70).full_clean()
    # Drawn per competency: only the draw from its own pool counts.
    per = quiz_of(singles(links, 6), draw_per_competency=2)
    with pytest.raises(ValidationError):
        MasteryThreshold(quiz=per, competency=links, threshold=70).full_clean()


# The editor


def test_the_editor_refuses_an_unfair_bar_on_the_threshold_row_and_saves_nothing(client, codes):
    client.force_login(TrainerFactory())
    talk = codes["values-communication"]
    data = editor_form([("single", single_value(talk)), ("single", single_value(talk))], thresholds=[(talk, 70)])
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Some attempts would judge &quot;Values communication&quot; on only 2 questions" in response.content.decode()
    assert not Quiz.objects.exists()
    three = editor_form([("single", single_value(talk))] * 3, thresholds=[(talk, 70)])
    assert client.post(ADD_URL, {**three, "action-publish": "action-publish"}).status_code == 302
    assert Quiz.objects.get().live


def test_the_editor_refuses_a_draw_per_competency_larger_than_a_pool(client, codes):
    client.force_login(TrainerFactory())
    talk = codes["values-communication"]
    data = editor_form([("single", single_value(talk))] * 2)
    response = client.post(ADD_URL, {**data, "draw_per_competency": "3"})
    assert response.status_code == 200
    assert "has only 2 question(s) as its first competency, so 3 cannot be drawn" in response.content.decode()


# The publish rule


def test_publishing_refuses_an_unfair_bar_whichever_way(codes):
    links = codes["links-to-resources"]
    quiz = quiz_of(singles(links, 6), thresholds=[links], draw_per_competency=2)
    with pytest.raises(QuizNotPublishable) as refused:
        quiz.save_revision().publish()
    assert [(p.field, p.competency) for p in refused.value.problems] == [("mastery_thresholds", "links-to-resources")]
    assert "on only 2 questions" in refused.value.problems[0].message
    quiz.draw_per_competency = 3
    quiz.save()
    quiz.save_revision().publish()


def test_the_publish_rule_checks_the_draw_whose_best_answers_earn_least(codes):
    links = codes["links-to-resources"]
    weak = [
        question(
            "single",
            f"Half right {n}",
            [links],
            options=[item({"text": "Partly", "credit": "50", "feedback": ""}), item({"text": "No", "credit": "0"})],
        )
        for n in range(2)
    ]
    # Over the whole pool the best score is 5 of 6 (83%); a draw of 2 could ask only the two half-right ones.
    quiz = quiz_of(singles(links, 4) + weak, draw_count=2, pass_mark=80)
    assert [p.message for p in quiz_publish_problems(quiz)] == [
        "The best possible score is 50%, below the pass mark of 80%, so no one could pass."
    ]
    quiz.draw_count = 5
    assert quiz_publish_problems(quiz) == []


# The attempt and the snapshot


def test_each_attempt_draws_the_set_number_from_every_pool(codes):
    links, crisis = codes["links-to-resources"], codes["helps-manage-crises"]
    quiz = quiz_of(singles(links, 6) + singles(crisis, 5), thresholds=[links, crisis], draw_per_competency=3)
    quiz.save_revision().publish()
    snapshot = quiz_snapshot(quiz)
    assert snapshot["draw_per_competency"] == 3
    first = {q["key"]: q["competencies"][0] for q in snapshot["questions"]}
    for seed in range(5):
        attempt = services.attempt_start(user=LearnerFactory(), quiz=quiz, rng=random.Random(seed)).attempt
        assert Counter(first[key] for key in attempt.question_keys) == {
            "links-to-resources": 3,
            "helps-manage-crises": 3,
        }
        assert set(score(version_from_snapshot(attempt.snapshot, attempt.question_keys), {}).competencies) == {
            "links-to-resources",
            "helps-manage-crises",
        }


CAP_STEPS = [
    item(
        {
            "name": "first",
            "situation": "<p>She texts at midnight.</p>",
            "choices": [
                item(
                    {
                        "text": "Reply and ask if she is safe",
                        "feedback": "",
                        "next_step": "",
                        "credits": [],
                        "ending_cap": None,
                    }
                ),
                item(
                    {
                        "text": "Tell her to stop texting",
                        "feedback": "",
                        "next_step": "",
                        "credits": [],
                        "ending_cap": 0,
                    }
                ),
            ],
        }
    )
]


def capped_scenario(crisis):
    steps = copy.deepcopy(CAP_STEPS)
    steps[0]["value"]["choices"][0]["value"]["credits"] = [item({"competency": crisis.pk, "credit": 2})]
    steps[0]["value"]["choices"][1]["value"]["credits"] = [item({"competency": crisis.pk, "credit": 1})]
    return question("branching", "A midnight text", [crisis], start_step="first", steps=steps)


def test_the_snapshot_carries_the_cap_and_an_old_snapshot_without_it_still_scores(codes):
    crisis = codes["helps-manage-crises"]
    quiz = quiz_of([capped_scenario(crisis)])
    snapshot = quiz_snapshot(quiz)
    choices = snapshot["questions"][0]["steps"][0]["choices"]
    assert [c["ending_cap"] for c in choices] == [None, 0]
    bad = [choices[1]["key"]]
    assert score(version_from_snapshot(snapshot), {snapshot["questions"][0]["key"]: bad}).percent == 0
    # Snapshots frozen before caps existed have no "ending_cap": the same path earns its credit, uncapped.
    old = copy.deepcopy(snapshot)
    for choice in old["questions"][0]["steps"][0]["choices"]:
        del choice["ending_cap"]
    assert score(version_from_snapshot(old), {old["questions"][0]["key"]: bad}).percent == 50


# The learner's pages


def test_the_quiz_page_says_how_many_questions_and_about_how_long(client, codes):
    links, crisis = codes["links-to-resources"], codes["helps-manage-crises"]
    quiz = quiz_of(singles(links, 6) + singles(crisis, 5) + [capped_scenario(crisis)], draw_per_competency=3)
    quiz.save_revision().publish()
    client.force_login(LearnerFactory())
    page = client.get(reverse("quiz-detail", args=[quiz.pk])).content.decode()
    # Three singles from the links pool (6 minutes) and three from the crisis pool of five singles and a
    # scenario, which average 14 / 6 minutes (7): 13 in all.
    assert "6 questions · About 13 minutes" in page


def test_the_result_review_says_when_an_ending_limited_the_score(client, codes):
    crisis = codes["helps-manage-crises"]
    quiz = quiz_of([capped_scenario(crisis)], feedback_timing="after_submission")
    quiz.save_revision().publish()
    learner = LearnerFactory()
    client.force_login(learner)
    attempt = services.attempt_start(user=learner, quiz=quiz).attempt
    key = attempt.question_keys[0]
    capped = attempt.snapshot["questions"][0]["steps"][0]["choices"][1]["key"]
    services.attempt_answer(attempt=attempt, question_key=key, answer=capped)
    services.attempt_submit(attempt=attempt)
    page = client.get(reverse("attempt-result", args=[attempt.pk])).content.decode()
    assert "This ending limited your score on this scenario to at most 0%" in page
    assert selectors.attempt_questions(Attempt.objects.get(pk=attempt.pk))[0].ending_cap == 0


def test_the_quiz_page_reads_a_fixed_number_of_queries_however_large_the_pool(client, codes):
    links, crisis = codes["links-to-resources"], codes["helps-manage-crises"]
    client.force_login(LearnerFactory())
    counts = []
    for size in (3, 12):
        quiz = quiz_of(singles(links, size) + singles(crisis, size) + [capped_scenario(crisis)], draw_per_competency=3)
        quiz.save_revision().publish()
        client.get(
            reverse("quiz-detail", args=[quiz.pk])
        )  # warm caches (the site, the navigation) as a running site has them
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("quiz-detail", args=[quiz.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts


def test_the_quiz_page_says_the_cool_down_as_people_say_it(client, codes):
    quiz = quiz_of(singles(codes["links-to-resources"], 3), max_attempts=3, cooldown_minutes=1440)
    quiz.save_revision().publish()
    client.force_login(LearnerFactory())
    page = client.get(reverse("quiz-detail", args=[quiz.pk])).content.decode()
    assert "Attempts allowed: 3, 24 hours apart" in page and "1440" not in page
