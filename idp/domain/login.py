"""Password log-in with a lockout counted on the account row, so that it holds across instances."""

from __future__ import annotations

import functools
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from idp.domain import address_lockout
from idp.domain import labstate
from idp.domain.accounts import find_by_login
from idp.models.accounts import Account
from shared.passwords import rehashed
from shared.passwords import verify_password

#: How many failures in a row lock an account for one address, and for how long.
LockoutPolicy = address_lockout.LockoutPolicy


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


def authenticate(
    session: Session,
    hasher: PasswordHasher,
    login: str,
    password: str,
    policy: LockoutPolicy,
    address: str | None = None,
) -> Account:
    """Return the account for these credentials, or raise :class:`LoginFailed` / :class:`LoginLocked`.

    Failures are counted per client ``address`` (:mod:`idp.domain.address_lockout`): the address that
    guessed too often is locked out of the account, every other address still logs in. A password hashed
    with other parameters than the hasher's is hashed again with them. The caller commits.
    """
    account = find_by_login(session, login)
    if account is None:
        # Spend the same time as a real check so that timing does not reveal unknown logins.
        verify_password(hasher, _dummy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism), password)
        raise LoginFailed()
    now = labstate.now(session)
    target = address_lockout.account_target(account.id)
    on_record, until = address_lockout.failures_of(session, target, address, now)
    if until is not None:
        raise LoginLocked(until)
    if not verify_password(hasher, account.password_hash, password or ""):
        until = address_lockout.record_failure(session, target, address, policy, now)
        if until is not None:
            raise LoginLocked(until)
        raise LoginFailed()
    if on_record:  # nothing to forget after a first-time success
        address_lockout.clear(session, target, address)
    new_hash = rehashed(hasher, account.password_hash, password)
    if new_hash is not None:
        account.password_hash = new_hash
    session.flush()
    return account
