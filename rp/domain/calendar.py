"""Calendar helpers for the diary: weeks, school years and periods around a date."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Sequence
from datetime import date
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import contains_eager

from rp.models.school import PERIOD_QUARTER
from rp.models.school import YEAR_CURRENT
from rp.models.school import Period
from rp.models.school import SchoolYear

#: The days the diary shows: a school calendar needs nothing wider, and weeks around them never overflow.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)


def in_calendar(day: date) -> bool:
    """Return whether ``day`` lies within the diary's calendar (:data:`FIRST_DAY`..:data:`LAST_DAY`)."""
    return FIRST_DAY <= day <= LAST_DAY


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


def year_periods(session: Session, year_ids: Iterable[int]) -> list[Period]:
    """Return the periods of the given school years: latest year first, then by start (year, quarter, half)."""
    ids = list(year_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(Period)
            .join(SchoolYear, SchoolYear.id == Period.year_id)
            .options(contains_eager(Period.year))
            .where(Period.year_id.in_(ids))
            .order_by(SchoolYear.starts_on.desc(), Period.starts_on, Period.kind.desc(), Period.id)
        )
    )


#: Of periods ending the same day, the shorter closes first: a quarter, then its half, then the year.
_CLOSING_ORDER = {"quarter": 0, "trimester": 0, "half": 1, "year": 2}


def in_time_order(periods: Iterable[Period]) -> list[Period]:
    """Return periods in the order they close (1, 2 четверть, 1 полугодие, …, Год): a final-marks table's columns.

    Years keep the order they come in (latest first, as :func:`year_periods` gives them).
    """
    listed = list(periods)
    year_rank = {year_id: i for i, year_id in reversed(list(enumerate(p.year_id for p in listed)))}
    return sorted(listed, key=lambda p: (year_rank[p.year_id], p.ends_on, _CLOSING_ORDER.get(p.kind, 1), p.starts_on))


def choose_period(periods: Sequence[Period], wanted: int | None, day: date) -> Period | None:
    """Return the listed period ``wanted``, else the latest quarter started by ``day``, else the first listed quarter.

    With no quarter listed at all, the first listed period; with no period, None.
    """
    for period in periods:
        if period.id == wanted:
            return period
    quarters = [p for p in periods if p.kind == PERIOD_QUARTER]
    started = [p for p in quarters if p.starts_on <= day]
    if started:
        return max(started, key=lambda p: p.starts_on)
    if quarters:
        return quarters[0]
    return periods[0] if periods else None
