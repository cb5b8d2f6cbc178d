"""The site as the benchmarks run it: production settings, manage.py, gunicorn and the task worker.

Every process is started in a session of its own, so stopping it stops what it started (a gunicorn
master's workers). The CPU time of those processes is read from /proc: other load on the machine
moves it far less than it moves throughput.
"""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run_python(env: dict, *args: str) -> str:
    """``python <args>`` in the project folder with ``env``; what it printed, or RuntimeError with its errors."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        command = " ".join(args[1:] if args[0] == "-m" else args)
        raise RuntimeError(f"{command} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def manage(env: dict, *args: str) -> str:
    """``manage.py`` with these arguments; what it printed."""
    return run_python(env, "manage.py", *args)


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
        "SITE_URL": f"http://127.0.0.1:{port}",
        # Workers are never replaced mid-run (gunicorn.conf.py's default replaces them every ~1,000
        # requests), so the CPU time they used can be read from /proc.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    env.pop("REDIS_URL", None)
    return {**env, **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
def gunicorn(env: dict, port: int, workers: int, timeout: int = 30, log: Path | None = None):
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
