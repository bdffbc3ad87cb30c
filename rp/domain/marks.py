"""Mark calculations: weighted averages, suggested period marks, absence totals.

Weighted average = sum(value * weight) / sum(weight), rounded to 2 decimals half-up (4.665 -> 4.67).
The suggested period mark rounds that displayed average half-up to a whole mark, the usual school
rule: 4.50 and above gives 5, 4.49 gives 4; 3.50 -> 4; 2.50 -> 3. Basing it on the displayed average
means parents never see "4.50" next to a suggested 4.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from decimal import ROUND_HALF_UP
from decimal import Decimal

from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.models.journal import AttendanceCode
from rp.models.journal import AttendanceEntry
from rp.models.journal import Mark
from rp.models.journal import WorkType
from rp.models.school import Enrolment
from rp.models.school import Subject
from rp.models.school import SubjectGroup
from rp.models.timetable import Lesson

TWO_PLACES = Decimal("0.01")


def weighted_average(marks: Iterable[tuple[int, int]]) -> Decimal | None:
    """Return sum(value*weight)/sum(weight) of (value, weight) pairs rounded to 2 decimals, or None if empty."""
    total = 0
    weights = 0
    for value, weight in marks:
        total += value * weight
        weights += weight
    if weights == 0:
        return None
    return (Decimal(total) / Decimal(weights)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def suggest_period_mark(average: Decimal | None) -> int | None:
    """Return the period mark suggested by a weighted average: half-up to a whole mark (x.50 rounds up)."""
    if average is None:
        return None
    return int(average.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class MarkItem:
    """One mark as the diary shows it."""

    id: int
    date: date
    value: int
    weight: int
    work_abbr: str
    work_title: str
    comment: str | None


@dataclass
class SubjectMarks:
    """A pupil's marks in one subject over a date range, with their weighted average."""

    subject_id: int
    subject_name: str
    marks: list[MarkItem] = field(default_factory=list)

    @property
    def average(self) -> Decimal | None:
        """Return the weighted average of the marks."""
        return weighted_average((m.value, m.weight) for m in self.marks)

    @property
    def suggested(self) -> int | None:
        """Return the period mark the average suggests."""
        return suggest_period_mark(self.average)


def classes_of_pupils(pupil_ids: list[int]) -> Select:
    """Select the ids of the classes the pupils are or were enrolled in.

    A pupil's marks and attendance are recorded at the lessons of the classes they are enrolled in (the
    journal offers a lesson's own class only), so the lessons of these classes' subject groups in a
    range hold all of the pupils' entries in it. Reaching them by ``(group_id, date)`` bounds the work
    by the range, not by the pupils' history.
    """
    return select(Enrolment.class_id).where(Enrolment.pupil_id.in_(pupil_ids))


def lessons_of_pupils(pupil_ids: list[int], start: date, end: date) -> Select:
    """Select the ids of the lessons from ``start`` to ``end`` of the subject groups of the pupils' classes."""
    groups = select(SubjectGroup.id).where(SubjectGroup.class_id.in_(classes_of_pupils(pupil_ids)))
    return select(Lesson.id).where(Lesson.group_id.in_(groups), Lesson.date >= start, Lesson.date <= end)


def period_lessons(
    session: Session, pupil_ids: list[int], start: date, end: date, subject_id: int | None = None
) -> dict[int, tuple[int, int]]:
    """Return {lesson id: (group id, subject id)} for the lessons of the range of the pupils' classes.

    With ``subject_id``, only that subject's lessons.

    Read first and on their own, so that the marks or attendance are then looked up by these lessons
    on both databases, whatever their statistics say about the pupils' history.
    """
    query = (
        select(Lesson.id, Lesson.group_id, SubjectGroup.subject_id)
        .join(SubjectGroup, SubjectGroup.id == Lesson.group_id)
        .where(SubjectGroup.class_id.in_(classes_of_pupils(pupil_ids)), Lesson.date >= start, Lesson.date <= end)
    )
    if subject_id is not None:
        query = query.where(SubjectGroup.subject_id == subject_id)
    rows = session.execute(query)
    return {lesson_id: (group_id, subject_id) for lesson_id, group_id, subject_id in rows}


