"""What learners who do not read score on the demo quizzes, run by `make bench`. Not part of the test suite.

Loads the demo quizzes, and the demo final once its items exist, through the real loader into a throwaway
test database (SQLite by default, or DATABASE_URL), starts attempts so the real draw and shuffle are used,
and scores each attempt on the questions it asked with assessments.scoring.rules:
always the longest option, always the shortest, always option k as written and as shuffled (mean
over the seeds), and random guessing (each guess on a fresh draw from assessments.scoring.drawing).
tests/assessments/demo/test_quizzes.py and test_final.py assert the same learners fail; the figures go in
docs/benchmarks.md.
"""

import os
import random
import statistics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SEEDS = range(5)
RANDOM_RUNS = 2_000


def figures(quiz, learners) -> dict[str, str]:
    from assessments.attempts import services
    from assessments.scoring import drawing
    from assessments.scoring.rules import ORDER, score, version_from_snapshot
    from assessments.scoring.strategies import length_responses, position_responses, random_responses

    attempts = [
        services.attempt_start(user=learner, quiz=quiz, rng=random.Random(seed)).attempt
        for seed, learner in zip(SEEDS, learners, strict=True)
    ]
    snapshot = attempts[0].snapshot

    def percent(responses, keys=None) -> float:
        # Each attempt is scored on the questions it drew; the length learners on the first attempt's.
        return score(version_from_snapshot(snapshot, keys or attempts[0].question_keys), responses).percent

    kinds = {q["key"]: q["kind"] for q in snapshot["questions"]}
    widest = max(
        [len(q.get("options", [])) for q in snapshot["questions"]]
        + [len(s["choices"]) for q in snapshot["questions"] for s in q.get("steps", [])]
    )
    row = {
        "always the longest": f"{percent(length_responses(snapshot, longest=True)):.0f}%",
        "always the shortest": f"{percent(length_responses(snapshot, longest=False)):.0f}%",
    }
    for position in range(widest):
        # As written, put-in-order items are still shuffled, as learners always see them.
        written = [
            percent(
                position_responses(snapshot, position, {k: v for k, v in a.option_orders.items() if kinds[k] == ORDER}),
                a.question_keys,
            )
            for a in attempts
        ]
        shuffled = [percent(position_responses(snapshot, position, a.option_orders), a.question_keys) for a in attempts]
        row[f"option {position + 1}, as written (mean of {len(SEEDS)} seeds)"] = f"{statistics.mean(written):.0f}%"
        row[f"option {position + 1}, shuffled (mean of {len(SEEDS)} seeds)"] = f"{statistics.mean(shuffled):.0f}%"
    rng = random.Random(2026)
    results = [
        score(version_from_snapshot(snapshot, drawing.draw(snapshot, rng)), random_responses(snapshot, rng))
        for _ in range(RANDOM_RUNS)
    ]
    row[f"random, mean of {RANDOM_RUNS:,}"] = f"{statistics.mean(r.percent for r in results):.0f}%"
    passes = sum(1 for r in results if r.passed)
    row["random, pass rate"] = f"{passes / RANDOM_RUNS:.2%} ({passes} of {RANDOM_RUNS:,})"
    row["pass mark"] = f"{snapshot['pass_mark']}%"
    return row


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from django.contrib.auth import get_user_model

        from assessments.demo.quizzes import load_final, load_quizzes, quiz_create_from_data

        people = get_user_model()
        columns = {}
        final = load_final()
        for data in [*load_quizzes(), *([final] if final["questions"] else [])]:
            quiz, _created = quiz_create_from_data(data)
            learners = [
                people.objects.create_user(email=f"bot-{data['slug']}-{seed}@example.org", password=None)
                for seed in SEEDS
            ]
            columns[data["title"].split(":")[0]] = figures(quiz, learners)
        labels = list(dict.fromkeys(label for column in columns.values() for label in column))
        print("Learners who do not read, on the demo quizzes\n")
        print("| learner | " + " | ".join(columns) + " |")
        print("|---|" + "---|" * len(columns))
        for label in labels:
            print(f"| {label} | " + " | ".join(column.get(label, "") for column in columns.values()) + " |")
        print()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
