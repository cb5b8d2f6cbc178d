"""The benchmarks' databases: PostgreSQL at BENCH_PGHOST:BENCH_PGPORT (127.0.0.1:5432) as user postgres.

A scratch database lives for one run; the data set at scale (LEARNERS in TEAMS, from the demo and
``bench.load_data``) is what the supervisor and load benchmarks measure against.
"""

import os
import time
from collections.abc import Callable
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


def kept_database(
    env: dict, name: str, *, rebuild: bool, build: Callable[[dict], None], ready: Callable[[str], bool] | None = None
) -> tuple[str, str] | None:
    """A PostgreSQL database kept between runs: its URL and PostgreSQL's version; None without PostgreSQL.

    Made afresh when it is missing, when ``rebuild`` or when ``ready(url)`` says it is not; then migrated,
    and filled by ``build(env)`` (``env`` with its DATABASE_URL) when it was made afresh.
    """
    import psycopg
    from psycopg import sql

    try:
        with postgres_admin() as conn:
            version = f"PostgreSQL {conn.info.server_version // 10000}"
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    except psycopg.OperationalError:
        return None
    url = f"postgres://postgres@{PGHOST}:{PGPORT}/{name}"
    fresh = rebuild or not exists or (ready is not None and not ready(url))
    if fresh:
        with postgres_admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    env = {**env, "DATABASE_URL": url}
    manage(env, "migrate", "--no-input", "-v", "0")
    if fresh:
        build(env)
    return url, version


def redis_emptied(url: str) -> bool:
    """Whether Redis answers at ``url``; that database (only) is emptied, so no stale page or session stays."""
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).flushdb()
        return True
    except Exception:  # noqa: BLE001 - no Redis: the local-memory cache, sessions in the database
        return False
