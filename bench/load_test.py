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

import json
import os
import subprocess
import tempfile
from pathlib import Path

from bench.databases import LEARNERS, TEAMS
from bench.load.data_set import make_plan, prepare
from bench.load.figures import OUTPUT, keep, run_meta
from bench.load.locust_runs import locust
from bench.servers import free_port, gunicorn, task_worker
from bench.steps import command_line

WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS") or 2 * (os.cpu_count() or 1) + 1)  # gunicorn.conf.py's default
USERS = [int(n) for n in os.environ.get("BENCH_LOAD_USERS", "50,200").split(",")]
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
BASELINE_SECONDS = int(os.environ.get("BENCH_BASELINE_SECONDS", "10"))
WARM_UP_SECONDS = int(os.environ.get("BENCH_WARM_UP_SECONDS", "20"))
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
    meta = run_meta(
        load_before,
        learners=LEARNERS,
        teams=TEAMS,
        database=version,
        workers=WORKERS,
        cache="Redis" if "REDIS_URL" in env else "local memory",
        seconds=SECONDS,
        baseline_seconds=BASELINE_SECONDS,
        warm_up_seconds=WARM_UP_SECONDS,
        worker_timeouts=server_log.count("WORKER TIMEOUT"),
    )
    clean, missed = report(results, meta)
    (OUTPUT / "load_test.json").write_text(json.dumps({"meta": meta, "results": results, "missed": missed}, indent=2))
    print(f"Figures written to {OUTPUT / 'load_test.json'}\n")
    return clean


if __name__ == "__main__":
    command_line(main)
