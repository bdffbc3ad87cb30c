"""Server-rendered SVG charts of the diary (no JavaScript: the CSP forbids inline scripts).

:func:`marks_chart`: one line per subject, the subject's weighted average as its marks come in, with a
point per mark; :func:`attendance_chart`: a bar per week of the lessons attended, missed and late.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from datetime import timedelta
from decimal import Decimal

from rp.domain.marks import weighted_average

#: Room a date label ("16.09") needs either side of its anchor, in chart units.
LABEL_HALF = 20
#: Colours the template gives the lines, by index (``line-0`` …); subjects beyond them reuse them.
PALETTE_SIZE = 8


@dataclass
class ChartPoint:
    """One mark on its subject's line: where, the mark and the average it brings the subject to."""

    x: float
    y: float
    day: date
    value: int
    average: Decimal


@dataclass
class ChartLine:
    """One subject's line: its name, colour index, points and the SVG ``points`` attribute."""

    subject_id: int
    name: str
    colour: int
    points: list[ChartPoint]

    @property
    def polyline(self) -> str:
        """Return the ``points`` attribute of the line's <polyline>."""
        return " ".join(f"{p.x},{p.y}" for p in self.points)


@dataclass
class AxisLabel:
    """A label of the time axis, anchored so that it stays inside the chart."""

    x: float
    text: str
    anchor: str


@dataclass
class Chart:
    """Geometry of the marks chart, ready for an inline <svg> in a template."""

    width: int
    height: int
    left: int
    right: int
    lines: list[ChartLine]
    y_lines: list[tuple[float, str]]
    x_labels: list[AxisLabel]
    first: date
    last: date

    @property
    def marks_count(self) -> int:
        """Return how many marks the chart shows."""
        return sum(len(line.points) for line in self.lines)

    @property
    def dot_radius(self) -> float:
        """Return the radius of a mark's point: smaller when many marks share the width (a whole year)."""
        return 3.5 if self.marks_count <= 60 else 2


Series = tuple[int, str, Sequence[tuple[date, int, int]]]


def _labels(days: list[date], x_of, width: int, left: int, right: int) -> list[AxisLabel]:
    """Return axis labels for ``days``, at least three label widths apart, none crossing the chart's edges."""
    labels: list[AxisLabel] = []
    for day in days:
        x = x_of(day)
        if labels and x - labels[-1].x < 3 * LABEL_HALF:
            continue
        anchor = "middle"
        if x + LABEL_HALF > width - 2:
            anchor = "end"
            x = min(x, width - 2)
        elif x - LABEL_HALF < 2:
            anchor = "start"
        labels.append(AxisLabel(x, day.strftime("%d.%m"), anchor))
    if len(labels) > 1 and labels[-1].anchor == "end" and labels[-1].x - labels[-2].x < 4 * LABEL_HALF:
        labels.pop(-2)  # the last label is right-aligned: keep clear of the one before it
    return labels


