"""Learners and supervisors under load (Locust) on gunicorn and PostgreSQL at 10,000 learners, run by `make bench`.

Not part of the test suite. Uses (and keeps, for the next run) the PostgreSQL database
``pss_load_bench`` at 127.0.0.1:5432 as user postgres: created the first time with the
production settings' migrations, the demo (`load_demo`) and `python -m bench.load_data --learners 10000
--teams 200` under the development settings, which allow demo content; later runs only migrate
it (BENCH_LOAD_FRESH=1 builds it again). Skipped when PostgreSQL does not answer.

The site runs on gunicorn with the production settings plus a minimal view
(``bench/verify_settings.py``: `/bench/minimal/` returns "ok"), the project's ``gunicorn.conf.py``
(sync workers: BENCH_LOAD_WORKERS, by default its own 2 x cores + 1, so 5 here), DATABASE_CONN_MAX_AGE=60, the Redis
cache on database 7 when Redis answers, and one task worker (`db_worker`), as in production.
People do not log in through the form: their sessions are made directly in the session store,
as logging in would, with the two-factor mark for supervisors (password hashing would otherwise
dominate the figures, and is not what a learner waits for once signed in).

For each number of users (50, then 200) on the same server: first the minimal view alone,
requested back to back by that many users for BENCH_BASELINE_SECONDS (10), which is the
ceiling the server and this machine reach for a Django request doing nothing; then the scenario
of ``bench/load/locustfile.py``, measured for BENCH_LOAD_SECONDS (60) after ramp-up and
BENCH_WARM_UP_SECONDS (20), by which time the users are spread over their visit: learners (19 in 20)
reading a lesson, answering a quiz question by question through the HTML forms, submitting it,
opening "My learning" and their certificates; supervisors (1 in 20) opening their team's report
and page. Each person pauses 1 to 3 seconds between steps. Locust runs in one process on the
same two cores as the server, PostgreSQL and Redis.

Targets: no server error (5xx) nor connection failure at either number of users, and at 50 users
a p95 under 250 ms for lesson, answer and submit. Prints a table per endpoint, writes
``var/bench/load_test.json`` and exits non-zero when a target is missed.
"""

import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bench.certificate_verify import (
    BIN,
    PGHOST,
    PGPORT,
    ROOT,
    children,
    cpu_seconds,
    free_port,
    gunicorn,
    load_data,
    manage,
    production_env,
    stop,
)

