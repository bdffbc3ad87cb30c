"""The lab clock: business time is real time plus an offset that the lab can move forward.

The offset itself is stored by each app (in its database); this module only does the
arithmetic, so that every instance of an app agrees on "now".
"""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+)\s*([smhdw])")


def parse_duration(text: str) -> timedelta:
    """Parse ``90s``, ``15m``, ``2h``, ``5d``, ``1w`` or a combination like ``1d12h``."""
    cleaned = (text or "").strip().lower()
    if not cleaned:
        raise ValueError("empty duration")
    if cleaned.isdigit():
        return timedelta(seconds=int(cleaned))
    pos = 0
    seconds = 0
    for match in _PART.finditer(cleaned):
        if cleaned[pos : match.start()].strip():
            raise ValueError(f"bad duration: {text!r}")
        seconds += int(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos == 0 or cleaned[pos:].strip():
        raise ValueError(f"bad duration: {text!r}")
    return timedelta(seconds=seconds)


def parse_duration_range(text: str) -> tuple[timedelta, timedelta]:
    """Parse ``15m-5d`` (or a single duration) into an ordered (low, high) pair."""
    parts = [p for p in (text or "").split("-") if p.strip()]
    if len(parts) == 1:
        value = parse_duration(parts[0])
        return value, value
    if len(parts) != 2:
        raise ValueError(f"bad duration range: {text!r}")
    low, high = parse_duration(parts[0]), parse_duration(parts[1])
    if high < low:
        raise ValueError(f"range upper bound below lower bound: {text!r}")
    return low, high


def real_now() -> datetime:
    """Return the wall-clock time as a naive UTC datetime (the apps store naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)


def business_now(offset_seconds: float, real: datetime | None = None) -> datetime:
    """Return the business time: real time shifted by the stored offset."""
    return (real or real_now()) + timedelta(seconds=offset_seconds)
