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

For each number of users in BENCH_LOAD_USERS (50; "50,200" for the earlier pair) on one server:
first the minimal view alone,
requested back to back by that many users for BENCH_BASELINE_SECONDS (10), which is the
ceiling the server and this machine reach for a Django request doing nothing; then the scenario
of ``bench/load/locustfile.py``, measured for BENCH_LOAD_SECONDS (60) after ramp-up and
BENCH_WARM_UP_SECONDS (20), by which time the users are spread over their visit: learners (19 in 20)
reading a lesson, answering a quiz question by question through the HTML forms, submitting it,
opening "My learning" and their certificates; supervisors (1 in 20) opening their team's report
and page. Each person pauses 1 to 3 seconds between steps. Locust runs in one process on the
same two cores as the server, PostgreSQL and Redis.

Then, for each number in BENCH_LOAD_SCALE_USERS (500; empty to skip), the same pair through
HAProxy (round robin, ``bench/load/balancer.py``) on one address: in front of this one server, then
in front of two (a second gunicorn with as many workers on its own port, same database, Redis and
task worker), so the two figures sit side by side. On one 2-core machine both servers, PostgreSQL,
Redis, HAProxy and Locust share the same cores: the run shows what happens, not what two machines
would do. A default run took 9 minutes on a busy 2-core machine once the data set existed.

Targets: no server error (5xx) nor connection failure at any level, at 50 users a p95 under 250 ms
for lesson, answer and submit, and at 500 users on two servers (issue 15) no failed request (no
answer, or 4xx/5xx) and a p95 under 250 ms over all requests. Prints a table per endpoint and a
target line each, writes ``var/bench/load_test.json`` and exits non-zero when a target is missed.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.databases import LEARNERS, TEAMS
from bench.load.balancer import balancer
from bench.load.data_set import make_plan, prepare
from bench.load.figures import OUTPUT, keep, run_meta
from bench.load.locust_runs import locust
from bench.servers import free_port, gunicorn, task_worker
from bench.steps import command_line
from bench.targets import Target, load_line

WORKERS = int(os.environ.get("BENCH_LOAD_WORKERS") or 2 * (os.cpu_count() or 1) + 1)  # gunicorn.conf.py's default
USERS = [int(n) for n in os.environ.get("BENCH_LOAD_USERS", "50").split(",") if n.strip()]
SCALE_USERS = [int(n) for n in os.environ.get("BENCH_LOAD_SCALE_USERS", "500").split(",") if n.strip()]
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


def run_level(plan: Path, folder: Path, servers: list[subprocess.Popen], users: int, name: str) -> dict:
    """The minimal view alone, then the scenario, at one number of users."""
    results = {"users": users, "servers": len(servers)}
    for kind, classes, seconds, warm_up in (
        ("baseline", ["Minimal"], BASELINE_SECONDS, 2),
        ("scenario", ["Learner", "Supervisor"], SECONDS, WARM_UP_SECONDS),
    ):
        rows = locust(plan, classes, users, seconds, folder / f"{kind}_{name}", warm_up, [s.pid for s in servers])
        aggregated = rows.pop("Aggregated")
        results[kind] = {
            "endpoints": rows,
            "aggregated": aggregated,
            "worker_cpu_ms_per_request": aggregated["worker_cpu_ms_per_request"],
        }
    return results


def print_level(label: str, level: dict) -> list[str]:
    """One level's table; what it missed of the error and 50-user targets."""
    minimal = level["baseline"]["endpoints"].get("minimal", {})
    ceiling = minimal.get("rps", 0) or float("nan")
    scenario, users = level["scenario"], level["users"]
    print(
        f"{label}: minimal view alone {minimal.get('rps', 0):,.0f} requests/s (p50 {minimal.get('p50', 0):.0f} ms, "
        f"p95 {minimal.get('p95', 0):.0f} ms), worker CPU {level['baseline']['worker_cpu_ms_per_request']:.2f} ms per "
        f"request; scenario {scenario['aggregated'].get('rps', 0):,.1f} requests/s (p95 "
        f"{scenario['aggregated'].get('p95', 0):,.0f} ms), worker CPU {scenario['worker_cpu_ms_per_request']:.1f} ms "
        "per request\n"
    )
    print("| endpoint | requests | failures | 5xx | requests/s | p50 ms | p95 ms | p99 ms | requests/s vs minimal |")
    print("|---|---|---|---|---|---|---|---|---|")
    missed = []
    endpoints = scenario["endpoints"]
    for name in sorted(endpoints, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER)):
        row = endpoints[name]
        print(
            f"| {name} | {row['requests']:,} | {row['failures']:,} | {row['server_errors']} | {row['rps']:.2f} "
            f"| {row['p50']:.0f} | {row['p95']:.0f} | {row['p99']:.0f} | {row['rps'] / ceiling:.4f} |"
        )
        if row["server_errors"] or row["connection_errors"]:
            missed.append(
                f"{label}: {name} had {row['server_errors']} server errors and "
                f"{row['connection_errors']} connection failures"
            )
        if users == 50 and level["servers"] == 1 and name in P95_ENDPOINTS and row["p95"] >= P95_TARGET_MS:
            missed.append(f"{label}: {name} p95 {row['p95']:.0f} ms, target under {P95_TARGET_MS} ms")
    for name in P95_ENDPOINTS:
        if users == 50 and not endpoints.get(name, {}).get("requests"):
            missed.append(f"{label}: no {name} request succeeded in the scenario")
    print()
    return missed


