"""Run 3: PostgreSQL restarted (`pg_ctlcluster <version> main restart`) under load, on this machine only."""

import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.databases import PGHOST, postgres_admin
from bench.fault.options import GUNICORN_TIMEOUT, KILL_AT, OK, RECOVERY_SECONDS, SECONDS
from bench.load.data_set import make_plan
from bench.load.figures import read_events
from bench.load.locust_runs import locust_start, locust_wait
from bench.servers import children, free_port, gunicorn, stop, task_worker_start


def postgres_cluster() -> tuple[str, str] | None:
    """PostgreSQL's version and cluster name on this machine, when this process may restart it."""
    if os.environ.get("BENCH_FAULT_POSTGRES") == "0" or os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        return None
    if PGHOST not in ("127.0.0.1", "localhost"):
        return None
    with postgres_admin() as conn:
        version = str(conn.info.server_version // 10000)
        port = conn.execute("SHOW port").fetchone()[0]
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[0] == version and fields[2] == port:
            return version, fields[1]
    return None


def postgres_restart(env: dict, folder: Path, cluster: tuple[str, str]) -> dict:
    """PostgreSQL restarted under load: 503s while it is away, the same gunicorn workers serving once it is back."""
    port = free_port()
    plan = folder / "plan_pg.json"
    make_plan(env, plan, [f"http://127.0.0.1:{port}"], learners=100, seed_value=3)
    events = folder / "pg_events.jsonl"
    prefix = folder / "pg"
    users = 30
    with gunicorn(env, port, 4, timeout=GUNICORN_TIMEOUT, log=folder / "gunicorn_pg.log") as process:
        worker = task_worker_start(env, folder / "worker_pg.log")
        try:
            workers_before = sorted(children(process.pid))
            load = locust_start(plan, users, SECONDS, prefix, events)
            try:
                time.sleep(KILL_AT)
                restart_at = time.time()
                subprocess.run(["pg_ctlcluster", *cluster, "restart"], check=True, timeout=120)  # noqa: S603, S607
                back_at = time.time()
                locust_wait(load, SECONDS)
            finally:
                stop(load)
            workers_after = sorted(children(process.pid))
            master_alive = process.poll() is None
            task_worker_alive = worker.poll() is None
        finally:
            stop(worker, grace=60)
    rows = read_events(events)
    during = [e for e in rows if restart_at <= e["t"] <= back_at + RECOVERY_SECONDS]
    failed = [e for e in rows if e["status"] not in OK and e["t"] >= restart_at]
    settled = [e for e in rows if e["t"] > back_at + RECOVERY_SECONDS]
    statuses = {}
    for event in during:
        statuses[str(event["status"])] = statuses.get(str(event["status"]), 0) + 1
    result = {
        "outage_seconds": back_at - restart_at,
        "statuses_during_outage_and_recovery": statuses,
        "failures_before_restart": sum(1 for e in rows if e["status"] not in OK and e["t"] < restart_at),
        "server_errors_other_than_503": sum(1 for e in rows if e["status"] >= 500 and e["status"] != 503),
        "connection_errors": sum(1 for e in rows if e["status"] == 0),
        "slowest_ms": max((e["ms"] for e in rows), default=0),
        "last_failure_seconds_after_back": (max(e["t"] for e in failed) - back_at) if failed else None,
        "requests_after_recovery": len(settled),
        "failures_after_recovery": sum(1 for e in settled if e["status"] not in OK),
        "same_workers": workers_before == workers_after,
        "master_alive": master_alive,
        "task_worker_survived": task_worker_alive,
    }
    result["passed"] = (
        master_alive
        and result["same_workers"]
        and result["server_errors_other_than_503"] == 0
        and result["connection_errors"] == 0
        and result["slowest_ms"] < GUNICORN_TIMEOUT * 1000
        and result["requests_after_recovery"] > 0
        and result["failures_after_recovery"] == 0
    )
    return result
