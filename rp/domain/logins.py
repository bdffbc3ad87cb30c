"""The diary's own login and password: verification with a lockout counted on the login. No Flask."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from rp.models.people import User
from shared.passwords import rehashed
from shared.passwords import verify_password


@dataclass(frozen=True)
class LoginPolicy:
    """How many wrong passwords lock a login, and for how long."""

    max_failures: int
    lockout_seconds: int


@dataclass(frozen=True)
class LoginCheck:
    """The outcome of a password check: the user when it succeeded, else why not (``bad`` or ``locked``)."""

    user: User | None
    problem: str | None = None


def find_user(session: Session, login: str) -> User | None:
    """Return the diary login with this name (case-insensitive), or None."""
    name = (login or "").strip().lower()
    if not name:
        return None
    return session.scalar(select(User).where(func.lower(User.login) == name))


@functools.lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism).hash("-unused-")


def check_password(
    session: Session, hasher: PasswordHasher, login: str, password: str, policy: LoginPolicy, now: datetime
) -> LoginCheck:
    """Check a login and password, counting failures on the login and locking it after too many.

    An unknown login costs a check against a dummy hash, so timing does not tell which logins exist.
    Each check first takes one of the login's remaining attempts in a conditional UPDATE, so that
    simultaneous requests get no more password checks than the limit. A password hashed with other
    parameters is hashed again. The caller commits.
    """
    user = find_user(session, login)
    if user is None:
        verify_password(hasher, _dummy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism), password)
        return LoginCheck(None, "bad")
    result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(User)
        .where(
            User.id == user.id,
            User.failed_logins < policy.max_failures,
            or_(User.locked_until.is_(None), User.locked_until <= now),
        )
        .values(failed_logins=User.failed_logins + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return LoginCheck(None, "locked")
    session.refresh(user, ["failed_logins", "locked_until"])
    if verify_password(hasher, user.password_hash, password):
        user.failed_logins = 0
        user.locked_until = None
        new_hash = rehashed(hasher, user.password_hash, password)
        if new_hash is not None:
            user.password_hash = new_hash
        session.flush()
        return LoginCheck(user)
    problem = "bad"
    if user.failed_logins >= policy.max_failures:
        user.locked_until = now + timedelta(seconds=policy.lockout_seconds)
        user.failed_logins = 0
        problem = "locked"
    session.flush()
    return LoginCheck(None, problem)
