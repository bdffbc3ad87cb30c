"""The teacher's journal: the mark scale, marks, attendance, homework, period marks and the journal grid. No Flask.

Functions add, change and delete rows but never commit: the request commits once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.domain.marks import averages_for_pupils
from rp.domain.marks import suggest_period_mark
from rp.models.journal import AttendanceCode
from rp.models.journal import AttendanceEntry
from rp.models.journal import Mark
from rp.models.journal import PeriodMark
from rp.models.journal import WorkType
from rp.models.school import Period
from rp.models.school import SubjectGroup
from rp.models.timetable import Homework
from rp.models.timetable import IndividualHomework
from rp.models.timetable import Lesson

#: Marks on the 5-point scale, best first (the order the mark forms offer them).
MARK_SCALE = (5, 4, 3, 2)
#: Period marks: the scale, "н/а" (not assessed) and "зач" (pass).
PERIOD_VALUES = tuple(str(v) for v in MARK_SCALE) + ("н/а", "зач")


@dataclass
class JournalGrid:
    """A subject group's journal for a period: lessons, each pupil's cell texts, averages and period marks."""

    lessons: list[Lesson]
    cells: dict[tuple[int, int], list[str]]
    averages: dict[int, Decimal | None]
    suggested: dict[int, int | None]
    finals: dict[int, str]


def journal_grid(session: Session, group: SubjectGroup, period: Period, pupil_ids: list[int]) -> JournalGrid:
    """Return the grid of a subject group over a period: attendance code first, then the marks, per cell."""
    lessons = list(
        session.scalars(
            select(Lesson)
            .where(Lesson.group_id == group.id, Lesson.date >= period.starts_on, Lesson.date <= period.ends_on)
            .order_by(Lesson.date, Lesson.number)
        )
    )
    lesson_ids = [lesson.id for lesson in lessons]
    cells: dict[tuple[int, int], list[str]] = {}
    if lesson_ids:
        marks = select(Mark.pupil_id, Mark.lesson_id, Mark.value).where(Mark.lesson_id.in_(lesson_ids))
        for pupil_id, lesson_id, value in session.execute(marks.order_by(Mark.id)):
            cells.setdefault((pupil_id, lesson_id), []).append(str(value))
        for pupil_id, lesson_id, code in session.execute(
            select(AttendanceEntry.pupil_id, AttendanceEntry.lesson_id, AttendanceCode.code)
            .join(AttendanceCode, AttendanceCode.id == AttendanceEntry.code_id)
            .where(AttendanceEntry.lesson_id.in_(lesson_ids))
        ):
            cells.setdefault((pupil_id, lesson_id), []).insert(0, code)
    averages = {
        pupil_id: avg
        for (pupil_id, subject_id), avg in averages_for_pupils(
            session, pupil_ids, period.starts_on, period.ends_on, group.subject_id
        ).items()
    }
    return JournalGrid(
        lessons=lessons,
        cells=cells,
        averages=averages,
        suggested={pid: suggest_period_mark(avg) for pid, avg in averages.items()},
        finals={pm.pupil_id: pm.value for pm in _period_marks(session, group, period)},
    )


def _period_marks(session: Session, group: SubjectGroup, period: Period) -> list[PeriodMark]:
    return list(
        session.scalars(
            select(PeriodMark).where(PeriodMark.period_id == period.id, PeriodMark.subject_id == group.subject_id)
        )
    )


def period_mark_values(form: Mapping[str, str], pupil_ids: list[int]) -> dict[int, str]:
    """Return {pupil id: value} from the ``pm_<pupil id>`` fields, skipping values off the period-mark list."""
    values = {}
    for pupil_id in pupil_ids:
        value = (form.get(f"pm_{pupil_id}") or "").strip()
        if not value or value in PERIOD_VALUES:
            values[pupil_id] = value
    return values


def save_period_marks(
    session: Session, group: SubjectGroup, period: Period, values: Mapping[int, str], by: int, at: datetime
) -> None:
    """Set, change or (for an empty value) remove the period marks of a subject group's pupils."""
    existing = {pm.pupil_id: pm for pm in _period_marks(session, group, period)}
    for pupil_id, value in values.items():
        current = existing.get(pupil_id)
        if not value:
            if current is not None:
                session.delete(current)
        elif current is None:
            session.add(
                PeriodMark(
                    pupil_id=pupil_id,
                    subject_id=group.subject_id,
                    period_id=period.id,
                    value=value,
                    set_by=by,
                    set_at=at,
                )
            )
        elif current.value != value:
            current.value, current.set_by, current.set_at = value, by, at


