"""Lockouts per (target, client address): a person or the operator page locked for an address that failed.

An address that guesses too many passwords is locked out of that account (or the operator page) for
the lockout time; every other address keeps working, so nobody can lock someone out from one place.
Failures are counted in SQL with a row lock, so they hold across instances and simultaneous tries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from idp.models.login_failures import LoginFailure

#: Rows untouched this long are dropped on the way.
STALE_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failures in a row lock a target for one address, and for how long."""

    max_failures: int = 5
    lockout_seconds: int = 900


def account_target(account_id: int) -> str:
    """Return the target name of an account."""
    return f"account:{account_id}"


def _address(address: str | None) -> str:
    return (address or "-")[:64]


def locked_until(session: Session, target: str, address: str | None, now: datetime) -> datetime | None:
    """Return until when ``address`` is locked out of ``target``, or None."""
    return failures_of(session, target, address, now)[1]


def failures_of(session: Session, target: str, address: str | None, now: datetime) -> tuple[bool, datetime | None]:
    """Return whether failures of ``address`` on ``target`` are on record, and until when it is locked out (or None)."""
    row = session.execute(
        select(LoginFailure.locked_until).where(
            LoginFailure.target == target, LoginFailure.address == _address(address)
        )
    ).first()
    until = row[0] if row is not None else None
    return row is not None, until if until is not None and until > now else None


def record_failure(
    session: Session, target: str, address: str | None, policy: LockoutPolicy, now: datetime
) -> datetime | None:
    """Count one failure of ``address`` on ``target``; return the lock's end when this one locks it (caller commits)."""
    address = _address(address)
    session.execute(delete(LoginFailure).where(LoginFailure.updated_at < now - STALE_AFTER))
    row = session.scalar(
        select(LoginFailure).where(LoginFailure.target == target, LoginFailure.address == address).with_for_update()
    )
    if row is None:
        try:
            with session.begin_nested():
                row = LoginFailure(target=target, address=address, failures=0, updated_at=now)
                session.add(row)
        except IntegrityError:  # a simultaneous first failure created it
            row = session.scalar(
                select(LoginFailure)
                .where(LoginFailure.target == target, LoginFailure.address == address)
                .with_for_update()
            )
    assert row is not None  # inserted here or by the simultaneous failure
    if row.locked_until is not None and row.locked_until <= now:
        row.locked_until = None
        row.failures = 0
    session.execute(
        update(LoginFailure)
        .where(LoginFailure.id == row.id)
        .values(failures=LoginFailure.failures + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    session.refresh(row, ["failures"])
    if row.failures >= policy.max_failures:
        row.locked_until = now + timedelta(seconds=policy.lockout_seconds)
        row.failures = 0
        session.flush()
        return row.locked_until
    session.flush()
    return None


def clear(session: Session, target: str, address: str | None = None) -> None:
    """Forget the failures on ``target`` of ``address`` (a success), or of every address (a password reset)."""
    query = delete(LoginFailure).where(LoginFailure.target == target)
    if address is not None:
        query = query.where(LoginFailure.address == _address(address))
    session.execute(query)
