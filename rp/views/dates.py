"""The dates in a diary page's query: a missing or malformed one is the default, one off the calendar is 404."""

from __future__ import annotations

from datetime import date

from flask import abort
from flask import request

from rp.domain.calendar import in_calendar
from rp.domain.calendar import parse_day


def requested_day(name: str, default: date) -> date:
    """Return the ISO date in the query argument ``name`` (``default`` when absent or malformed).

    A date outside the diary's calendar (year 1 or 9999) has no page: 404.
    """
    day = parse_day(request.args.get(name), default)
    if not in_calendar(day):
        abort(404)
    return day
