"""Helpers for race tests. They need PostgreSQL's concurrent transactions; SQLite serialises writers."""

import threading

import pytest
from django.db import connection, connections


@pytest.fixture(autouse=True)
def needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): races, several servers or pg_dump")


def race(action, threads=8):
    """Run ``action`` in several threads released at the same moment; return their results and errors."""
    barrier = threading.Barrier(threads)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(action())
        except Exception as error:  # noqa: BLE001 - collected and asserted on below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    return results, errors
