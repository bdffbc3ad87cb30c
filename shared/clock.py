"""The lab clock: business time is real time plus an offset that the lab can move forward.

The offset itself is stored by each app (in its database); this module does the arithmetic and
holds :class:`Clock`, the one source of "now" each app binds in its factory (and tests freeze).
"""

from __future__ import annotations

import re
from datetime import UTC
from datetime import date
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


class Clock:
    """One app's source of "now": real time (frozen in tests), the lab offset on top, optionally a pinned day.

    ``real()`` is the wall clock every party agrees on (record timestamps, protocol times that another
    party checks against its own clock, such as an ID token's ``iat``/``exp``); ``now(offset)`` is the
    business time the lab clock moves. The offset is stored by each app, so the caller passes it in.
    """

    def __init__(self) -> None:
        self._frozen: datetime | None = None
        self._day: date | None = None

    def configure(self, *, day: date | None = None) -> None:
        """Keep business time on ``day`` (at the real time of day) when given, else on the real date."""
        self._day = day

    def real(self) -> datetime:
        """Return the real time (or the frozen instant) as a naive UTC datetime."""
        return self._frozen if self._frozen is not None else real_now()

    def timestamp(self) -> int:
        """Return :meth:`real` as whole seconds since the epoch (the NumericDate of JWTs)."""
        return int(self.real().replace(tzinfo=UTC).timestamp())

    def now(self, offset: timedelta = timedelta(0)) -> datetime:
        """Return the business time: real time shifted by the lab ``offset``, on the pinned day if any."""
        moment = business_now(offset.total_seconds(), self.real())
        return datetime.combine(self._day, moment.time()) if self._day is not None else moment

    def today(self, offset: timedelta = timedelta(0)) -> date:
        """Return the business day."""
        return self.now(offset).date()

    def freeze(self, at: datetime | None = None) -> datetime:
        """Stop real time at ``at`` (default: now, to the second) until :meth:`unfreeze`; return it."""
        self._frozen = (at or real_now()).replace(microsecond=0)
        return self._frozen

    def advance(self, delta: timedelta) -> datetime:
        """Move a frozen clock's real time by ``delta`` and return it."""
        if self._frozen is None:
            raise RuntimeError("only a frozen clock can be moved by hand")
        self._frozen += delta
        return self._frozen

    def unfreeze(self) -> None:
        """Follow real time again."""
        self._frozen = None
