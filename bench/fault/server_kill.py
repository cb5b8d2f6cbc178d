"""Run 1: one of two app servers killed (SIGKILL) under load; the other serves on and nothing acknowledged is lost."""

import json
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.fault.options import KILL_AT, OK, SECONDS, USERS
from bench.load.data_set import make_plan
from bench.load.figures import read_events, read_stats
from bench.load.locust_runs import locust_start, locust_wait
from bench.servers import children, free_port, gunicorn, stop, task_worker
from bench.steps import command_line, step_run


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
    """Two app servers share the users and one is killed: the other serves on, nothing acknowledged is lost."""
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
    saved = step_run("bench.fault.server_kill", env, "check_saved", str(saved_file))
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


def check_saved(path: str) -> dict:
    """A step: every answer and submission acknowledged (listed in ``path``) is stored, each attempt once."""
    from collections import Counter

    from assessments.models import Attempt, Response

    acknowledged = json.loads(Path(path).read_text())
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
    return {
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


if __name__ == "__main__":
    command_line(steps={"check_saved": check_saved})