def scale_figure(level: dict | None) -> str:
    if level is None:
        return "not run"
    row = level["scenario"]["aggregated"]
    return f"{row['failures']:,} errors of {row['requests']:,}, p95 {row['p95']:,.0f} ms, {row['rps']:,.1f} req/s"


def targets(results: dict, missed: list[str]) -> list[Target]:
    """The target lines: errors and the 50-user p95 (this benchmark's own), and issue 15's scale-out target."""
    lines = []
    if any(level["servers"] == 1 and not level.get("balanced") for level in results.values()):
        plain = [m for m in missed if "two servers" not in m and "one server" not in m]
        lines.append(
            Target(
                f"{', '.join(str(n) for n in USERS)} users on one server: no 5xx or connection failure; at 50 users "
                f"p95 < {P95_TARGET_MS} ms for lesson, answer, submit",
                "; ".join(plain) or "as targeted",
                not plain,
            )
        )
    for users in SCALE_USERS:
        one, two = results.get(f"{users} users, one server"), results.get(f"{users} users, two servers")
        row = two["scenario"]["aggregated"] if two else None
        met = bool(row and row["requests"]) and not row["failures"] and row["p95"] < P95_TARGET_MS
        lines.append(
            Target(
                f"{users} users on two app servers behind HAProxy: 0 errors, p95 < {P95_TARGET_MS} ms",
                f"two servers: {scale_figure(two)} | one server: {scale_figure(one)}",
                met,
            )
        )
    return lines


def report(results: dict, meta: dict) -> tuple[list[Target], list[str]]:
    """Print the tables and the target lines; the targets, and what was missed."""
    print(
        f"Load test (Locust): {meta['learners']:,} learners in {meta['teams']} teams, {meta['database']}, production "
        f"settings, gunicorn {meta['workers']} sync workers per server, DATABASE_CONN_MAX_AGE=60, cache "
        f"{meta['cache']}, one task worker; per level: the minimal view alone for {meta['baseline_seconds']}s, then "
        f"the scenario measured for {meta['seconds']}s after ramp-up and {meta['warm_up_seconds']}s of warm-up"
    )
    print(f"  load average before: {meta['load_before']}\n")
    missed = []
    for label, level in results.items():
        missed += print_level(label, level)
    lines = targets(results, missed)
    for line in lines:
        print(line.line())
    print(f"  load average after: {meta['load_after']}")
    return lines, missed


def scale_out(env: dict, folder: Path, plan: Path, server: subprocess.Popen, port: int, users: int) -> dict:
    """``users`` through HAProxy in front of this server alone, then in front of it and a second one."""
    results = {}
    balanced, second = free_port(), free_port()
    for label, ports in (("one server", [port]), ("two servers", [port, second])):
        (folder / "plan_balanced.json").write_text(
            json.dumps({**json.loads(plan.read_text()), "hosts": [f"http://127.0.0.1:{balanced}"]})
        )
        with balancer(folder, balanced, ports):
            if len(ports) == 1:
                level = run_level(folder / "plan_balanced.json", folder, [server], users, f"{users}_one")
            else:
                with gunicorn(env, second, WORKERS, log=folder / "gunicorn-second.log") as other:
                    level = run_level(folder / "plan_balanced.json", folder, [server, other], users, f"{users}_two")
        results[f"{users} users, {label}"] = {**level, "balanced": True}
    return results


def main() -> bool:
    load_before = load_line()
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pss-load-") as tmp:
        folder = Path(tmp)
        port = free_port()
        prepared = prepare(folder, port)
        if prepared is None:
            print("Load test: skipped, PostgreSQL at 127.0.0.1:5432 does not answer.\n")
            return True
        env, version = prepared
        if SCALE_USERS and not shutil.which("haproxy"):
            print("Load test: HAProxy is not installed (apt-get install haproxy): the runs on two servers are skipped.")
        plan = folder / "plan.json"
        make_plan(env, plan, [f"http://127.0.0.1:{port}"], learners=max([300, *USERS, *SCALE_USERS]))
        results = {}
        try:
            with (
                gunicorn(env, port, WORKERS, log=folder / "gunicorn.log") as process,
                task_worker(env, folder / "worker.log"),
            ):
                locust(plan, ["Learner", "Supervisor"], 20, 5, folder / "warmup")  # every worker imports and caches
                for users in USERS:
                    results[f"{users} users"] = run_level(plan, folder, [process], users, str(users))
                for users in SCALE_USERS if shutil.which("haproxy") else []:
                    results |= scale_out(env, folder, plan, process, port, users)
        except BaseException:
            for log in ("gunicorn.log", "gunicorn-second.log", "worker.log"):
                path = folder / log
                if path.exists():
                    print(f"--- {log} (last lines)\n" + "\n".join(path.read_text(errors="replace").splitlines()[-40:]))
            raise
        finally:
            keep(folder, "load_test")
        server_log = "".join(
            (folder / log).read_text(errors="replace")
            for log in ("gunicorn.log", "gunicorn-second.log")
            if (folder / log).exists()
        )
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
    meta["load_after"] = load_line()
    lines, missed = report(results, meta)
    (OUTPUT / "load_test.json").write_text(
        json.dumps(
            {
                "meta": meta,
                "load_before": meta["load_before"],
                "load_after": meta["load_after"],
                "targets": [vars(line) for line in lines],
                "results": results,
                "missed": missed,
            },
            indent=2,
        )
    )
    print(f"Figures written to {OUTPUT / 'load_test.json'}\n")
    return all(line.met for line in lines)


if __name__ == "__main__":
    command_line(main)
