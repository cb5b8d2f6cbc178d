"""Page benchmarks, run by `make bench`. Not part of the test suite.

Builds a throwaway test database (SQLite by default, or DATABASE_URL), a course of
3 modules x 10 lessons, and an enrolled learner halfway through it, then times the
learner's pages through Django's test client and counts their queries.
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


def measure(client, label, url):
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


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from cms.site.services import site_home_ensure
        from courses.catalogue.services import catalog_ensure
        from courses.progress import services
        from tests.factories import LearnerFactory, build_course, course_lessons

        catalog = catalog_ensure(home=site_home_ensure())
        course = build_course(catalog, modules=3, lessons_per_module=10)
        learner = LearnerFactory()
        services.enrollment_create(user=learner, course=course)
        lessons = course_lessons(course)
        for lesson in lessons[:15]:
            services.lesson_complete(user=learner, lesson=lesson)

        client = Client()
        client.force_login(learner)
        print(f"{connection.vendor}, {ROUNDS} rounds, course of {len(lessons)} lessons\n")
        print("| page                         | median ms | p95 ms | queries |")
        print("|------------------------------|-----------|--------|---------|")
        measure(client, "home (signed in)", "/")
        measure(client, "catalog", catalog.url)
        measure(client, "course page", course.url)
        measure(client, "lesson page", lessons[16].url)
        measure(client, "my learning", "/learn/")
        measure(client, "API: my enrollments", "/api/v1/me/enrollments/")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
