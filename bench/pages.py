"""Page benchmarks, run by `make bench`. Not part of the test suite.

Builds a throwaway test database (SQLite by default, or DATABASE_URL), a course of
3 modules x 10 lessons, and an enrolled learner halfway through it, then times the
learner's pages (and a question of a quiz attempt in progress) through Django's test client and
counts their queries. Prints issue 15's query ceilings (lesson page 12, quiz question page 10) with
"met" or "missed" and records them for `python -m bench.summary`.
"""

import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "50"))


QUERY_CEILINGS = {"lesson page": 12, "quiz question page": 10}  # issue 15's ceilings


def measure(client, label, url) -> int:
    client.get(url)
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"| {label:<28} | {statistics.median(timings):9.1f} | {p95:6.1f} | {len(queries):7d} |")
    return len(queries)


def main():
    from django.urls import reverse

    from bench.targets import Target, load_line, record

    load_before = load_line()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from assessments.attempts.services import attempt_start
        from cms.site.services import site_home_ensure
        from courses.catalogue.services import catalog_ensure
        from courses.progress import services
        from tests.factories import LearnerFactory, build_course, build_quiz, course_lessons, module_with_quiz

        catalog = catalog_ensure(home=site_home_ensure())
        course = build_course(catalog, modules=3, lessons_per_module=10)
        learner = LearnerFactory()
        services.enrollment_create(user=learner, course=course)
        lessons = course_lessons(course)
        for lesson in lessons[:15]:
            services.lesson_complete(user=learner, lesson=lesson)
        quiz = build_quiz()
        module_with_quiz(course, quiz)
        attempt = attempt_start(user=learner, quiz=quiz).attempt

        client = Client()
        client.force_login(learner)
        print(f"{connection.vendor}, {ROUNDS} rounds, course of {len(lessons)} lessons\n")
        print("| page                         | median ms | p95 ms | queries |")
        print("|------------------------------|-----------|--------|---------|")
        counts = {
            "home (signed in)": measure(client, "home (signed in)", "/"),
            "catalog": measure(client, "catalog", catalog.url),
            "course page": measure(client, "course page", course.url),
            "lesson page": measure(client, "lesson page", lessons[16].url),
            "my learning": measure(client, "my learning", "/learn/"),
            "quiz question page": measure(
                client, "quiz question page", reverse("attempt-question", args=[attempt.pk, 1])
            ),
            "API: my enrollments": measure(client, "API: my enrollments", "/api/v1/me/enrollments/"),
        }
        targets = [
            Target(f"{page} in at most {ceiling} queries", f"{counts[page]} queries", counts[page] <= ceiling)
            for page, ceiling in QUERY_CEILINGS.items()
        ]
        print()
        for target in targets:
            print(target.line())
        record(f"pages_{connection.vendor}", targets, load_before)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
