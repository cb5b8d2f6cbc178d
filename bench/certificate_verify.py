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
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PGHOST = os.environ.get("BENCH_PGHOST", "127.0.0.1")
PGPORT = int(os.environ.get("BENCH_PGPORT", "5432"))
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


def seed() -> None:
    """Run inside the benchmark's environment: a home page, the catalog, a program and one issued certificate."""
    import django

    django.setup()
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
    print(json.dumps({"code": certificate.code, "serial": certificate.serial}))


def wrk_ensure() -> str | None:
    """The path of wrk, installing the Debian package first when missing and allowed."""
    if not shutil.which("wrk") and shutil.which("apt-get") and os.geteuid() == 0:
        print("Installing wrk (apt-get install wrk) ...")
        apt = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([shutil.which("apt-get"), "update", "-qq"], env=apt, check=False)  # noqa: S603
        subprocess.run([shutil.which("apt-get"), "install", "-y", "-qq", "wrk"], env=apt, check=False)  # noqa: S603
    return shutil.which("wrk")


@contextmanager
def scratch_database(name: str, folder: Path):
    """A new PostgreSQL database when the server answers, otherwise an SQLite file; dropped afterwards."""
    import psycopg
    from psycopg import sql

    def admin():
        return psycopg.connect(host=PGHOST, port=PGPORT, user="postgres", dbname="postgres", autocommit=True)

    try:
        with admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError:
        yield f"sqlite:///{folder / 'bench.sqlite3'}", "SQLite"
        return
    try:
        with admin() as conn:
            version = conn.info.server_version // 10000
        yield f"postgres://postgres@{PGHOST}:{PGPORT}/{name}", f"PostgreSQL {version}"
    finally:
        with admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def load_data(env: dict, *args: str) -> str:
    """``python -m bench.load_data`` with these arguments (load-test data); returns what it printed."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.load_data", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"bench.load_data {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a loopback URL made here
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (a gunicorn master's workers)."""
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) used so far by these processes."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime and stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def stop(process: subprocess.Popen, grace: float = 20) -> None:
    """Stop a process started in its own session, and everything it started."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


@contextmanager
def gunicorn(env: dict, port: int, workers: int = WORKERS, timeout: int = 30, log: Path | None = None):
    """The site on gunicorn (the project's gunicorn.conf.py, sync workers) on a loopback port.

    Ready once the minimal view answers and every worker is up; stopped, with its workers, on exit.
    Output goes to ``log`` when given.
    """
    with log.open("ab") if log else nullcontext() as output:
        process = subprocess.Popen(  # noqa: S603
            [BIN / "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "--workers", str(workers)]
            + ["--bind", f"127.0.0.1:{port}", "--timeout", str(timeout), "--worker-class", "sync"]
            + ["--log-level", env.get("GUNICORN_LOG_LEVEL", "warning"), "cms.wsgi:application"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180  # a busy machine takes a while to import Django several times
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}" + (f"; see {log}" if log else ""))
            try:
                if fetch(f"http://127.0.0.1:{port}/bench/minimal/")[0] == 200 and len(children(process.pid)) == workers:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer within 180 seconds")
        yield process
    finally:
        stop(process)


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


def production_env(folder: Path, port: int, **extra: str) -> dict:
    """Production settings (plus the minimal view) for a benchmark's server, worker and commands.

    Everything lives in ``folder``: uploads, private files and collected static files. A fresh
    signing key and secret each time; no Redis unless ``extra`` names one.
    """
    keygen_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.dev"}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.verify_settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "CREDENTIAL_SIGNING_KEY": manage(keygen_env, "credential_keygen"),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "BENCH_STATIC_ROOT": str(folder / "static"),
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{port}",
        # Workers are never replaced mid-run (gunicorn.conf.py's default replaces them every ~1,000
        # requests), so the CPU time they used can be read from /proc.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    env.pop("REDIS_URL", None)
    return {**env, **extra}


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
            seeded = subprocess.check_output(
                [sys.executable, "-m", "bench.certificate_verify", "seed"], cwd=ROOT, env=env
            )
            issued = json.loads(seeded.splitlines()[-1])
            pages = {
                "minimal Django view": "/bench/minimal/",
                "/verify/<code>/": f"/verify/{issued['code']}/",
                "/api/v1/verify/<code>/": f"/api/v1/verify/{issued['code']}/",
            }
            results = {}
            for conn_max_age in ("60", "0"):
                rounds = {label: [] for label in pages}
                with gunicorn({**env, "DATABASE_CONN_MAX_AGE": conn_max_age}, port) as server:
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
    if sys.argv[1:] == ["seed"]:
        seed()
    else:
        sys.exit(0 if main() else 1)
