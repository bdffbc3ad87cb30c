"""The diary's one clock (bound by the factory; ``DIARY_TODAY`` pins its business day)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.clock import Clock

#: Every "now" of the diary reads this object; tests freeze it or pin its day.
clock = Clock()


def bind(settings: Mapping[str, Any]) -> Clock:
    """Configure the diary's clock: its day is ``DIARY_TODAY`` when set (the factory calls this)."""
    fixed = settings.get("DIARY_TODAY")
    clock.configure(day=date.fromisoformat(str(fixed)) if fixed else None)
    return clock
