"""The lab clock's arithmetic and duration syntax."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

import pytest

from shared.clock import business_now
from shared.clock import parse_duration
from shared.clock import parse_duration_range


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90s", timedelta(seconds=90)),
        ("15m", timedelta(minutes=15)),
        ("2h", timedelta(hours=2)),
        ("5d", timedelta(days=5)),
        ("1w", timedelta(weeks=1)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("  2D ", timedelta(days=2)),
        ("30", timedelta(seconds=30)),
    ],
)
def test_durations(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "d", "2x", "2d junk", "-5m", "1.5h"])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_ranges():
    assert parse_duration_range("15m-5d") == (timedelta(minutes=15), timedelta(days=5))
    assert parse_duration_range("10s") == (timedelta(seconds=10), timedelta(seconds=10))
    with pytest.raises(ValueError):
        parse_duration_range("5d-15m")


def test_business_time_is_real_time_plus_offset():
    real = datetime(2026, 1, 1, 12, 0)
    assert business_now(0, real) == real
    assert business_now(86400 * 2, real) == datetime(2026, 1, 3, 12, 0)
