"""wrk runs that rotate among many signed-in people's requests, and the figures they print.

wrk (Debian's package; `make bench` installs it) runs a Lua script written here: the requests, one
per person, prepared once per thread and sent in turn, each thread starting at its own place in the
list; every answer's status is checked against the range the page should answer with, and the
figures (requests, seconds, statuses outside that range, socket errors, p50/p95/p99 in
microseconds) are printed as one JSON line at the end.
"""

import json
import subprocess
from pathlib import Path

LUA_TEMPLATE = """
local plan = {
%(requests)s
}
local low, high = %(low)d, %(high)d
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  built = {}
  for i, r in ipairs(plan) do built[i] = wrk.format(r[1], r[2], r[3], r[4]) end
  position = (id * 7919) %% #built
  good, bad = 0, 0
end

function request()
  position = position %% #built + 1
  return built[position]
end

function response(status, headers, body)
  if status >= low and status <= high then good = good + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local good, bad = 0, 0
  for _, thread in ipairs(threads) do
    good = good + thread:get("good")
    bad = bad + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%f, "good": %%d, "bad_status": %%d, "socket_errors": %%d, '
    .. '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration / 1e6, good, bad, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def lua_string(value: str) -> str:
    """A Lua string literal for printable ASCII (paths, cookies, form bodies): JSON's quoting is Lua's there."""
    if not value.isascii() or not value.isprintable():
        raise ValueError(f"not printable ASCII: {value!r}")
    return json.dumps(value)


def lua_script(requests: list[dict], *, low: int = 200, high: int = 299) -> str:
    """The script for ``requests`` (method, path, headers, body), counting statuses outside [low, high] as errors."""
    if not requests:
        raise ValueError("no requests to send")
    rows = []
    for r in requests:
        headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in r.get("headers", {}).items())
        body = lua_string(r["body"]) if r.get("body") is not None else "nil"
        rows.append(f"  {{{lua_string(r['method'])}, {lua_string(r['path'])}, {{{headers}}}, {body}}},")
    return LUA_TEMPLATE % {"requests": "\n".join(rows), "low": low, "high": high}


def parse_report(output: str) -> dict:
    """The script's JSON line from wrk's output, with requests/s, latencies in ms and errors added."""
    line = next((line for line in reversed(output.splitlines()) if line.startswith("{")), None)
    if line is None:
        raise ValueError(f"no report in wrk's output:\n{output[-2000:]}")
    report = json.loads(line)
    report["rps"] = report["requests"] / report["seconds"] if report["seconds"] else 0.0
    for key in ("p50", "p95", "p99"):
        report[f"{key}_ms"] = report[f"{key}_us"] / 1000
    report["errors"] = report["bad_status"] + report["socket_errors"]
    return report


def wrk_run(
    wrk: str, script: Path, url: str, *, connections: int, seconds: int, threads: int = 2, timeout: int = 30
) -> dict:
    """One wrk run against ``url`` (its scheme, host and port; the script gives the paths).

    A request unanswered after ``timeout`` seconds is a socket error; wrk's own default (2 s) would
    drop a slow page's requests from its latencies instead of measuring them.
    """
    done = subprocess.run(  # noqa: S603
        [wrk, "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", f"{timeout}s"]
        + ["--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    report = parse_report(done.stdout)
    report["output"] = done.stdout
    return report
