"""Fault runs under load: an app server killed, the task worker stopped, PostgreSQL restarted. Run by `make bench`.

Not part of the test suite. Same data set, settings and scenario as ``bench/load_test.py``
(database ``pss_load_bench``, built by ``bench/load/data_set.py`` when missing; production
settings, Locust learners and supervisors pausing 1 to 3 seconds between steps). Three runs, each
in ``bench/fault/``, each reported and checked:

1. Two app servers (gunicorn, 2 sync workers each, on two loopback ports) share 50 users: each
   user picks one and, on a connection error, moves to the other and retries the request there
   once, as a load balancer in front would. BENCH_FAULT_KILL_AT seconds in, one server (its
   master and workers) is killed with SIGKILL. Checked: the other keeps serving (no server error,
   no connection failure on it, requests keep succeeding until the end) and no data is lost:
   every answer and every submission that got its redirect is in the database, each attempt
   submitted once.
2. The task worker (`db_worker`) renders certificate PDFs. Certificates are issued to learners who
   have earned them (their PDF and email tasks queue up), the worker is stopped (SIGTERM) while it
   works through them, more are issued while it is stopped, and it is started again: every PDF
   must be rendered afterwards. Then the same with the worker killed (SIGKILL) in the middle of a
   task, recorded for information.
3. PostgreSQL is restarted (`pg_ctlcluster <version> main restart`) under 30 users, with one
   server of 4 workers. Checked: while the database is away requests fail with 503 (no 500, none
   taking longer than gunicorn's 30 s timeout), and once it is back the same gunicorn workers
   (same process ids) serve every request again within BENCH_FAULT_RECOVERY_SECONDS (10).
   Skipped when not root, when `pg_ctlcluster` is missing or PostgreSQL is not on this machine,
   or with BENCH_FAULT_POSTGRES=0: restarting it interrupts everyone else's connections.

Writes ``var/bench/fault_test.json`` and exits non-zero when a check fails.
"""

import json
import os
import tempfile
from pathlib import Path

from bench.fault.options import KILL_AT, RECOVERY_SECONDS, SECONDS, USERS
from bench.fault.postgres_restart import postgres_cluster, postgres_restart
from bench.fault.server_kill import server_kill
from bench.fault.worker_restart import worker_restart
from bench.load.data_set import prepare
from bench.load.figures import OUTPUT, keep, run_meta
from bench.servers import free_port
from bench.steps import command_line


def main() -> bool:
    load_before = os.getloadavg()[0]
    OUTPUT.mkdir(parents=True, exist_ok=True)
    results = {}
    with tempfile.TemporaryDirectory(prefix="pss-fault-") as tmp:
        folder = Path(tmp)
        prepared = prepare(folder, free_port())
        if prepared is None:
            print("Fault runs: skipped, PostgreSQL at 127.0.0.1:5432 does not answer.\n")
            return True
        env, version = prepared
        try:
            results["server_kill"] = server_kill(env, folder)
            results["worker_restart"] = worker_restart(env, folder)
            cluster = postgres_cluster()
            results["postgres_restart"] = postgres_restart(env, folder, cluster) if cluster else None
        except BaseException:
            for log in sorted(folder.glob("*.log")):
                print(f"--- {log.name} (last lines)\n" + "\n".join(log.read_text(errors="replace").splitlines()[-30:]))
            raise
        finally:
            keep(folder, "fault_test")
    meta = run_meta(load_before, database=version, users=USERS, seconds=SECONDS, fault_at=KILL_AT)
    (OUTPUT / "fault_test.json").write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    return report(results, meta)


def report(results: dict, meta: dict) -> bool:
    print(
        f"Fault runs: {meta['database']}, production settings, {meta['users']} users for {meta['seconds']}s, "
        f"fault {meta['fault_at']}s in; load average {meta['load_before']:.1f} before, {meta['load_after']:.1f} after\n"
    )
    kill = results["server_kill"]
    saved = kill["saved"]
    print(
        f"1. One of two app servers killed (SIGKILL): {'passed' if kill['passed'] else 'FAILED'}\n"
        f"   {kill['requests']:,} requests, {kill['requests_after_kill']:,} after the kill of which "
        f"{kill['succeeded_after_kill']:,} succeeded (the last {kill['last_success_seconds_after_kill']:.0f}s after it); "
        f"connection errors retried on the other server {kill['connection_errors_on_killed_server']}, "
        f"on the surviving server {kill['connection_errors_on_survivor']}; server errors {kill['server_errors']}, "
        f"client errors {kill['client_errors']}\n"
        f"   acknowledged: {saved['acknowledged_submits']} submissions and {saved['acknowledged_answers']} answers; "
        f"missing from the database: {len(saved['missing_submits'])} and {len(saved['missing_answers'])}; "
        f"attempts started {saved['attempts_started']}, submitted {saved['attempts_submitted']} "
        f"(submissions sent {kill['submits_sent']}), "
        f"duplicate attempt numbers {saved['duplicate_attempt_numbers']}, "
        f"people with two open attempts {saved['people_with_two_open_attempts']}\n"
    )
    worker = results["worker_restart"]
    print(
        f"2. Task worker stopped and started again: {'passed' if worker['passed'] else 'FAILED'}\n"
        f"   {worker['issued_before_stop']} certificates issued, {worker['rendered_when_stopped']} PDFs rendered when "
        f"the worker stopped; {worker['issued_while_stopped']} issued while stopped, {worker['rendered_while_stopped']} "
        f"rendered meanwhile; after the restart {worker['rendered_after_restart']} of "
        f"{worker['issued_before_stop'] + worker['issued_while_stopped']} rendered in "
        f"{worker['seconds_to_render_after_restart']:.0f}s; tasks {worker['tasks']}\n"
        f"   killed mid-task (for the record): {worker['kill']['rendered_at_kill']} of {worker['kill']['issued']} rendered "
        f"at the kill (tasks {worker['kill']['tasks_at_kill']}); {worker['kill']['rendered_after_restart']} rendered "
        f"{worker['kill']['seconds']:.0f}s after the restart; tasks {worker['kill']['tasks']}\n"
    )
    clean = kill["passed"] and worker["passed"]
    pg = results["postgres_restart"]
    if pg is None:
        print("3. PostgreSQL restart: skipped (not root, no pg_ctlcluster, remote server or BENCH_FAULT_POSTGRES=0)\n")
    else:
        clean = clean and pg["passed"]
        print(
            f"3. PostgreSQL restarted under load: {'passed' if pg['passed'] else 'FAILED'}\n"
            f"   down {pg['outage_seconds']:.1f}s; answers from the restart until {RECOVERY_SECONDS}s after: "
            f"{pg['statuses_during_outage_and_recovery']}; server errors other than 503: "
            f"{pg['server_errors_other_than_503']}; connection errors {pg['connection_errors']}; slowest "
            f"{pg['slowest_ms']:,.0f} ms; last failure {pg['last_failure_seconds_after_back'] or 0:+.1f}s from when it was back; "
            f"{pg['requests_after_recovery']} requests after that, {pg['failures_after_recovery']} failed; "
            f"same gunicorn workers {pg['same_workers']}; task worker survived {pg['task_worker_survived']}\n"
        )
    print(f"Figures written to {OUTPUT / 'fault_test.json'}\n")
    return clean


if __name__ == "__main__":
    command_line(main)
