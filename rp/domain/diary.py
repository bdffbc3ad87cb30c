"""What a pupil's diary shows for a range of days: lessons with changes, marks, attendance, homework."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import timedelta

from sqlalchemy import Select
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm import contains_eager

from rp.domain.charts import AttendanceWeek
from rp.models.comms import Achievement
from rp.models.comms import News
from rp.models.journal import AttendanceCode
from rp.models.journal import AttendanceEntry
from rp.models.journal import Mark
from rp.models.journal import WorkType
from rp.models.people import Person
from rp.models.school import Enrolment
from rp.models.school import SchoolClass
from rp.models.school import SchoolYear
from rp.models.school import Subject
from rp.models.school import SubjectGroup
from rp.models.timetable import Homework
from rp.models.timetable import IndividualHomework
from rp.models.timetable import Lesson


@dataclass
class DiaryLesson:
    """One lesson of a pupil's day, with everything the parent sees about it."""

    lesson: Lesson
    subject: str
    teacher: str
    marks: list[tuple[Mark, WorkType]] = field(default_factory=list)
    attendance: AttendanceCode | None = None
    homework: list[str] = field(default_factory=list)
    individual: list[IndividualHomework] = field(default_factory=list)


def pupil_classes(session: Session, pupil_id: int) -> list[SchoolClass]:
    """Return the classes a pupil has been enrolled in (each with its year loaded), newest year first."""
    return list(
        session.scalars(
            select(SchoolClass)
            .join(Enrolment, Enrolment.class_id == SchoolClass.id)
            .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
            .options(contains_eager(SchoolClass.year))
            .where(Enrolment.pupil_id == pupil_id)
            .order_by(SchoolClass.year_id.desc())
        )
    )


def _classes_in_range(class_ids: list[int], start: date, end: date) -> Select:
    """Select those of the classes whose school year overlaps the range (a class's lessons lie in its year)."""
    return (
        select(SchoolClass.id)
        .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
        .where(SchoolClass.id.in_(class_ids), SchoolYear.starts_on <= end, SchoolYear.ends_on >= start)
    )


def pupil_days(session: Session, pupil_id: int, start: date, end: date) -> dict[date, list[DiaryLesson]]:
    """Return the pupil's lessons from ``start`` to ``end`` by day, each day in lesson-number order."""
    class_ids = [c.id for c in pupil_classes(session, pupil_id)]
    if not class_ids:
        return {}
    rows = session.execute(
        select(Lesson, Subject.name, Person)
        .join(SubjectGroup, SubjectGroup.id == Lesson.group_id)
        .join(Subject, Subject.id == SubjectGroup.subject_id)
        .join(Person, Person.id == SubjectGroup.teacher_id)
        .where(SubjectGroup.class_id.in_(_classes_in_range(class_ids, start, end)))
        .where(Lesson.date >= start, Lesson.date <= end)
        .order_by(Lesson.date, Lesson.number)
    ).all()
    items = {lesson.id: DiaryLesson(lesson, subject, teacher.full_name) for lesson, subject, teacher in rows}
    ids = list(items)
    if ids:
        for mark, work in session.execute(
            select(Mark, WorkType)
            .join(WorkType, WorkType.id == Mark.work_type_id)
            .where(Mark.pupil_id == pupil_id, Mark.lesson_id.in_(ids))
            .order_by(Mark.id)
        ):
            items[mark.lesson_id].marks.append((mark, work))
        for entry, code in session.execute(
            select(AttendanceEntry, AttendanceCode)
            .join(AttendanceCode, AttendanceCode.id == AttendanceEntry.code_id)
            .where(AttendanceEntry.pupil_id == pupil_id, AttendanceEntry.lesson_id.in_(ids))
        ):
            items[entry.lesson_id].attendance = code
        for hw in session.scalars(select(Homework).where(Homework.lesson_id.in_(ids)).order_by(Homework.id)):
            items[hw.lesson_id].homework.append(hw.text)
        for ihw in session.scalars(
            select(IndividualHomework)
            .where(IndividualHomework.pupil_id == pupil_id, IndividualHomework.lesson_id.in_(ids))
            .order_by(IndividualHomework.id)
        ):
            items[ihw.lesson_id].individual.append(ihw)
    days: dict[date, list[DiaryLesson]] = {}
    for item in items.values():
        days.setdefault(item.lesson.date, []).append(item)
    return days


def news_for(session: Session, school_ids: set[int], class_ids: set[int], limit: int = 30) -> list[News]:
    """Return the newest school news and the news of the given classes."""
    if not school_ids:
        return []
    from sqlalchemy import or_

    return list(
        session.scalars(
            select(News)
            .where(News.school_id.in_(school_ids), or_(News.class_id.is_(None), News.class_id.in_(class_ids or {0})))
            .order_by(News.published_on.desc(), News.id.desc())
            .limit(limit)
        )
    )


def achievements_of(session: Session, pupil_id: int) -> list[Achievement]:
    """Return a pupil's achievements, newest first."""
    return list(
        session.scalars(
            select(Achievement).where(Achievement.pupil_id == pupil_id).order_by(Achievement.held_on.desc())
        )
    )


def attendance_weeks(session: Session, pupil_id: int, start: date, end: date) -> list[AttendanceWeek]:
    """Return the pupil's lessons from ``start`` to ``end`` week by week: held, missed and late.

    Cancelled lessons do not count; weeks without lessons (holidays) are left out.
    """
    class_ids = [c.id for c in pupil_classes(session, pupil_id)]
    if not class_ids or end < start:
        return []
    lessons = dict(
        session.execute(
            select(Lesson.id, Lesson.date)
            .join(SubjectGroup, SubjectGroup.id == Lesson.group_id)
            .where(SubjectGroup.class_id.in_(_classes_in_range(class_ids, start, end)))
            .where(Lesson.date >= start, Lesson.date <= end, Lesson.status != "cancelled")
        ).all()
    )
    weeks: dict[date, AttendanceWeek] = {}
    for day in sorted(lessons.values()):
        monday = day - timedelta(days=day.weekday())
        weeks.setdefault(monday, AttendanceWeek(monday, 0, 0, 0)).lessons += 1
    if lessons:
        for lesson_id, is_absence in session.execute(
            select(AttendanceEntry.lesson_id, AttendanceCode.is_absence)
            .join(AttendanceCode, AttendanceCode.id == AttendanceEntry.code_id)
            .join(Lesson, Lesson.id == AttendanceEntry.lesson_id)
            .where(AttendanceEntry.pupil_id == pupil_id, Lesson.date >= start, Lesson.date <= end)
        ):
            held = lessons.get(lesson_id)
            if held is None:
                continue
            week = weeks[held - timedelta(days=held.weekday())]
            if is_absence:
                week.absent += 1
            else:
                week.late += 1
    return [weeks[m] for m in sorted(weeks)]