def pupil_marks(session: Session, pupil_id: int, start: date, end: date) -> list[SubjectMarks]:
    """Return a pupil's marks between ``start`` and ``end`` (inclusive), grouped by subject in name order."""
    rows = session.execute(
        select(Mark, Lesson.date, WorkType, Subject.id, Subject.name)
        .join(Lesson, Lesson.id == Mark.lesson_id)
        .join(WorkType, WorkType.id == Mark.work_type_id)
        .join(SubjectGroup, SubjectGroup.id == Lesson.group_id)
        .join(Subject, Subject.id == SubjectGroup.subject_id)
        .where(Mark.pupil_id == pupil_id, Mark.lesson_id.in_(lessons_of_pupils([pupil_id], start, end)))
        .order_by(Subject.name, Lesson.date, Mark.id)
    ).all()
    by_subject: dict[int, SubjectMarks] = {}
    for mark, day, work, subject_id, subject_name in rows:
        entry = by_subject.setdefault(subject_id, SubjectMarks(subject_id, subject_name))
        entry.marks.append(MarkItem(mark.id, day, mark.value, work.weight, work.abbr, work.title, mark.comment))
    return list(by_subject.values())


def averages_for_pupils(
    session: Session,
    pupil_ids: list[int],
    start: date,
    end: date,
    subject_id: int | None = None,
    lessons: dict[int, tuple[int, int]] | None = None,
) -> dict[tuple[int, int], Decimal | None]:
    """Return {(pupil_id, subject_id): weighted average} over a date range (the lessons, then their marks).

    With ``subject_id``, only that subject's averages (the journal of one subject group); ``lessons``
    is ``period_lessons()`` of the same pupils and range when the caller has read it already.
    """
    if not pupil_ids:
        return {}
    if lessons is None:
        lessons = period_lessons(session, pupil_ids, start, end, subject_id)
    if not lessons:
        return {}
    rows = session.execute(
        select(Mark.pupil_id, Mark.lesson_id, Mark.value, WorkType.weight)
        .join(WorkType, WorkType.id == Mark.work_type_id)
        .where(Mark.pupil_id.in_(pupil_ids), Mark.lesson_id.in_(list(lessons)))
    ).all()
    pairs: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for pupil_id, lesson_id, value, weight in rows:
        pairs.setdefault((pupil_id, lessons[lesson_id][1]), []).append((value, weight))
    return {key: weighted_average(items) for key, items in pairs.items()}


def absence_totals(
    session: Session,
    pupil_ids: list[int],
    start: date,
    end: date,
    group_ids: list[int] | None = None,
    lessons: dict[int, tuple[int, int]] | None = None,
) -> dict[int, Counter[str]]:
    """Return {pupil_id: Counter(code -> number of lessons)} for attendance entries in the range.

    ``lessons`` is ``period_lessons()`` of the same pupils and range when the caller has read it already.
    """
    if not pupil_ids:
        return {}
    if lessons is None:
        lessons = period_lessons(session, pupil_ids, start, end)
    groups = None if group_ids is None else set(group_ids)
    wanted = [lid for lid, (gid, _) in lessons.items() if groups is None or gid in groups]
    totals: dict[int, Counter[str]] = {pid: Counter() for pid in pupil_ids}
    if not wanted:
        return totals
    query = (
        select(AttendanceEntry.pupil_id, AttendanceCode.code)
        .join(AttendanceCode, AttendanceCode.id == AttendanceEntry.code_id)
        .where(AttendanceEntry.pupil_id.in_(pupil_ids), AttendanceEntry.lesson_id.in_(wanted))
    )
    for pupil_id, code in session.execute(query):
        totals[pupil_id][code] += 1
    return totals


def missed_lessons(totals: Counter[str], codes: list[AttendanceCode]) -> int:
    """Return how many lessons the counted codes represent as absences (lateness is not an absence)."""
    absence_codes = {c.code for c in codes if c.is_absence}
    return sum(n for code, n in totals.items() if code in absence_codes)
