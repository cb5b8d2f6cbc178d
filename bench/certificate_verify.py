"""Verification page throughput under load on gunicorn, run by `make bench`. Not part of the test suite.

Sets up a scratch database (PostgreSQL at 127.0.0.1:5432 as user postgres when it answers,
otherwise an SQLite file), migrates it, collects static files and issues one certificate, all
with the production settings plus a bench-only minimal view (``bench/verify_settings.py``).
Then serves the site with gunicorn (sync workers) on a loopback port and loads it with wrk
from a second process: the minimal view, /verify/<code>/ and /api/v1/verify/<code>/, taking
turns in rounds after a warm-up, with database connections kept open (DATABASE_CONN_MAX_AGE=60,
as .env.example suggests) and closed after every request (0, the default). Besides wrk's
throughput and latency, it reads the CPU time the gunicorn workers spent per request, which
other load on the machine moves far less.

wrk comes from Debian (`apt-get install wrk`); it is installed here when missing and this
runs as root. Everything it made (server, database, folders) is removed at the end.
"""

import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.databases import scratch_database
from bench.servers import children, cpu_seconds, fetch, free_port, gunicorn, manage, production_env
from bench.steps import command_line, step_run

WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
DURATION = int(os.environ.get("BENCH_DURATION", "5"))
ROUNDS = int(os.environ.get("BENCH_LOAD_ROUNDS", "3"))
WARMUP = 3

# wrk reports p50/p75/p90/p99 itself; this prints the figures wanted, p95 included, as one JSON line.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "non_2xx": %d, "errors": %d, "p50": %d, "p95": %d, "p99": %d}\\n',
    summary.requests, summary.duration / 1e6, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def seed() -> dict:
    """A step: a home page, the catalog, a program and one issued certificate."""
    from decimal import Decimal

    from certificates.documents.models import CertificateTemplate
    from certificates.issuance.models import Program, ProgramHours
    from certificates.issuance.services import certificate_issue
    from cms.models import User
    from cms.site.services import site_home_ensure
    from courses.catalogue.services import catalog_ensure
    from courses.models import CECategory

    catalog_ensure(home=site_home_ensure())  # every page's navigation links to the catalog
    learner = User.objects.create_user("renee@example.org", full_name="Renee Alvarez-Whitfield")
    program = Program.objects.create(
        name="Perinatal Peer Support Specialist Certificate",
        organisation="Example State Certification Board",
        signatory_name="Dr. Ana Torres",
        signatory_title="Director of Training",
        template=CertificateTemplate.objects.create(name="Standard"),
        validity_months=24,
    )
    for name, hours in {"Ethics": 6, "Peer-specific": 10, "Perinatal and family": 4}.items():
        ProgramHours.objects.create(program=program, category=CECategory.objects.get(name=name), hours=Decimal(hours))
    certificate, _ = certificate_issue(user=learner, program=program)
    return {"code": certificate.code, "serial": certificate.serial}


def wrk_ensure() -> str | None:
    """The path of wrk, installing the Debian package first when missing and allowed."""
    if not shutil.which("wrk") and shutil.which("apt-get") and os.geteuid() == 0:
        print("Installing wrk (apt-get install wrk) ...")
        apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([shutil.which("apt-get"), "update", "-qq"], env=apt, check=False)  # noqa: S603
        subprocess.run([shutil.which("apt-get"), "install", "-y", "-qq", "wrk"], env=apt, check=False)  # noqa: S603
    return shutil.which("wrk")


def workers_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system) used so far by the gunicorn master's worker processes."""
    return cpu_seconds(children(server.pid))