def update_lesson(
    session: Session,
    lesson: Lesson,
    *,
    theme: str | None,
    status: str,
    note: str | None,
    homework: str | None,
    by: int,
    at: datetime,
) -> None:
    """Save a lesson's theme, timetable change and note, and its class homework (the text in the lesson's box).

    The box shows the homework set so far; an unchanged text keeps those entries, a changed one replaces
    them, an emptied box removes them.
    """
    lesson.theme = theme or None
    lesson.status = status
    lesson.note = note or None
    text = (homework or "").replace("\r\n", "\n").strip()
    current = list(session.scalars(select(Homework).where(Homework.lesson_id == lesson.id).order_by(Homework.id)))
    if text == "\n".join(h.text for h in current).strip():
        return
    for old in current:
        session.delete(old)
    if text:
        session.add(Homework(lesson_id=lesson.id, text=text, created_by=by, created_at=at))


def add_mark(
    session: Session,
    lesson: Lesson,
    *,
    pupil_id: int,
    work_type_id: int,
    value: int,
    comment: str | None,
    by: int,
    at: datetime,
) -> Mark:
    """Give a pupil a mark on the 5-point scale for a typed work at the lesson."""
    if value not in MARK_SCALE:
        raise ValueError(f"mark {value!r} is not on the 5-point scale")
    mark = Mark(
        pupil_id=pupil_id,
        lesson_id=lesson.id,
        work_type_id=work_type_id,
        value=value,
        comment=comment or None,
        created_at=at,
        created_by=by,
    )
    session.add(mark)
    return mark


def change_mark(mark: Mark, *, value: int, work_type_id: int, comment: str | None, by: int, at: datetime) -> None:
    """Change a mark's value, work type and comment, noting who changed it and when."""
    if value not in MARK_SCALE:
        raise ValueError(f"mark {value!r} is not on the 5-point scale")
    mark.value, mark.work_type_id = value, work_type_id
    mark.comment = comment or None
    mark.updated_at, mark.updated_by = at, by


def delete_mark(session: Session, mark: Mark) -> None:
    """Remove a mark."""
    session.delete(mark)


def set_attendance(
    session: Session, lesson: Lesson, *, pupil_id: int, code_id: int, comment: str | None, by: int, at: datetime
) -> None:
    """Record a pupil's absence or lateness at the lesson; ``code_id`` 0 (present) removes the entry."""
    entry = session.scalar(
        select(AttendanceEntry).where(AttendanceEntry.lesson_id == lesson.id, AttendanceEntry.pupil_id == pupil_id)
    )
    if code_id == 0:
        if entry is not None:
            session.delete(entry)
    elif entry is None:
        session.add(
            AttendanceEntry(
                lesson_id=lesson.id,
                pupil_id=pupil_id,
                code_id=code_id,
                comment=comment or None,
                created_by=by,
                created_at=at,
            )
        )
    else:
        entry.code_id, entry.comment = code_id, comment or None


def add_individual_homework(
    session: Session, lesson: Lesson, *, pupil_id: int, text: str, due_on: date, by: int, at: datetime
) -> IndividualHomework:
    """Set homework for one pupil at the lesson."""
    homework = IndividualHomework(
        lesson_id=lesson.id, pupil_id=pupil_id, text=text.strip(), due_on=due_on, created_by=by, created_at=at
    )
    session.add(homework)
    return homework


@dataclass
class LessonEntries:
    """What was entered at one lesson: marks by pupil, attendance by pupil, class and individual homework."""

    marks: list[Mark]
    marks_by_pupil: dict[int, list[Mark]]
    attendance: dict[int, AttendanceEntry]
    homework: list[Homework]
    individual: list[IndividualHomework]


def lesson_entries(session: Session, lesson: Lesson) -> LessonEntries:
    """Return the marks (in entry order), attendance entries and homework of a lesson."""
    marks = list(session.scalars(select(Mark).where(Mark.lesson_id == lesson.id).order_by(Mark.id)))
    by_pupil: dict[int, list[Mark]] = {}
    for mark in marks:
        by_pupil.setdefault(mark.pupil_id, []).append(mark)
    return LessonEntries(
        marks=marks,
        marks_by_pupil=by_pupil,
        attendance={e.pupil_id: e for e in session.scalars(_attendance_query(lesson))},
        homework=list(session.scalars(select(Homework).where(Homework.lesson_id == lesson.id))),
        individual=list(session.scalars(select(IndividualHomework).where(IndividualHomework.lesson_id == lesson.id))),
    )


def _attendance_query(lesson: Lesson):
    return select(AttendanceEntry).where(AttendanceEntry.lesson_id == lesson.id)


def work_types(session: Session, school_id: int) -> list[WorkType]:
    """Return the school's kinds of work in creation order."""
    return list(session.scalars(select(WorkType).where(WorkType.school_id == school_id).order_by(WorkType.id)))


def attendance_codes(session: Session, school_id: int) -> list[AttendanceCode]:
    """Return the school's attendance codes in their display order."""
    return list(
        session.scalars(
            select(AttendanceCode).where(AttendanceCode.school_id == school_id).order_by(AttendanceCode.position)
        )
    )
