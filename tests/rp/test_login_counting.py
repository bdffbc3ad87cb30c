"""The diary's own login: an unknown login costs a password hash too, and failures are counted in SQL
so that simultaneous wrong passwords get no more checks than the limit (PostgreSQL for the race).
"""

from __future__ import annotations

import threading
from datetime import datetime

from argon2 import PasswordHasher

from rp.domain.logins import LoginPolicy
from rp.domain.logins import check_password
from tests.concurrency import requires_postgresql
from tests.concurrency import run_together
from tests.concurrency import session_factory
from tests.rp.fakeop import add_person

POLICY = LoginPolicy(max_failures=5, lockout_seconds=900)
NOW = datetime(2026, 3, 1, 12, 0, 0)


class CountingHasher(PasswordHasher):
    """A fast argon2 hasher that counts its password checks."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.checks = 0
        self._lock = threading.Lock()

    def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
        with self._lock:
            self.checks += 1
        return super().verify(hash, password)


def test_an_unknown_login_is_checked_against_a_dummy_hash(rp_app):
    from rp.extensions import db

    hasher = CountingHasher()
    with rp_app.app_context():
        result = check_password(db.session, hasher, "nobody.here", "whatever1", POLICY, NOW)
    assert result.user is None and result.problem == "bad"
    assert hasher.checks == 1


def test_the_fifth_failure_locks_and_a_locked_login_is_not_checked(rp_app):
    from rp.extensions import db

    add_person(rp_app)
    hasher = CountingHasher()
    with rp_app.app_context():
        problems = [check_password(db.session, hasher, "ivanova.m", "wrong", POLICY, NOW).problem for _ in range(7)]
        db.session.commit()
    assert problems == ["bad"] * 4 + ["locked"] * 3
    assert hasher.checks == 5


@requires_postgresql
def test_simultaneous_wrong_passwords_get_at_most_the_limit_of_checks(rp_app):
    add_person(rp_app)
    hasher = CountingHasher()
    new_session = session_factory(rp_app)

    def work(_: int) -> str | None:
        with new_session() as session:
            result = check_password(session, hasher, "ivanova.m", "wrong", POLICY, NOW)
            session.commit()
            return result.problem

    results = run_together(20, work)
    assert all(r in ("bad", "locked") for r in results), results
    assert hasher.checks <= POLICY.max_failures, (hasher.checks, results)
    assert results.count("bad") == POLICY.max_failures - 1
