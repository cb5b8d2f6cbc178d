"""The benchmarks' databases: PostgreSQL at BENCH_PGHOST:BENCH_PGPORT (127.0.0.1:5432) as user postgres.

A scratch database lives for one run; the data set at scale (LEARNERS in TEAMS, from the demo and
``bench.load_data``) is what the supervisor and load benchmarks measure against.
"""

import os
import time
from contextlib import contextmanager
from pathlib import Path

from bench.servers import manage, run_python

PGHOST = os.environ.get("BENCH_PGHOST", "127.0.0.1")
PGPORT = int(os.environ.get("BENCH_PGPORT", "5432"))
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "10000"))
TEAMS = int(os.environ.get("BENCH_TEAMS", "200"))


def postgres_admin():
    """A connection to the server's ``postgres`` database, for creating and dropping databases."""
    import psycopg

    return psycopg.connect(
        host=PGHOST, port=PGPORT, user="postgres", dbname="postgres", autocommit=True, connect_timeout=5
    )


@contextmanager
def scratch_database(name: str, folder: Path):
    """A new PostgreSQL database when the server answers, otherwise an SQLite file; dropped afterwards."""
    import psycopg
    from psycopg import sql

    try:
        with postgres_admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError:
        yield f"sqlite:///{folder / 'bench.sqlite3'}", "SQLite"
        return
    try:
        with postgres_admin() as conn:
            version = conn.info.server_version // 10000
        yield f"postgres://postgres@{PGHOST}:{PGPORT}/{name}", f"PostgreSQL {version}"
    finally:
        with postgres_admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def data_set_load(env: dict) -> dict:
    """The demo (`load_demo`), then LEARNERS in TEAMS (`python -m bench.load_data`), into ``env``'s database.

    Loaded with the development settings, which allow demo content. Returns the seconds each took
    and what ``bench.load_data`` printed.
    """
    loading = {**env, "DJANGO_SETTINGS_MODULE": "cms.settings.dev", "DJANGO_DEBUG": "0"}
    started = time.perf_counter()
    manage(loading, "load_demo")
    demo_seconds = time.perf_counter() - started
    started = time.perf_counter()
    summary = run_python(loading, "-m", "bench.load_data", "--learners", str(LEARNERS), "--teams", str(TEAMS))
    return {"demo_seconds": demo_seconds, "generate_seconds": time.perf_counter() - started, "summary": summary}
