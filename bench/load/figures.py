"""Figures from Locust runs: the requests it recorded, percentiles per endpoint, and what a run leaves in var/bench/."""

import csv
import json
import math
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from bench.servers import ROOT

OUTPUT = ROOT / "var" / "bench"


def read_events(path: Path) -> list[dict]:
    """Every request Locust recorded (BENCH_LOAD_EVENTS), in order."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ordered list."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share / 100 * len(ordered)) - 1))]


def summarize(events: Path, begin: float, end: float) -> dict:
    """Requests, failures, status codes, requests per second and percentiles per endpoint, within [begin, end)."""
    times, statuses = {}, {}
    for line in events.read_text().splitlines():
        event = json.loads(line)
        if not begin <= event["t"] < end:
            continue
        for name in (event["name"], "Aggregated"):
            times.setdefault(name, []).append(event["ms"])
            codes = statuses.setdefault(name, {})
            codes[str(event["status"])] = codes.get(str(event["status"]), 0) + 1
    times.setdefault("Aggregated", [])
    rows = {}
    for name, values in times.items():
        values.sort()
        codes = statuses.get(name, {})
        rows[name] = {
            "requests": len(values),
            "failures": sum(n for code, n in codes.items() if code == "0" or int(code) >= 400),
            "server_errors": sum(n for code, n in codes.items() if int(code) >= 500),
            "connection_errors": codes.get("0", 0),
            "status": codes,
            "rps": len(values) / (end - begin),
            "p50": percentile(values, 50),
            "p95": percentile(values, 95),
            "p99": percentile(values, 99),
            "max": values[-1] if values else 0.0,
        }
    return rows


def read_stats(prefix: Path) -> dict:
    """Locust's own CSV rows by endpoint (whole run), with the status codes the scenario counted."""
    rows = {}
    with Path(f"{prefix}_stats.csv").open() as stats:
        for row in csv.DictReader(stats):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "max": float(row["Max Response Time"] or 0),
            }
    status_file = Path(f"{prefix}_status.json")
    codes = json.loads(status_file.read_text()) if status_file.exists() else {}
    for name, row in rows.items():
        row["status"] = codes.get(name, {})
        row["server_errors"] = sum(n for code, n in row["status"].items() if code.startswith("5"))
        row["connection_errors"] = row["status"].get("0", 0)
    return rows


def run_meta(load_before: float, **facts) -> dict:
    """What a run was measured under: the date, ``facts``, and the load average before it and now."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return {"date": now, **facts, "load_before": load_before, "load_after": os.getloadavg()[0]}


def keep(folder: Path, name: str) -> None:
    """Locust's CSV files and the logs, kept under var/bench/<name>/ for a closer look (not the sessions)."""
    target = OUTPUT / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in folder.iterdir():
        if path.is_file() and path.suffix in {".csv", ".log", ".jsonl"} or path.name.endswith("_status.json"):
            shutil.copy2(path, target / path.name)
