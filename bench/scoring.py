"""Scoring throughput of the pure scoring module, run by `make bench`.

Target: at least 5,000 attempts of a 20-question quiz scored per second on one core.
"""

import random
import time

from assessments.scoring.branching import Choice, Scenario, Step
from assessments.scoring.rules import BRANCHING, MULTIPLE, ORDER, SINGLE, Option, Question, QuizVersion, score

CODES = ["engages-relationships", "provides-support", "values-communication", "links-to-resources"]
TARGET_PER_SECOND = 5_000


def build_quiz(rnd: random.Random) -> QuizVersion:
    """A 20-question quiz with five questions of each scored kind."""
    questions = []
    for i in range(20):
        kind = [SINGLE, MULTIPLE, ORDER, BRANCHING][i % 4]
        tags = (CODES[i % 4],)
        if kind == SINGLE:
            options = (Option("best", 1.0), Option("ok", 0.5), Option("harm", 0.0), Option("other", 0.0))
            questions.append(Question(f"q{i}", kind, competencies=tags, options=options))
        elif kind == MULTIPLE:
            options = tuple(Option(f"r{j}", 1 / 3) for j in range(3)) + tuple(Option(f"w{j}", -1 / 3) for j in range(3))
            questions.append(Question(f"q{i}", kind, competencies=tags, options=options))
        elif kind == ORDER:
            questions.append(Question(f"q{i}", kind, competencies=tags, order=tuple(f"s{j}" for j in range(5))))
        else:
            steps = tuple(
                Step(
                    f"s{j}",
                    (
                        Choice("good", {CODES[j % 4]: 2.0}, f"s{j + 1}" if j < 3 else None),
                        Choice("poor", {CODES[(j + 1) % 4]: 0.5}, f"s{j + 1}" if j < 3 else None),
                        Choice("stop", {}, None),
                    ),
                )
                for j in range(4)
            )
            questions.append(Question(f"q{i}", kind, competencies=tags, scenario=Scenario("s0", steps)))
    return QuizVersion(tuple(questions), pass_mark=80, mastery={CODES[0]: 70})


def random_responses(quiz: QuizVersion, rnd: random.Random) -> dict:
    responses = {}
    for q in quiz.questions:
        if q.kind == SINGLE:
            responses[q.key] = rnd.choice(q.options).key
        elif q.kind == MULTIPLE:
            responses[q.key] = {o.key for o in q.options if rnd.random() < 0.5}
        elif q.kind == ORDER:
            responses[q.key] = tuple(rnd.sample(q.order, len(q.order)))
        else:
            responses[q.key] = tuple(rnd.choice(["good", "poor"]) for _ in range(4))
    return responses


def main(attempts: int = 20_000) -> float:
    rnd = random.Random(2026)
    quiz = build_quiz(rnd)
    batch = [random_responses(quiz, rnd) for _ in range(attempts)]
    score(quiz, batch[0])  # warm the scenarios' cached best paths, as a long-running worker would
    start = time.perf_counter()
    for responses in batch:
        score(quiz, responses)
    elapsed = time.perf_counter() - start
    rate = attempts / elapsed
    verdict = "meets" if rate >= TARGET_PER_SECOND else "MISSES"
    print(f"Scoring: {attempts} attempts of a 20-question quiz in {elapsed:.2f}s on one core")
    print(f"  {rate:,.0f} attempts/second ({verdict} the target of {TARGET_PER_SECOND:,}/second)\n")
    return rate


if __name__ == "__main__":
    main()
