"""Lab-wide settings in the database, and the lab clock built on them."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.clock import clock
from idp.domain import lab_cache
from idp.domain.once import forget
from idp.domain.once import read_once
from idp.models.lab import LabSetting

CLOCK_OFFSET = "clock_offset_seconds"


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    """Return a lab setting's stored value, or ``default`` when unset (all settings read once, cached per worker)."""
    value = read_once(session, "lab_settings", lambda: lab_cache.cached(session, "lab_settings", lambda: _all(session)))
    found = value.get(key)
    return found if found is not None else default


def _all(session: Session) -> dict[str, str]:
    return {key: value for key, value in session.execute(select(LabSetting.key, LabSetting.value))}


def set_setting(session: Session, key: str, value: str) -> None:
    """Store a lab setting (the caller commits)."""
    forget(session, "lab_settings")
    lab_cache.mark_written(session)
    row = session.get(LabSetting, key)
    if row is None:
        session.add(LabSetting(key=key, value=value))
    else:
        row.value = value


def clock_offset(session: Session) -> timedelta:
    """Return how far the lab clock is ahead of real time."""
    return timedelta(seconds=float(get_setting(session, CLOCK_OFFSET, "0") or 0))


def now(session: Session) -> datetime:
    """Return the current business time (naive UTC) on the lab clock: the IdP's clock plus the stored offset."""
    return clock.now(clock_offset(session))


def advance_clock(session: Session, delta: timedelta) -> datetime:
    """Move the lab clock forward by ``delta`` and return the new business time (caller commits)."""
    if delta < timedelta(0):
        raise ValueError("the lab clock only moves forward")
    set_setting(session, CLOCK_OFFSET, str((clock_offset(session) + delta).total_seconds()))
    return now(session)


def reset_clock(session: Session) -> None:
    """Put the lab clock back on real time (caller commits)."""
    set_setting(session, CLOCK_OFFSET, "0")
