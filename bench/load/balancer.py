"""App servers behind one address: HAProxy (Debian's package; `make bench` installs it), round robin.

Configured from a file written for the run; it runs in the foreground in a session of its own and
is stopped with the benchmark. One thread: the proxy's own CPU stays small beside the app servers.
"""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from bench.servers import stop


def haproxy_config(port: int, backends: list[int], *, timeout_seconds: int = 60) -> str:
    """HAProxy's configuration: HTTP on 127.0.0.1:``port``, spread round robin over the ``backends`` ports."""
    if not backends:
        raise ValueError("no app server to balance")
    servers = "\n".join(f"    server app{n} 127.0.0.1:{backend}" for n, backend in enumerate(backends, 1))
    return f"""global
    nbthread 1
    maxconn 4096

defaults
    mode http
    timeout connect 5s
    timeout client {timeout_seconds}s
    timeout server {timeout_seconds}s

frontend site
    bind 127.0.0.1:{port}
    default_backend app

backend app
    balance roundrobin
{servers}
"""


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def balancer(folder: Path, port: int, backends: list[int]):
    """HAProxy in front of ``backends`` on ``port`` while the block runs; RuntimeError when it is not installed."""
    binary = shutil.which("haproxy")
    if binary is None:
        raise RuntimeError("HAProxy is not installed (apt-get install haproxy; make bench does it as root)")
    config = folder / f"haproxy-{port}.cfg"
    config.write_text(haproxy_config(port, backends))
    with (folder / f"haproxy-{port}.log").open("ab") as output:
        process = subprocess.Popen(  # noqa: S603
            [binary, "-db", "-f", str(config)], stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 10
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"HAProxy did not start; see {folder / f'haproxy-{port}.log'}")
            time.sleep(0.1)
        yield process
    finally:
        stop(process)
