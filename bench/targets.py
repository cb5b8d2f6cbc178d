"""Issue 15's targets as the benchmarks print and record them: one line each, met or missed.

A benchmark prints ``target: <what> | measured: <figure> | met`` (or ``missed``) for each target and
writes them, with the load average before and after, to ``var/bench/<benchmark>.json`` under
"targets"; ``python -m bench.summary`` prints every such line again at the end of `make bench`.
"""

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.servers import ROOT

OUTPUT = ROOT / "var" / "bench"
RATIO_TARGET = 0.15
P95_TARGET_MS = 100


@dataclass(frozen=True)
class Target:
    target: str
    measured: str
    met: bool

    def line(self) -> str:
        return f"target: {self.target} | measured: {self.measured} | {'met' if self.met else 'missed'}"


def page_target(page: str, *, rps: float, minimal_rps: float, p95_ms: float, errors: int, requests: int) -> Target:
    """A page against the minimal view of the same run: throughput ratio, p95, and no request failed."""
    ratio = rps / minimal_rps if minimal_rps else 0.0
    measured = f"{ratio:.3f} x ({rps:,.{0 if rps >= 100 else 1}f} req/s vs {minimal_rps:,.0f}), p95 {p95_ms:,.0f} ms"
    if errors or not requests:
        measured += f", {errors:,} errors of {requests:,} requests"
    met = bool(requests) and not errors and ratio >= RATIO_TARGET and p95_ms < P95_TARGET_MS
    return Target(f"{page} >= {RATIO_TARGET} x minimal, p95 < {P95_TARGET_MS} ms", measured, met)


def load_line() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} cores)"


def record(name: str, targets: list[Target], load_before: str, **facts) -> Path:
    """``var/bench/<name>.json``: the targets, the load average before and now, and ``facts``."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.json"
    document = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_before": load_before,
        "load_after": load_line(),
        "targets": [asdict(target) for target in targets],
        **facts,
    }
    path.write_text(json.dumps(document, indent=2))
    return path
