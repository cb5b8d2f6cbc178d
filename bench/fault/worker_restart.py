"""Run 2: the task worker stopped (SIGTERM) while it renders certificate PDFs, then killed mid-task (SIGKILL)."""

import os
import signal
import time
from pathlib import Path

from bench.fault.options import CERTIFICATES
from bench.servers import stop, task_worker_start
from bench.steps import command_line, step_run


class Queue:
    """Polls the database directly (a Django process per look would take seconds on a busy machine)."""

    def __init__(self, env: dict):
        import psycopg

        names = step_run("bench.fault.worker_restart", env, "tables")
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
    """Certificates issued while the worker runs, is stopped and starts again: every PDF rendered in the end."""
    queue = Queue(env)
    since = time.time() - 1
    log = folder / "worker_restart.log"
    worker = None
    try:
        first = step_run("bench.fault.worker_restart", env, "issue", str(CERTIFICATES))[
            "certificates"
        ]  # queued: no worker yet
        worker = task_worker_start(env, log)
        queue.wait(first, since, 120, enough=1)  # it has begun on them
        worker.send_signal(signal.SIGTERM)  # as `systemctl stop`: finishes the task in hand, then exits
        worker.wait(timeout=120)
        stopped = queue.state(first, since)
        second = step_run("bench.fault.worker_restart", env, "issue", str(CERTIFICATES))["certificates"]
        time.sleep(3)
        while_stopped = queue.state(first + second, since)
        worker = task_worker_start(env, log)
        after, waited = queue.wait(first + second, since, 180)

        # The same, the worker killed in the middle of a task (a crash, or the machine going down).
        stop(worker, grace=60)
        since_kill = time.time() - 1
        third = step_run("bench.fault.worker_restart", env, "issue", str(CERTIFICATES))["certificates"]
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


def issue(count: str) -> dict:
    """A step: certificates issued to up to ``count`` learners who have earned one and have none; their ids."""
    from certificates.ce.services import learner_certificates_check
    from certificates.issuance.models import Certificate
    from certificates.issuance.selectors import programs_for_issuing
    from cms.models import User

    wanted = int(count)
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
    return {"certificates": issued}


def tables() -> dict:
    """A step: the names of the task and certificate tables, for polling them directly."""
    from django_tasks_db.models import DBTaskResult

    from certificates.issuance.models import Certificate

    return {"tasks": DBTaskResult._meta.db_table, "certificates": Certificate._meta.db_table}


if __name__ == "__main__":
    command_line(steps={"issue": issue, "tables": tables})