def load(wrk: str, script: Path, server: subprocess.Popen, url: str, seconds: int) -> dict:
    """wrk's figures for ``url``, plus the CPU time the workers spent per request."""
    threads = str(min(2, CONNECTIONS))
    cpu_before = workers_cpu_seconds(server)
    done = subprocess.run(  # noqa: S603
        [wrk, "-t", threads, "-c", str(CONNECTIONS), "-d", f"{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu = workers_cpu_seconds(server) - cpu_before
    report = json.loads(next(line for line in reversed(done.stdout.splitlines()) if line.startswith("{")))
    report["rps"] = report["requests"] / report["seconds"]
    report["cpu_ms"] = cpu * 1000 / max(report["requests"], 1)
    return report


def combined(rounds: list[dict]) -> dict:
    """One page's rounds together: throughput and CPU over all requests, the median round's percentiles."""
    report = {key: sum(r[key] for r in rounds) for key in ("requests", "seconds", "non_2xx", "errors")}
    report |= {key: statistics.median(r[key] for r in rounds) for key in ("p50", "p95", "p99")}
    report["rps"] = report["requests"] / report["seconds"]
    report["cpu_ms"] = sum(r["cpu_ms"] * r["requests"] for r in rounds) / max(report["requests"], 1)
    return report


def main() -> bool:
    wrk = wrk_ensure()
    if wrk is None:
        print("Verification under load: skipped, wrk is not installed (apt-get install wrk).\n")
        return True
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="pss-bench-") as tmp:
        folder = Path(tmp)
        script = folder / "report.lua"
        script.write_text(WRK_REPORT)
        port = free_port()
        with scratch_database(f"pss_bench_{os.getpid()}_{int(time.time())}", folder) as (database_url, vendor):
            # One client address makes every request: the per-address limit would answer 429.
            env = production_env(folder, port, DATABASE_URL=database_url, VERIFY_RATE_LIMIT="off")
            manage(env, "migrate", "--no-input", "-v", "0")
            manage(env, "collectstatic", "--no-input", "-v", "0")
            issued = step_run("bench.certificate_verify", env, "seed")
            pages = {
                "minimal Django view": "/bench/minimal/",
                "/verify/<code>/": f"/verify/{issued['code']}/",
                "/api/v1/verify/<code>/": f"/api/v1/verify/{issued['code']}/",
            }
            results = {}
            for conn_max_age in ("60", "0"):
                rounds = {label: [] for label in pages}
                with gunicorn({**env, "DATABASE_CONN_MAX_AGE": conn_max_age}, port, WORKERS) as server:
                    base = f"http://127.0.0.1:{port}"
                    status, body = fetch(base + pages["/verify/<code>/"])
                    assert status == 200 and issued["serial"].encode() in body, (status, body[:300])
                    status, body = fetch(base + pages["/api/v1/verify/<code>/"])
                    assert status == 200 and issued["serial"].encode() in body, (status, body[:300])
                    for path in pages.values():
                        load(wrk, script, server, base + path, WARMUP)
                    for _ in range(ROUNDS):  # the pages take turns, so drift in machine load touches each alike
                        for label, path in pages.items():
                            rounds[label].append(load(wrk, script, server, base + path, DURATION))
                for label in pages:
                    results[conn_max_age, label] = combined(rounds[label])

    print(
        f"Verification under load: gunicorn {WORKERS} sync workers, wrk {min(2, CONNECTIONS)} threads x "
        f"{CONNECTIONS} connections, {ROUNDS} rounds of {DURATION}s per page after a {WARMUP}s warm-up, "
        f"{vendor}, production settings"
    )
    print(f"  load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (2 cores)\n")
    print(
        "| DATABASE_CONN_MAX_AGE | page | requests/s | p50 ms | p95 ms | p99 ms | requests/s vs minimal "
        "| worker CPU ms per request | CPU vs minimal |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    clean = True
    for (conn_max_age, label), report in results.items():
        minimal = results[conn_max_age, "minimal Django view"]
        clean = clean and report["non_2xx"] == 0 and report["errors"] == 0
        print(
            f"| {conn_max_age} | {label} | {report['rps']:,.0f} | {report['p50'] / 1000:.1f} "
            f"| {report['p95'] / 1000:.1f} | {report['p99'] / 1000:.1f} | {report['rps'] / minimal['rps']:.3f} "
            f"| {report['cpu_ms']:.2f} | {report['cpu_ms'] / minimal['cpu_ms']:.0f}x |"
        )
    if not clean:
        print("\n  Some requests failed or answered other than 2xx: the figures above are not comparable.")
    print()
    return clean


if __name__ == "__main__":
    command_line(main, {"seed": seed})
