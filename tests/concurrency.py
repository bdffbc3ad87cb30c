"""Helpers for the concurrency tests: run callables at the same moment, each on its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from tests.helpers.databases import TEST_DB

#: Races need a server database with row locks; SQLite serialises every writer, so nothing races there.
requires_postgresql = pytest.mark.skipif(
    TEST_DB != "postgresql",
    reason="concurrency is proved on PostgreSQL (run with FEDLAB_TEST_DB=postgresql, e.g. `make test-postgres`)",
)


def run_together(count: int, work: Callable[[int], Any], timeout: float = 120) -> list[Any]:
    """Run ``work(i)`` for i in range(count) in threads released at once; return results or raised exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def runner(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # noqa: BLE001 - the caller inspects every outcome
            results[index] = exc

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a concurrent worker hung"
    return results


def session_factory(app) -> Callable[[], Session]:
    """Return a factory of sessions on ``app``'s database, each on a connection of its own (no pool)."""
    with app.app_context():
        url = app.extensions["sqlalchemy"].engine.url
    engine = sa.create_engine(url, poolclass=NullPool)
    return lambda: Session(engine)
