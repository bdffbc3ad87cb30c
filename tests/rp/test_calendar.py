"""The one period choice of the journal, the reports and the diary."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from rp.domain.calendar import choose_period


def period(pid: int, kind: str, starts: date):
    return SimpleNamespace(id=pid, kind=kind, starts_on=starts)


YEAR = [
    period(1, "year", date(2026, 9, 1)),
    period(3, "quarter", date(2026, 9, 1)),
    period(2, "half", date(2026, 9, 1)),
    period(4, "quarter", date(2026, 11, 5)),
    period(5, "quarter", date(2027, 1, 12)),
]


def test_a_listed_period_asked_for_wins():
    assert choose_period(YEAR, 2, date(2026, 12, 1)).id == 2


def test_otherwise_the_quarter_running_on_the_day():
    assert choose_period(YEAR, None, date(2026, 12, 1)).id == 4
    assert choose_period(YEAR, 999, date(2027, 6, 30)).id == 5  # unknown id: ignored; after the year: the last


def test_before_the_first_quarter_the_first_quarter_and_without_quarters_the_first_period():
    assert choose_period(YEAR, None, date(2026, 8, 1)).id == 3
    assert choose_period([p for p in YEAR if p.kind != "quarter"], None, date(2026, 12, 1)).id == 1
    assert choose_period([], None, date(2026, 12, 1)) is None


def test_across_years_the_latest_started_quarter():
    older = [period(11, "quarter", date(2025, 9, 1)), period(12, "quarter", date(2026, 1, 12))]
    assert choose_period(YEAR + older, None, date(2026, 3, 1)).id == 12
    assert choose_period(YEAR + older, None, date(2026, 10, 1)).id == 3
