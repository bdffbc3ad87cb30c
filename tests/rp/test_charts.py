"""The diary's SVG charts: a line per subject, labels inside the box, a scale that keeps close averages apart."""

from __future__ import annotations

from datetime import date
from datetime import timedelta

from rp.domain.charts import AttendanceWeek
from rp.domain.charts import attendance_chart
from rp.domain.charts import marks_chart


def _year_of_marks(value: int, weight: int = 1) -> list[tuple[date, int, int]]:
    start = date(2025, 9, 3)
    return [(start + timedelta(days=7 * i), value if i % 3 else 4, weight) for i in range(36)]


def test_a_year_of_marks_reads_as_a_line_per_subject_with_month_labels_inside_the_box():
    chart = marks_chart([(1, "Математика", _year_of_marks(5)), (2, "Русский язык", _year_of_marks(4, 2))])
    assert [line.name for line in chart.lines] == ["Математика", "Русский язык"]
    assert [line.colour for line in chart.lines] == [0, 1]
    assert chart.marks_count == 72 and chart.dot_radius < 3
    texts = [label.text for label in chart.x_labels]
    assert texts[1:4] == ["01.10", "01.11", "01.12"]  # months over a year, not crowded dates
    for label in chart.x_labels:
        reach = {"end": 0, "middle": 20, "start": 40}[label.anchor]
        assert 0 <= label.x and label.x + reach <= chart.width
    # Averages between 4 and 5 only: the scale starts at 4, with half steps, so the lines stay apart.
    assert [v for _, v in chart.y_lines] == ["4", "4.5", "5"]
    ys = [p.y for line in chart.lines for p in line.points]
    assert min(ys) >= 0 and max(ys) <= chart.height


def test_a_few_weeks_label_dates_and_the_last_one_is_right_aligned():
    marks = [(date(2026, 9, 1) + timedelta(days=d), 3, 1) for d in (0, 3, 8, 15)]
    chart = marks_chart([(1, "История", marks)])
    assert chart.x_labels[-1].text == "16.09" and chart.x_labels[-1].anchor == "end"
    assert chart.x_labels[-1].x <= chart.width
    assert chart.y_lines[0][1] == "3" and chart.y_lines[-1][1] == "5"
    assert marks_chart([]) is None and marks_chart([(1, "История", [])]) is None


def test_attendance_bars_stack_present_late_and_absent_by_week():
    weeks = [AttendanceWeek(date(2026, 9, 7), 25, 5, 1), AttendanceWeek(date(2026, 9, 14), 20, 0, 0)]
    chart = attendance_chart(weeks)
    assert (chart.lessons, chart.absent, chart.late) == (45, 5, 1)
    first = chart.bars[0]
    assert [kind for kind, _, _ in first.parts] == ["present", "late", "absent"]
    assert sum(h for _, _, h in first.parts) > sum(h for _, _, h in chart.bars[1].parts)
    assert all(bar.x + bar.width <= chart.width for bar in chart.bars)
    assert attendance_chart([]) is None and attendance_chart([AttendanceWeek(date(2026, 9, 7), 0, 0, 0)]) is None
