"""Supervisor tracking pages at 10,000 learners on gunicorn, run by `make bench`. Not part of the test suite.

Creates a scratch PostgreSQL database (127.0.0.1:5432, user postgres; skipped when the server
does not answer), migrates it and collects static files with the production settings, then loads
the demo (`load_demo`) and `python -m bench.load_data --learners 10000 --teams 200` with the development
settings, which allow demo content. It serves the site with gunicorn (production settings, 2 sync
workers, DATABASE_CONN_MAX_AGE=60) and, after a warm-up, requests each URL one request at a time:
the status report's first page as an administrator and as the supervisor of a 50-person team, that
team's page, and the team's status in the API with a Bearer token. Sessions are created directly
in the database, as logging in would. Then it checks that the CSV export of every row streams:
on a new one-worker gunicorn each time, the growth of the worker's peak resident memory (VmHWM)
for the report's first page, the CSV export and the Excel export, with time to first byte.
Targets: p95 under 300 ms for each URL, and the CSV export streaming: its first byte within 300 ms
and the worker growing by less than a quarter of what the Excel export (which builds every row
before writing) grows it.
Exits non-zero when a target is missed. Everything it made is removed at the end.
"""

import http.client
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench.databases import LEARNERS, TEAMS, data_set_load, scratch_database
from bench.servers import children, free_port, gunicorn, manage, production_env
from bench.steps import command_line, step_run

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
WARMUP = 5
P95_TARGET_MS = 300


def seed() -> dict:
    """A step: sessions for an administrator and a supervisor, and an API token."""
    from django.conf import settings
    from django.db.models import Count

    from bench.sessions import signed_in_session
    from cms.models import Team, User
    from cms.security.api_tokens.services import api_token_create

    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    team = (
        Team.objects.filter(name__startswith="Peer team")
        .annotate(size=Count("members"))
        .filter(size__gte=50)
        .order_by("size", "pk")
        .first()
    )
    supervisor = team.supervisors.get()
    _, token = api_token_create(user=supervisor, name="Benchmark")
    return {
        "cookie": settings.SESSION_COOKIE_NAME,
        "admin": signed_in_session(admin, verified=True),
        "supervisor": signed_in_session(supervisor, verified=True),
        "team": team.pk,
        "team_size": team.size,
        "token": token,
    }


def request(port: int, path: str, headers: dict) -> tuple[int, float, float, int]:
    """One GET: status, seconds to the first body byte, seconds in all, body length."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = connection.getresponse()
    first = response.read(1)
    first_byte = time.perf_counter() - started
    size = len(first)
    while chunk := response.read(65536):
        size += len(chunk)
    total = time.perf_counter() - started
    connection.close()
    return response.status, first_byte, total, size


def measure(port: int, path: str, headers: dict) -> dict:
    for _ in range(WARMUP):
        status, *_ = request(port, path, headers)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    times = []
    for _ in range(REQUESTS):
        status, _first, total, size = request(port, path, headers)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        times.append(total * 1000)
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "rps": 1000 / statistics.mean(times), "bytes": size}


def peak_rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("no VmHWM")


def memory_check(env: dict, port: int, headers: dict, path: str) -> dict:
    """One request on a new one-worker gunicorn: time to first byte, and growth of the worker's peak memory."""
    with gunicorn(env, port, workers=1, timeout=120) as server:
        (worker,) = children(server.pid)
        request(port, "/bench/minimal/", {})
        before = peak_rss_kb(worker)
        status, first_byte, total, size = request(port, path, headers)
        if status != 200 or children(server.pid) != [worker]:
            raise RuntimeError(f"{path} answered {status}")
        return {
            "first_byte_ms": first_byte * 1000,
            "total_ms": total * 1000,
            "bytes": size,
            "growth_kb": peak_rss_kb(worker) - before,
        }