DATABASE = os.environ.get("BENCH_LOAD_DB", "pss_load_bench")
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "10000"))
TEAMS = int(os.environ.get("BENCH_TEAMS", "200"))
WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS") or 2 * (os.cpu_count() or 1) + 1)  # gunicorn.conf.py's default
USERS = [int(n) for n in os.environ.get("BENCH_LOAD_USERS", "50,200").split(",")]
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
BASELINE_SECONDS = int(os.environ.get("BENCH_BASELINE_SECONDS", "10"))
WARM_UP_SECONDS = int(os.environ.get("BENCH_WARM_UP_SECONDS", "20"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
P95_TARGET_MS = 250
P95_ENDPOINTS = ("lesson", "answer", "submit")
ORDER = [
    "lesson",
    "start",
    "question",
    "answer",
    "review",
    "submit",
    "result",
    "my learning",
    "certificates",
    "report",
    "team page",
]
OUTPUT = ROOT / "var" / "bench"
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"


# The data set -------------------------------------------------------------------------------------


def _admin_connection():
    import psycopg

    return psycopg.connect(
        host=PGHOST, port=PGPORT, user="postgres", dbname="postgres", autocommit=True, connect_timeout=5
    )


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
    import psycopg
    from psycopg import sql

    try:
        with _admin_connection() as conn:
            version = f"PostgreSQL {conn.info.server_version // 10000}"
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
    except psycopg.OperationalError:
        return None
    url = f"postgres://postgres@{PGHOST}:{PGPORT}/{DATABASE}"
    fresh = os.environ.get("BENCH_LOAD_FRESH") == "1" or not exists or not _populated(url)
    if fresh:
        with _admin_connection() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    env = {**env, "DATABASE_URL": url}
    manage(env, "migrate", "--no-input", "-v", "0")
    if fresh:
        print(f"Building the data set in {DATABASE}: load_demo, bench.load_data --learners {LEARNERS} ...")
        loading = {**env, "DJANGO_SETTINGS_MODULE": "cms.settings.dev", "DJANGO_DEBUG": "0"}
        started = time.perf_counter()
        manage(loading, "load_demo")
        load_data(loading, "--learners", str(LEARNERS), "--teams", str(TEAMS))
        print(f"  built in {time.perf_counter() - started:.0f}s")
    return url, version


def redis_available() -> bool:
    """Redis answers on the benchmark's database; emptied there (that database only) so no stale entry remains."""
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.flushdb()  # REDIS_URL's database only
        return True
    except Exception:  # noqa: BLE001 - no Redis: the local-memory cache is used instead
        return False


def environment(folder: Path, port: int) -> dict:
    """Production settings for the server, the task worker and the seed."""
    env = production_env(
        folder,
        port,
        DATABASE_CONN_MAX_AGE="60",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_LOG_LEVEL="warning",
    )
    if redis_available():
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


def seed() -> None:
    """Run inside the benchmark's environment: signed-in sessions and what the scenario needs, as JSON."""
    import random

    import django

    django.setup()
    from django.conf import settings

    from assessments.models import Quiz
    from bench.sessions import signed_in_session
    from certificates.demo.certification import PROGRAM_NAME
    from certificates.issuance.models import Program
    from cms.models import Team, User
    from courses.models import LessonPage, ModulePage

    count, supervisor_count = int(sys.argv[3]), int(sys.argv[4])
    course = Program.objects.get(name=PROGRAM_NAME).required_courses.select_related("course").first().course
    rng = random.Random(int(sys.argv[5]))  # noqa: S311 - which learners, not secrets
    learner_ids = list(
        User.objects.filter(email__endswith="@load.example.org", enrollments__course=course, is_active=True)
        .exclude(supervised_teams__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    learners = User.objects.filter(pk__in=rng.sample(learner_ids, k=min(count, len(learner_ids))))
    teams = list(Team.objects.filter(name__startswith="Peer team").order_by("pk")[:supervisor_count])
    lessons = LessonPage.objects.live().descendant_of(course).order_by("path")
    plan = {
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
    Path(sys.argv[2]).write_text(json.dumps(plan))


def make_plan(env: dict, path: Path, hosts: list[str], learners: int = 300, supervisors: int = 20, seed_value: int = 1):
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.load_test", "seed", str(path), str(learners), str(supervisors), str(seed_value)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    plan = json.loads(path.read_text())
    plan["hosts"] = hosts
    if not plan["learners"] or not plan["supervisors"] or not plan["lessons"] or not plan["quizzes"]:
        raise RuntimeError(f"The data set lacks learners, supervisors, lessons or quizzes: {path}")
    path.write_text(json.dumps(plan))
    return plan


# Processes ----------------------------------------------------------------------------------------


@contextmanager
def task_worker(env: dict, log: Path):
    """The background task worker (`manage.py db_worker`), stopped on exit."""
    process = task_worker_start(env, log)
    try:
        yield process
    finally:
        stop(process, grace=60)


def task_worker_start(env: dict, log: Path) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "db_worker", "--queue-name", "*", "--interval", "0.5", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def locust(
    plan: Path,
    classes: list[str],
    users: int,
    seconds: int,
    prefix: Path,
    warm_up: int = 0,
    server_pid: int | None = None,
) -> dict:
    """One headless Locust run: figures per endpoint over ``seconds`` after ramp-up and ``warm_up``.

    Every request is written to ``<prefix>_events.jsonl`` and the figures are computed from it, over
    the measured window only: by then the users are spread over every step of their visit (right
    after ramp-up, all of them would be at its first steps). With ``server_pid``, the CPU time its
    workers spent in the window is measured too.
    """
    rate = max(10, users // 4)
    ramp = -(-users // rate)
    events = Path(f"{prefix}_events.jsonl")
    env = {**os.environ, "BENCH_LOAD_PLAN": str(plan), "BENCH_LOAD_EVENTS": str(events)}
    command = [BIN / "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary", "--users", str(users)]
    command += ["--spawn-rate", str(rate), "--run-time", f"{ramp + warm_up + seconds}s", "--stop-timeout", "5"]
    command += ["--csv", str(prefix), "--loglevel", "WARNING", *classes]
    with Path(f"{prefix}.log").open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        started = time.time()
        begin, end = started + ramp + warm_up + 1, started + ramp + warm_up + 1 + seconds
        workers = children(server_pid) if server_pid else []
        time.sleep(max(0.0, begin - time.time()))
        cpu_before = cpu_seconds(workers)
        time.sleep(max(0.0, end - time.time()))
        cpu = cpu_seconds(workers) - cpu_before
        process.wait(timeout=seconds + warm_up + 120)
    finally:
        stop(process)
    if not events.exists():
        raise RuntimeError(f"Locust exited with {process.returncode} and recorded nothing; see {prefix}.log")
    rows = summarize(events, begin, end)
    rows["Aggregated"]["worker_cpu_ms_per_request"] = cpu * 1000 / max(rows["Aggregated"]["requests"], 1)
    return rows


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ordered list."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share / 100 * len(ordered)) - 1))]


def summarize(events: Path, begin: float, end: float) -> dict:
    """Requests, failures, status codes, requests per second and percentiles per endpoint, within [begin, end)."""
    times, statuses = {}, {}
    for line in events.read_text().splitlines():
        event = json.loads(line)
        if not begin <= event["t"] < end:
            continue
        for name in (event["name"], "Aggregated"):
            times.setdefault(name, []).append(event["ms"])
            codes = statuses.setdefault(name, {})
            codes[str(event["status"])] = codes.get(str(event["status"]), 0) + 1
    times.setdefault("Aggregated", [])
    rows = {}
    for name, values in times.items():
        values.sort()
        codes = statuses.get(name, {})
        rows[name] = {
            "requests": len(values),
            "failures": sum(n for code, n in codes.items() if code == "0" or int(code) >= 400),
            "server_errors": sum(n for code, n in codes.items() if int(code) >= 500),
            "connection_errors": codes.get("0", 0),
            "status": codes,
            "rps": len(values) / (end - begin),
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
            "max": values[-1] if values else 0.0,
        }
    return rows


def read_stats(prefix: Path) -> dict:
    """Locust's own CSV rows by endpoint (whole run), with the status codes the scenario counted."""
    rows = {}
    with Path(f"{prefix}_stats.csv").open() as stats:
        for row in csv.DictReader(stats):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "max": float(row["Max Response Time"] or 0),
            }
    status_file = Path(f"{prefix}_status.json")
    codes = json.loads(status_file.read_text()) if status_file.exists() else {}
    for name, row in rows.items():
        row["status"] = codes.get(name, {})
        row["server_errors"] = sum(n for code, n in row["status"].items() if code.startswith("5"))
        row["connection_errors"] = row["status"].get("0", 0)
    return rows


# The benchmark ------------------------------------------------------------------------------------


def keep(folder: Path, name: str) -> None:
    """Locust's CSV files and the logs, kept under var/bench/<name>/ for a closer look (not the sessions)."""
    target = OUTPUT / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in folder.iterdir():
        if path.is_file() and path.suffix in {".csv", ".log", ".jsonl"} or path.name.endswith("_status.json"):
            shutil.copy2(path, target / path.name)


def run_level(plan: Path, folder: Path, process: subprocess.Popen, users: int) -> dict:
    """The minimal view alone, then the scenario, at one number of users."""
    results = {}
    for kind, classes, seconds, warm_up in (
        ("baseline", ["Minimal"], BASELINE_SECONDS, 2),
        ("scenario", ["Learner", "Supervisor"], SECONDS, WARM_UP_SECONDS),
    ):
        rows = locust(plan, classes, users, seconds, folder / f"{kind}_{users}", warm_up, process.pid)
        aggregated = rows.pop("Aggregated")
        results[kind] = {
            "endpoints": rows,
            "aggregated": aggregated,
            "worker_cpu_ms_per_request": aggregated["worker_cpu_ms_per_request"],
        }
    return results


def report(results: dict, meta: dict) -> tuple[bool, list[str]]:
    """Print the tables; whether every target was met, and what was missed."""
    print(
        f"Load test (Locust): {meta['learners']:,} learners in {meta['teams']} teams, {meta['database']}, production "
        f"settings, gunicorn {meta['workers']} sync workers, DATABASE_CONN_MAX_AGE=60, cache {meta['cache']}, "
        f"one task worker; per number of users: the minimal view alone for {meta['baseline_seconds']}s, then the scenario "
        f"measured for {meta['seconds']}s after ramp-up and {meta['warm_up_seconds']}s of warm-up"
    )
    print(f"  load average {meta['load_before']:.1f} before, {meta['load_after']:.1f} after (2 cores)\n")
    missed = []
    for users, level in results.items():
        minimal = level["baseline"]["endpoints"].get("minimal", {})
        ceiling = minimal.get("rps", 0) or float("nan")
        scenario = level["scenario"]
        print(
            f"{users} users: minimal view alone {minimal.get('rps', 0):,.0f} requests/s (p50 {minimal.get('p50', 0):.0f} ms, "
            f"p95 {minimal.get('p95', 0):.0f} ms), worker CPU {level['baseline']['worker_cpu_ms_per_request']:.2f} ms per request; "
            f"scenario {scenario['aggregated'].get('rps', 0):,.1f} requests/s, worker CPU "
            f"{scenario['worker_cpu_ms_per_request']:.1f} ms per request\n"
        )
        print(
            "| endpoint | requests | failures | 5xx | requests/s | p50 ms | p95 ms | p99 ms | requests/s vs minimal |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        endpoints = scenario["endpoints"]
        for name in sorted(endpoints, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER)):
            row = endpoints[name]
            print(
                f"| {name} | {row['requests']:,} | {row['failures']:,} | {row['server_errors']} | {row['rps']:.2f} "
                f"| {row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} | {row['rps'] / ceiling:.4f} |"
            )
            if row["server_errors"] or row["connection_errors"]:
                missed.append(
                    f"{users} users: {name} had {row['server_errors']} server errors and "
                    f"{row['connection_errors']} connection failures"
                )
            if users == 50 and name in P95_ENDPOINTS and row["p95"] >= P95_TARGET_MS:
                missed.append(f"50 users: {name} p95 {row['p95']:.0f} ms, target under {P95_TARGET_MS} ms")
        for name in P95_ENDPOINTS:
            if users == 50 and not endpoints.get(name, {}).get("requests"):
                missed.append(f"50 users: no {name} request succeeded in the scenario")
        print()
    if missed:
        print("Targets MISSED:\n  " + "\n  ".join(missed) + "\n")
    elif 50 in results:
        print(
            f"Targets met: no server errors; p95 under {P95_TARGET_MS} ms for lesson, answer and submit at 50 users.\n"
        )
    else:
        print(f"No server errors. The p95 target ({P95_TARGET_MS} ms) is for 50 users, not run this time.\n")
    return not missed, missed


def main() -> bool:
    load_before = os.getloadavg()[0]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pss-load-") as tmp:
        folder = Path(tmp)
        port = free_port()
        prepared = prepare(folder, port)
        if prepared is None:
            print("Load test: skipped, PostgreSQL at 127.0.0.1:5432 does not answer.\n")
            return True
        env, version = prepared
        plan = folder / "plan.json"
        make_plan(env, plan, [f"http://127.0.0.1:{port}"])
        results = {}
        try:
            with (
                gunicorn(env, port, WORKERS, log=folder / "gunicorn.log") as process,
                task_worker(env, folder / "worker.log"),
            ):
                locust(plan, ["Learner", "Supervisor"], 20, 5, folder / "warmup")  # every worker imports and caches
                for users in USERS:
                    results[users] = run_level(plan, folder, process, users)
        except BaseException:
            for log in ("gunicorn.log", "worker.log"):
                path = folder / log
                if path.exists():
                    print(f"--- {log} (last lines)\n" + "\n".join(path.read_text(errors="replace").splitlines()[-40:]))
            raise
        finally:
            keep(folder, "load_test")
        server_log = (folder / "gunicorn.log").read_text(errors="replace")
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "learners": LEARNERS,
        "teams": TEAMS,
        "database": version,
        "workers": WORKERS,
        "cache": "Redis" if "REDIS_URL" in env else "local memory",
        "seconds": SECONDS,
        "baseline_seconds": BASELINE_SECONDS,
        "warm_up_seconds": WARM_UP_SECONDS,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "worker_timeouts": server_log.count("WORKER TIMEOUT"),
    }
    clean, missed = report(results, meta)
    (OUTPUT / "load_test.json").write_text(json.dumps({"meta": meta, "results": results, "missed": missed}, indent=2))
    print(f"Figures written to {OUTPUT / 'load_test.json'}\n")
    return clean


if __name__ == "__main__":
    if sys.argv[1:2] == ["seed"]:
        seed()
    else:
        sys.exit(0 if main() else 1)
