"""A server-rendered SVG chart of a pupil's marks over time (no JavaScript: the CSP forbids inline scripts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass
class Chart:
    """Geometry of the marks chart, ready for an inline <svg> in a template."""

    width: int
    height: int
    points: list[tuple[float, float, int, str]]
    polyline: str
    y_lines: list[tuple[float, int]]
    x_labels: list[tuple[float, str]]


def marks_chart(marks: list[tuple[date, int]], width: int = 640, height: int = 200) -> Chart | None:
    """Return the chart of (date, value) marks in date order, or None when there are none."""
    if not marks:
        return None
    left, right, top, bottom = 30, 10, 10, 24
    first, last = marks[0][0], marks[-1][0]
    span = max((last - first).days, 1)

    def x_of(day: date) -> float:
        return round(left + (width - left - right) * (day - first).days / span, 1)

    def y_of(value: int) -> float:
        return round(top + (height - top - bottom) * (5 - value) / 3, 1)

    points = [(x_of(d), y_of(v), v, d.strftime("%d.%m")) for d, v in marks]
    labels = []
    for d, _ in marks:
        label = (x_of(d), d.strftime("%d.%m"))
        if not labels or label[0] - labels[-1][0] > 48:
            labels.append(label)
    return Chart(
        width=width,
        height=height,
        points=points,
        polyline=" ".join(f"{x},{y}" for x, y, _, _ in points),
        y_lines=[(y_of(v), v) for v in (2, 3, 4, 5)],
        x_labels=labels,
    )
