"""Fault runs under load: an app server killed, the task worker stopped, PostgreSQL restarted. Run by `make bench`.

Not part of the test suite. Same data set, settings and scenario as ``bench/load_test.py``
(database ``pss_load_bench``, built there when missing; production settings, Locust learners and
supervisors pausing 1 to 3 seconds between steps). Three runs, each reported and checked:

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
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.certificate_verify import BIN, PGHOST, ROOT, children, free_port, gunicorn, stop
from bench.load_test import (
    LOCUSTFILE,
    OUTPUT,
    _admin_connection,
    keep,
    make_plan,
    prepare,
    read_stats,
    task_worker,
    task_worker_start,
)

USERS = int(os.environ.get("BENCH_FAULT_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_FAULT_SECONDS", "60"))
KILL_AT = int(os.environ.get("BENCH_FAULT_KILL_AT", "25"))
RECOVERY_SECONDS = int(os.environ.get("BENCH_FAULT_RECOVERY_SECONDS", "10"))
CERTIFICATES = int(os.environ.get("BENCH_FAULT_CERTIFICATES", "8"))
GUNICORN_TIMEOUT = 30
OK = range(200, 400)


def locust_start(plan: Path, users: int, seconds: int, prefix: Path, events: Path) -> subprocess.Popen:
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


def read_events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def helper(env: dict, *args: str) -> dict:
    """Run a step of this benchmark inside the site's environment; its JSON answer."""
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.fault_test", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"bench.fault_test {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


# Inside the site's environment ---------------------------------------------------------------------


def _django():
    import django

    django.setup()


def check_saved() -> None:
    """Every acknowledged answer and submission is stored, each attempt once; reads the acknowledgements from argv."""
    _django()
    from collections import Counter

    from assessments.models import Attempt, Response

    acknowledged = json.loads(Path(sys.argv[2]).read_text())
    learners, since = acknowledged["learners"], datetime.fromtimestamp(acknowledged["since"], UTC)
    submitted = set(acknowledged["submits"])
    attempts = {a.pk: a for a in Attempt.objects.filter(pk__in=submitted | {a for a, _ in acknowledged["answers"]})}
    missing_submits = sorted(pk for pk in submitted if pk not in attempts or attempts[pk].submitted_at is None)
    saved = set(Response.objects.filter(attempt__in=attempts).values_list("attempt_id", "question_key"))
    missing_answers = []
    for attempt_id, number in acknowledged["answers"]:
        attempt = attempts.get(attempt_id)
        if attempt is None or (attempt_id, attempt.question_keys[number - 1]) not in saved:
            missing_answers.append([attempt_id, number])
    during = Attempt.objects.filter(user_id__in=learners, started_at__gte=since)
    numbers = Counter(during.values_list("user_id", "quiz_id", "number"))
    open_attempts = Counter(
        Attempt.objects.filter(user_id__in=learners, submitted_at__isnull=True).values_list("user_id", "quiz_id")
    )
    print(
        json.dumps(
            {
                "acknowledged_submits": len(submitted),
                "acknowledged_answers": len(acknowledged["answers"]),
                "missing_submits": missing_submits,
                "missing_answers": missing_answers,
                "attempts_started": during.count(),
                # Attempts left open by an earlier run are picked up again, so count submissions by their time.
                "attempts_submitted": Attempt.objects.filter(user_id__in=learners, submitted_at__gte=since).count(),
                "duplicate_attempt_numbers": sum(1 for n in numbers.values() if n > 1),
                "people_with_two_open_attempts": sum(1 for n in open_attempts.values() if n > 1),
            }
        )
    )


def issue() -> None:
    """Issue certificates to up to N learners who have earned one and have none; their ids."""
    _django()
    from certificates.ce.services import learner_certificates_check
    from certificates.issuance.models import Certificate
    from certificates.issuance.selectors import programs_for_issuing
    from cms.models import User

    wanted = int(sys.argv[2])
    programs = list(programs_for_issuing())
    issued = []
    candidates = (
        User.objects.filter(email__endswith="@load.example.org", is_active=True, attempts__passed=True)
        .exclude(certificates__isnull=False)
        .distinct()
        .order_by("pk")
    )
    for person in candidates.iterator():
        issued += [c.pk for c in learner_certificates_check(user=person, programs=programs).issued]
        if len(issued) >= wanted:
            break
    if len(issued) < wanted:
        # Nobody left who has earned one: queue the PDF of certificates that have none yet instead.
        from certificates.issuance.tasks import certificate_render_pdf

        for pk in (
            Certificate.objects.filter(pdf="").order_by("-pk").values_list("pk", flat=True)[: wanted - len(issued)]
        ):
            certificate_render_pdf.enqueue(pk)
            issued.append(pk)
    print(json.dumps({"certificates": issued}))


def tables() -> None:
    """The names of the task and certificate tables, for polling them directly."""
    _django()
    from django_tasks_db.models import DBTaskResult

    from certificates.issuance.models import Certificate

    print(json.dumps({"tasks": DBTaskResult._meta.db_table, "certificates": Certificate._meta.db_table}))


# The runs -----------------------------------------------------------------------------------------


def acknowledged(events: list[dict]) -> dict:
    """What the site promised: submissions and answers that got their redirect."""
    submits, answers = set(), set()
    for event in events:
        if event["method"] != "POST" or event["status"] != 302:
            continue
        parts = event["path"].strip("/").split("/")
        if event["name"] == "submit" and "/result/" in event.get("location", ""):
            submits.add(int(parts[2]))
        elif event["name"] == "answer":
            answers.add((int(parts[2]), int(parts[4])))
    return {"submits": sorted(submits), "answers": sorted(answers)}


def server_kill(env: dict, folder: Path) -> dict:
    ports = [free_port(), free_port()]
    plan = folder / "plan_kill.json"
    details = make_plan(env, plan, [f"http://127.0.0.1:{port}" for port in ports], learners=150, seed_value=2)
    events = folder / "kill_events.jsonl"
    prefix = folder / "kill"
    with (
        gunicorn(env, ports[0], 2, log=folder / "gunicorn_a.log") as first,
        gunicorn(env, ports[1], 2, log=folder / "gunicorn_b.log") as second,
        task_worker(env, folder / "worker_kill.log"),
    ):
        started = time.time()
        load = locust_start(plan, USERS, SECONDS, prefix, events)
        try:
            time.sleep(KILL_AT)
            killed_at = time.time()
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
            locust_wait(load, SECONDS)
        finally:
            stop(load)
        survivor_alive = second.poll() is None and len(children(second.pid)) == 2
    rows = read_events(events)
    after = [e for e in rows if e["t"] > killed_at + 1]
    on_survivor = [e for e in rows if e["port"] == ports[1]]
    promised = acknowledged(rows)
    promised |= {"learners": [learner["id"] for learner in details["learners"]], "since": started - 1}
    saved_file = folder / "acknowledged.json"
    saved_file.write_text(json.dumps(promised))
    saved = helper(env, "check_saved", str(saved_file))
    result = {
        "requests": len(rows),
        "requests_before_kill": sum(1 for e in rows if e["t"] <= killed_at),
        "requests_after_kill": len(after),
        "succeeded_after_kill": sum(1 for e in after if e["status"] in OK),
        "connection_errors_on_killed_server": sum(1 for e in rows if e["port"] == ports[0] and e["status"] == 0),
        "connection_errors_on_survivor": sum(1 for e in on_survivor if e["status"] == 0),
        "submits_sent": sum(1 for e in rows if e["name"] == "submit"),
        "server_errors": sum(1 for e in rows if e["status"] >= 500),
        "client_errors": sum(1 for e in rows if 400 <= e["status"] < 500),
        "last_success_seconds_after_kill": max((e["t"] for e in after if e["status"] in OK), default=killed_at)
        - killed_at,
        "survivor_alive": survivor_alive,
        "saved": saved,
        "stats": read_stats(prefix).get("Aggregated", {}),
    }
    result["passed"] = (
        survivor_alive
        and result["succeeded_after_kill"] > 0
        and result["connection_errors_on_survivor"] == 0
        and result["server_errors"] == 0
        and result["last_success_seconds_after_kill"] > SECONDS - KILL_AT - 10
        and not saved["missing_submits"]
        and not saved["missing_answers"]
        and saved["duplicate_attempt_numbers"] == 0
        and saved["people_with_two_open_attempts"] == 0
    )
    return result


class Queue:
    """Polls the database directly (a Django process per look would take seconds on a busy machine)."""

    def __init__(self, env: dict):
        import psycopg

        names = helper(env, "tables")
        self.tasks, self.certificates = names["tasks"], names["certificates"]
        self.connection = psycopg.connect(env["DATABASE_URL"], autocommit=True)

    def state(self, ids: list[int], since: float) -> dict:
        rendered = self.connection.execute(
            f"SELECT id FROM {self.certificates} WHERE id = ANY(%s) AND pdf <> ''",  # noqa: S608 - table names from Django
            [ids],
        ).fetchall()
        statuses = self.connection.execute(
            f"SELECT status, count(*) FROM {self.tasks} WHERE enqueued_at >= to_timestamp(%s) "  # noqa: S608
            "AND task_path LIKE %s GROUP BY status",
            [since, "%certificate_render_pdf"],
        ).fetchall()
        return {"rendered": sorted(pk for (pk,) in rendered), "tasks": dict(statuses)}

    def wait(self, ids: list[int], since: float, seconds: float, enough: int | None = None) -> tuple[dict, float]:
        """Until ``enough`` (all by default) of the certificates have their PDF, or time is up."""
        started = time.monotonic()
        while True:
            state = self.state(ids, since)
            if len(state["rendered"]) >= (len(ids) if enough is None else enough):
                return state, time.monotonic() - started
            if time.monotonic() - started > seconds:
                return state, time.monotonic() - started
            time.sleep(0.05)

    def close(self) -> None:
        self.connection.close()


def worker_restart(env: dict, folder: Path) -> dict:
    queue = Queue(env)
    since = time.time() - 1
    log = folder / "worker_restart.log"
    worker = None
    try:
        first = helper(env, "issue", str(CERTIFICATES))["certificates"]  # queued: no worker yet
        worker = task_worker_start(env, log)
        queue.wait(first, since, 120, enough=1)  # it has begun on them
        worker.send_signal(signal.SIGTERM)  # as `systemctl stop`: finishes the task in hand, then exits
        worker.wait(timeout=120)
        stopped = queue.state(first, since)
        second = helper(env, "issue", str(CERTIFICATES))["certificates"]
        time.sleep(3)
        while_stopped = queue.state(first + second, since)
        worker = task_worker_start(env, log)
        after, waited = queue.wait(first + second, since, 180)

        # The same, the worker killed in the middle of a task (a crash, or the machine going down).
        stop(worker, grace=60)
        since_kill = time.time() - 1
        third = helper(env, "issue", str(CERTIFICATES))["certificates"]
        worker = task_worker_start(env, log)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not queue.state([], since_kill)["tasks"].get("RUNNING"):
            time.sleep(0.02)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        killed_mid_task = queue.state(third, since_kill)
        worker = task_worker_start(env, log)
        killed, killed_waited = queue.wait(third, since_kill, 60)
    finally:
        if worker is not None:
            stop(worker, grace=60)
        queue.close()
    result = {
        "issued_before_stop": len(first),
        "rendered_when_stopped": len(stopped["rendered"]),
        "issued_while_stopped": len(second),
        "rendered_while_stopped": len(set(while_stopped["rendered"]) - set(stopped["rendered"])),
        "rendered_after_restart": len(after["rendered"]),
        "seconds_to_render_after_restart": waited,
        "tasks": after["tasks"],
        "kill": {
            "issued": len(third),
            "rendered_at_kill": len(killed_mid_task["rendered"]),
            "tasks_at_kill": killed_mid_task["tasks"],
            "rendered_after_restart": len(killed["rendered"]),
            "seconds": killed_waited,
            "tasks": killed["tasks"],
        },
    }
    result["passed"] = (
        len(first) > 0
        and len(second) > 0
        and result["rendered_when_stopped"] < len(first)
        and result["rendered_while_stopped"] == 0
        and result["rendered_after_restart"] == len(first) + len(second)
    )
    return result


def postgres_cluster() -> tuple[str, str] | None:
    """PostgreSQL's version and cluster name on this machine, when this process may restart it."""
    if os.environ.get("BENCH_FAULT_POSTGRES") == "0" or os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        return None
    if PGHOST not in ("127.0.0.1", "localhost"):
        return None
    with _admin_connection() as conn:
        version = str(conn.info.server_version // 10000)
        port = conn.execute("SHOW port").fetchone()[0]
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    for line in listing.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[0] == version and fields[2] == port:
            return version, fields[1]
    return None


def postgres_restart(env: dict, folder: Path, cluster: tuple[str, str]) -> dict:
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
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": version,
        "users": USERS,
        "seconds": SECONDS,
        "fault_at": KILL_AT,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }
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
    steps = {"check_saved": check_saved, "issue": issue, "tables": tables}
    if sys.argv[1:2] and sys.argv[1] in steps:
        steps[sys.argv[1]]()
    else:
        sys.exit(0 if main() else 1)
