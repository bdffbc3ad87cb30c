"""The lab clock's arithmetic and duration syntax."""

from __future__ import annotations

from datetime import UTC
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from shared.clock import Clock
from shared.clock import business_now
from shared.clock import parse_duration
from shared.clock import parse_duration_range
from shared.clock import real_now


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


def test_a_clock_follows_real_time_until_frozen_then_moves_only_by_hand():
    clock = Clock()
    assert abs((clock.real() - real_now()).total_seconds()) < 5
    frozen = clock.freeze(datetime(2026, 3, 1, 9, 30))
    assert clock.real() == frozen == datetime(2026, 3, 1, 9, 30)
    assert clock.timestamp() == int(datetime(2026, 3, 1, 9, 30, tzinfo=UTC).timestamp())
    clock.advance(timedelta(seconds=899))
    assert clock.real() == datetime(2026, 3, 1, 9, 44, 59)
    clock.unfreeze()
    assert abs((clock.real() - real_now()).total_seconds()) < 5


def test_business_time_adds_the_lab_offset_and_keeps_a_pinned_day():
    clock = Clock()
    clock.freeze(datetime(2026, 3, 1, 23, 0))
    assert clock.now(timedelta(hours=2)) == datetime(2026, 3, 2, 1, 0)
    assert clock.today(timedelta(hours=2)) == date(2026, 3, 2)
    clock.configure(day=date(2025, 9, 15))
    assert clock.now() == datetime(2025, 9, 15, 23, 0)
    assert clock.real() == datetime(2026, 3, 1, 23, 0)  # record and protocol times stay real
    clock.configure()
    assert clock.today() == date(2026, 3, 1)


def test_only_a_frozen_clock_is_moved_by_hand():
    with pytest.raises(RuntimeError):
        Clock().advance(timedelta(seconds=1))
