"""The last step of `make bench`: every target line the benchmarks recorded, together, with the load average.

Reads ``var/bench/*.json`` (those with "targets", written through ``bench.targets``). A file older
than ``var/bench/.started`` (touched when `make bench` starts) is from an earlier run: its lines are
marked so, since that benchmark did not record anything this time. Exits 0: the benchmarks' own exit
statuses already say what was missed.
"""

import json
import sys
from pathlib import Path

from bench.targets import OUTPUT, Target, load_line

STARTED = OUTPUT / ".started"


def summary_lines(folder: Path, started: float | None) -> list[str]:
    """One line per recorded target, grouped by benchmark, with the load average each ran under."""
    lines = []
    for path in sorted(folder.glob("*.json")):
        try:
            document = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if not isinstance(document, dict) or not document.get("targets"):
            continue
        stale = started is not None and path.stat().st_mtime < started
        lines.append(
            f"{path.stem} ({document.get('date') or document.get('meta', {}).get('date', '?')}"
            f"{', from an earlier run' if stale else ''}; load average before {document.get('load_before', '?')}, "
            f"after {document.get('load_after', '?')}):"
        )
        lines += [f"  {Target(**target).line()}" for target in document["targets"]]
    return lines


def main() -> int:
    started = STARTED.stat().st_mtime if STARTED.exists() else None
    print("Summary of the targets (issue 15):")
    lines = summary_lines(OUTPUT, started)
    print("\n".join(lines) if lines else "  no benchmark recorded targets under var/bench/")
    print(f"Load average now: {load_line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
