"""The diary's own login and password: verification with a lockout counted on the login. No Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy import func
from sqlalchemy import select
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


def check_password(
    session: Session, hasher: PasswordHasher, login: str, password: str, policy: LoginPolicy, now: datetime
) -> LoginCheck:
    """Check a login and password, counting failures on the login and locking it after too many.

    Counts in the session (the caller commits); a password hashed with other parameters is hashed again.
    Unknown logins and wrong passwords look the same to the caller.
    """
    user = find_user(session, login)
    if user is None:
        return LoginCheck(None, "bad")
    if user.locked_until is not None and user.locked_until > now:
        return LoginCheck(None, "locked")
    if verify_password(hasher, user.password_hash, password):
        user.failed_logins = 0
        user.locked_until = None
        new_hash = rehashed(hasher, user.password_hash, password)
        if new_hash is not None:
            user.password_hash = new_hash
        session.flush()
        return LoginCheck(user)
    user.failed_logins = (user.failed_logins or 0) + 1
    problem = "bad"
    if user.failed_logins >= policy.max_failures:
        user.locked_until = now + timedelta(seconds=policy.lockout_seconds)
        user.failed_logins = 0
        problem = "locked"
    session.flush()
    return LoginCheck(None, problem)
