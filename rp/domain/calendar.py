"""Calendar helpers for the diary: weeks, school years and periods around a date."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.models.school import PERIOD_QUARTER
from rp.models.school import YEAR_CURRENT
from rp.models.school import Period
from rp.models.school import SchoolYear


def week_start(day: date) -> date:
    """Return the Monday of the week holding ``day``."""
    return day - timedelta(days=day.weekday())


def parse_day(text: str | None, default: date) -> date:
    """Return the ISO date in ``text``, or ``default`` when it is missing or malformed."""
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        return default


def current_year(session: Session, school_id: int) -> SchoolYear | None:
    """Return the school's current year."""
    return session.scalar(
        select(SchoolYear).where(SchoolYear.school_id == school_id, SchoolYear.status == YEAR_CURRENT)
    )


def period_on(session: Session, year_id: int, day: date, kind: str = PERIOD_QUARTER) -> Period | None:
    """Return the period of ``kind`` containing ``day`` (or the last one that ended before it)."""
    periods = list(
        session.scalars(select(Period).where(Period.year_id == year_id, Period.kind == kind).order_by(Period.starts_on))
    )
    chosen = None
    for period in periods:
        if period.starts_on <= day:
            chosen = period
    return chosen or (periods[0] if periods else None)