def main() -> bool:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="pss-bench-") as tmp:
        folder = Path(tmp)
        port = free_port()
        with scratch_database(f"pss_bench_status_{os.getpid()}_{int(time.time())}", folder) as (database_url, vendor):
            if not vendor.startswith("PostgreSQL"):
                print(
                    "Supervisor tracking at 10,000 learners: skipped, PostgreSQL at 127.0.0.1:5432 does not answer.\n"
                )
                return True
            env = production_env(folder, port, DATABASE_URL=database_url, DATABASE_CONN_MAX_AGE="60")
            manage(env, "migrate", "--no-input", "-v", "0")
            manage(env, "collectstatic", "--no-input", "-v", "0")
            loaded = data_set_load(env)
            seeded = step_run("bench.status_report", env, "seed")
            admin = {"Cookie": f"{seeded['cookie']}={seeded['admin']}"}
            supervisor = {"Cookie": f"{seeded['cookie']}={seeded['supervisor']}"}
            bearer = {"Authorization": f"Bearer {seeded['token']}"}
            team = seeded["team"]
            urls = [
                ("status report, administrator (all teams)", "/admin/reports/certification-status/", admin),
                (
                    f"status report, supervisor ({seeded['team_size']} people)",
                    "/admin/reports/certification-status/",
                    supervisor,
                ),
                ("team page, supervisor", f"/admin/teams/{team}/status/", supervisor),
                ("API team status, Bearer token", f"/api/v1/teams/{team}/status/", bearer),
            ]
            results = {}
            with gunicorn(env, port, workers=2, timeout=120):
                for label, path, headers in urls:
                    results[label] = measure(port, path, headers)
            report = "/admin/reports/certification-status/"
            exports = {
                "first page": memory_check(env, port, admin, report),
                "csv": memory_check(env, port, admin, report + "?export=csv"),
                "xlsx": memory_check(env, port, admin, report + "?export=xlsx"),
            }

    print(
        f"Supervisor tracking: {LEARNERS:,} learners in {TEAMS} teams, {vendor}, production settings, gunicorn "
        f"2 sync workers, DATABASE_CONN_MAX_AGE=60, {REQUESTS} sequential requests per URL after {WARMUP} warm-up"
    )
    print(f"  load_demo {loaded['demo_seconds']:.0f}s, bench.load_data {loaded['generate_seconds']:.0f}s")
    print("  " + "\n  ".join(line for line in loaded["summary"].splitlines() if line.startswith("  ")))
    print(f"  load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after\n")
    print("| URL | p50 ms | p95 ms | p99 ms | requests/s | KB | p95 under 300 ms |")
    print("|---|---|---|---|---|---|---|")
    clean = True
    for label, report in results.items():
        met = report["p95"] < P95_TARGET_MS
        clean = clean and met
        print(
            f"| {label} | {report['p50']:.0f} | {report['p95']:.0f} | {report['p99']:.0f} | {report['rps']:.1f} "
            f"| {report['bytes'] / 1024:.0f} | {'met' if met else 'MISSED'} |"
        )
    print("\nThe report as the administrator, first request on a new one-worker gunicorn:\n")
    print("| response | size KB | first byte ms | total ms | worker peak RSS growth MB | CSV streams |")
    print("|---|---|---|---|---|---|")
    whole = exports["xlsx"]
    for kind, report in exports.items():
        verdict = ""
        if kind == "csv":
            # Streaming: the first rows leave at once, and memory never holds every row as the Excel export does.
            met = report["first_byte_ms"] < 300 and report["growth_kb"] < whole["growth_kb"] / 4
            clean = clean and met
            verdict = "met" if met else "MISSED"
        print(
            f"| {kind} | {report['bytes'] / 1024:,.0f} | {report['first_byte_ms']:.0f} | {report['total_ms']:.0f} "
            f"| {report['growth_kb'] / 1024:,.1f} | {verdict} |"
        )
    print()
    return clean


if __name__ == "__main__":
    command_line(main, {"seed": seed})
