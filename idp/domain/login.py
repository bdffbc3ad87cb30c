"""Password log-in with a lockout counted on the account row, so that it holds across instances."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from idp.domain import labstate
from idp.domain.accounts import find_by_login
from idp.models.accounts import Account
from shared.passwords import rehashed
from shared.passwords import verify_password


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failures in a row lock an account, and for how long."""

    max_failures: int = 5
    lockout_seconds: int = 900


class LoginFailed(Exception):
    """Unknown login or wrong password; deliberately does not say which."""


class LoginLocked(Exception):
    """The account is locked after too many failures until ``until`` (lab clock)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


@functools.lru_cache(maxsize=8)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism).hash("-unused-")


def authenticate(session: Session, hasher: PasswordHasher, login: str, password: str, policy: LockoutPolicy) -> Account:
    """Return the account for these credentials, or raise :class:`LoginFailed` / :class:`LoginLocked`.

    Failures are counted on the account (the caller commits them as well as a success); a password
    hashed with other parameters than the hasher's is hashed again with them.
    """
    account = find_by_login(session, login)
    if account is None:
        # Spend the same time as a real check so that timing does not reveal unknown logins.
        verify_password(hasher, _dummy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism), password)
        raise LoginFailed()
    now = labstate.now(session)
    if account.locked_until is not None:
        if now < account.locked_until:
            raise LoginLocked(account.locked_until)
        account.locked_until = None
        account.failed_logins = 0
    if not verify_password(hasher, account.password_hash, password or ""):
        account.failed_logins = Account.failed_logins + 1
        session.flush()
        session.refresh(account, ["failed_logins"])
        if account.failed_logins >= policy.max_failures:
            account.locked_until = now + timedelta(seconds=policy.lockout_seconds)
            account.failed_logins = 0
            session.flush()
            raise LoginLocked(account.locked_until)
        raise LoginFailed()
    account.failed_logins = 0
    account.locked_until = None
    new_hash = rehashed(hasher, account.password_hash, password)
    if new_hash is not None:
        account.password_hash = new_hash
    session.flush()
    return account
