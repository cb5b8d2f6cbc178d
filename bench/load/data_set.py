"""The load test's data set and environment: the kept database, production settings, and the plan Locust follows.

The database (BENCH_LOAD_DB, ``pss_load_bench``) is built the first time with the production
settings' migrations, the demo and ``bench.load_data`` (see ``bench.databases``); later runs only
migrate it (BENCH_LOAD_FRESH=1 builds it again).
"""

import json
import os
import time
from pathlib import Path

from bench.databases import LEARNERS, data_set_load, kept_database, redis_emptied
from bench.servers import manage, production_env
from bench.steps import command_line, step_run

DATABASE = os.environ.get("BENCH_LOAD_DB", "pss_load_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


def _populated(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SELECT count(*) FROM cms_user WHERE email LIKE %s", ["%@load.example.org"]).fetchone()
            return row[0] >= LEARNERS
    except psycopg.Error:
        return False


def database(env: dict) -> tuple[str, str] | None:
    """The data set's database URL and PostgreSQL's version, built when missing; None without PostgreSQL."""

    def build(env: dict) -> None:
        print(f"Building the data set in {DATABASE}: load_demo, bench.load_data --learners {LEARNERS} ...")
        started = time.perf_counter()
        data_set_load(env)
        print(f"  built in {time.perf_counter() - started:.0f}s")

    rebuild = os.environ.get("BENCH_LOAD_FRESH") == "1"
    return kept_database(env, DATABASE, rebuild=rebuild, build=build, ready=_populated)


def environment(folder: Path, port: int) -> dict:
    """Production settings for the server, the task worker and the steps."""
    env = production_env(
        folder,
        port,
        DATABASE_CONN_MAX_AGE="60",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_LOG_LEVEL="warning",
    )
    if redis_emptied(REDIS_URL):
        env["REDIS_URL"] = REDIS_URL
    return env


def prepare(folder: Path, port: int) -> tuple[dict, str] | None:
    """The environment with the database set, static files collected; None without PostgreSQL."""
    env = environment(folder, port)
    found = database(env)
    if found is None:
        return None
    env["DATABASE_URL"], version = found
    manage(env, "collectstatic", "--no-input", "-v", "0")
    return env, version


def plan(count: str, supervisor_count: str, seed: str) -> dict:
    """A step: sessions for ``count`` learners and ``supervisor_count`` supervisors, and what the scenario needs."""
    import random

    from django.conf import settings

    from assessments.models import Quiz
    from bench.sessions import signed_in_session
    from certificates.demo.certification import PROGRAM_NAME
    from certificates.issuance.models import Program
    from cms.models import Team, User
    from courses.models import LessonPage, ModulePage

    course = Program.objects.get(name=PROGRAM_NAME).required_courses.select_related("course").first().course
    rng = random.Random(int(seed))  # noqa: S311 - which learners, not secrets
    learner_ids = list(
        User.objects.filter(email__endswith="@load.example.org", enrollments__course=course, is_active=True)
        .exclude(supervised_teams__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    learners = User.objects.filter(pk__in=rng.sample(learner_ids, k=min(int(count), len(learner_ids))))
    teams = list(Team.objects.filter(name__startswith="Peer team").order_by("pk")[: int(supervisor_count)])
    lessons = LessonPage.objects.live().descendant_of(course).order_by("path")
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "learners": [{"session": signed_in_session(user), "id": user.pk} for user in learners],
        "supervisors": [
            {"session": signed_in_session(team.supervisors.first(), verified=True), "team": team.pk} for team in teams
        ],
        "lessons": [lesson.get_url() for lesson in lessons],
        "quizzes": list(
            Quiz.objects.filter(
                live=True, pk__in=ModulePage.objects.live().descendant_of(course).values("quiz")
            ).values_list("pk", flat=True)
        ),
    }


def make_plan(env: dict, path: Path, hosts: list[str], learners: int = 300, supervisors: int = 20, seed_value: int = 1):
    """The plan for Locust (``plan`` and the servers' addresses), written to ``path``."""
    made = step_run("bench.load.data_set", env, "plan", str(learners), str(supervisors), str(seed_value))
    made["hosts"] = hosts
    if not made["learners"] or not made["supervisors"] or not made["lessons"] or not made["quizzes"]:
        raise RuntimeError(f"The data set lacks learners, supervisors, lessons or quizzes: {path}")
    path.write_text(json.dumps(made))
    return made


if __name__ == "__main__":
    command_line(steps={"plan": plan})
