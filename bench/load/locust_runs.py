"""Headless Locust runs of the scenario (``locustfile.py``) against the servers in a plan."""

import os
import subprocess
import time
from pathlib import Path

from bench.load.figures import summarize
from bench.servers import BIN, ROOT, children, cpu_seconds, stop

LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"


def locust(
    plan: Path,
    classes: list[str],
    users: int,
    seconds: int,
    prefix: Path,
    warm_up: int = 0,
    server_pids: list[int] | None = None,
) -> dict:
    """One headless Locust run: figures per endpoint over ``seconds`` after ramp-up and ``warm_up``.

    Every request is written to ``<prefix>_events.jsonl`` and the figures are computed from it, over
    the measured window only: by then the users are spread over every step of their visit (right
    after ramp-up, all of them would be at its first steps). With ``server_pids`` (gunicorn masters),
    the CPU time their workers spent in the window is measured too.
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
        workers = [worker for pid in server_pids or [] for worker in children(pid)]
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


def locust_start(plan: Path, users: int, seconds: int, prefix: Path, events: Path) -> subprocess.Popen:
    """Learners and supervisors for ``seconds``, left running: every request to ``events``, status codes counted."""
    rate = max(10, users // 4)
    env = {**os.environ, "BENCH_LOAD_PLAN": str(plan), "BENCH_LOAD_STATUS": f"{prefix}_status.json"}
    env["BENCH_LOAD_EVENTS"] = str(events)
    command = [BIN / "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary", "--users", str(users)]
    command += ["--spawn-rate", str(rate), "--run-time", f"{seconds}s", "--stop-timeout", "5", "--csv", str(prefix)]
    command += ["--loglevel", "WARNING", "Learner", "Supervisor"]
    with Path(f"{prefix}.log").open("wb") as output:
        return subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def locust_wait(process: subprocess.Popen, seconds: int) -> None:
    try:
        process.wait(timeout=seconds + 90)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise RuntimeError("Locust did not finish in time") from None