def _ticks(first: date, last: date) -> list[date]:
    """Return the days to label: each mark's week for up to two months, else the first of each month."""
    if (last - first).days <= 62:
        days, day = [], first
        while day <= last:
            days.append(day)
            day += timedelta(days=7)
        if days[-1] != last:
            if (last - days[-1]).days < 4:
                days.pop()  # too close to the last day, which the axis names
            days.append(last)
        return days
    months = [first]
    day = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    while day <= last:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def marks_chart(series: Sequence[Series], width: int = 720, height: int = 220) -> Chart | None:
    """Return the chart of subjects' marks: ``series`` of (subject id, name, [(day, value, weight)]) in legend order.

    Each subject's line follows its weighted average from one mark to the next; None when there are no marks.
    """
    marks = [(d, v, w) for _, _, items in series for d, v, w in items]
    if not marks:
        return None
    left, right, top, bottom = 30, 16, 10, 24
    first, last = min(m[0] for m in marks), max(m[0] for m in marks)
    span = max((last - first).days, 1)

    def x_of(day: date) -> float:
        return round(left + (width - left - right) * (day - first).days / span, 1)

    averages = []
    for index, (subject_id, name, items) in enumerate(series):
        ordered = sorted(items)
        if ordered:
            running = [
                weighted_average((v, w) for _, v, w in ordered[: i + 1]) or Decimal(2) for i in range(len(ordered))
            ]
            averages.append((index, subject_id, name, ordered, running))
    # The scale runs from the lowest whole mark any line reaches up to 5, so that close averages stay apart.
    low = max(2, min(5 - 1, int(min(a for *_, running in averages for a in running))))

    def y_of(value: float) -> float:
        return round(top + (height - top - bottom) * (5 - value) / (5 - low), 1)

    lines = []
    for index, subject_id, name, ordered, running in averages:
        points = [
            ChartPoint(x_of(day), y_of(float(average)), day, value, average)
            for (day, value, _weight), average in zip(ordered, running, strict=True)
        ]
        lines.append(ChartLine(subject_id, name, index % PALETTE_SIZE, points))
    steps = [low + i / 2 for i in range(2 * (5 - low) + 1)] if 5 - low <= 1 else list(range(low, 6))
    return Chart(
        width=width,
        height=height,
        left=left,
        right=right,
        lines=lines,
        y_lines=[(y_of(v), f"{v:g}") for v in steps],
        x_labels=_labels(_ticks(first, last), x_of, width, left, right),
        first=first,
        last=last,
    )


@dataclass
class AttendanceWeek:
    """One week of a pupil's lessons by how they went."""

    monday: date
    lessons: int
    absent: int
    late: int

    @property
    def present(self) -> int:
        """Return the lessons attended on time (late counts as attended, shown apart)."""
        return self.lessons - self.absent - self.late


@dataclass
class AttendanceBar:
    """The stacked bar of one week: heights of the present, late and absent parts, from the bottom up."""

    week: AttendanceWeek
    x: float
    width: float
    label: AxisLabel | None
    parts: list[tuple[str, float, float]]  # (kind, y, height)


@dataclass
class AttendanceChart:
    """The attendance picture of a period: a bar per week and the totals."""

    width: int
    height: int
    bars: list[AttendanceBar]
    lessons: int
    absent: int
    late: int


def attendance_chart(weeks: Sequence[AttendanceWeek], width: int = 720, height: int = 120) -> AttendanceChart | None:
    """Return the picture of ``weeks`` (a bar each, its height the week's lessons), or None with no lessons."""
    if not weeks or not any(w.lessons for w in weeks):
        return None
    left, right, top, bottom = 30, 16, 8, 22
    most = max(w.lessons for w in weeks)
    slot = (width - left - right) / len(weeks)
    bar_width = round(min(40.0, slot * 0.7), 1)
    scale = (height - top - bottom) / most
    label_every = max(1, round(3 * LABEL_HALF / slot + 0.49))
    bars = []
    for i, week in enumerate(weeks):
        x = round(left + slot * i + (slot - bar_width) / 2, 1)
        base = float(height - bottom)
        parts = []
        for kind, count in (("present", week.present), ("late", week.late), ("absent", week.absent)):
            if count:
                h = round(count * scale, 1)
                base = round(base - h, 1)
                parts.append((kind, base, h))
        centre = round(x + bar_width / 2, 1)
        label = None
        if i % label_every == 0:
            anchor = "end" if centre + LABEL_HALF > width - 2 else "start" if centre - LABEL_HALF < 2 else "middle"
            label = AxisLabel(centre, week.monday.strftime("%d.%m"), anchor)
        bars.append(AttendanceBar(week, x, bar_width, label, parts))
    return AttendanceChart(
        width=width,
        height=height,
        bars=bars,
        lessons=sum(w.lessons for w in weeks),
        absent=sum(w.absent for w in weeks),
        late=sum(w.late for w in weeks),
    )
