"""The journal: typed works with weights, marks, attendance codes and entries, period marks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from rp.clock import clock
from rp.db import db
from rp.models.people import Person
from rp.models.timetable import Lesson


class WorkType(db.Model):
    """A kind of work with its weight in the weighted average (Контрольная работа, 3)."""

    __tablename__ = "work_type"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    abbr: Mapped[str] = mapped_column(String(10), nullable=False)
    weight: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class Mark(db.Model):
    """A pupil's mark (2..5) for a typed work at a lesson."""

    __tablename__ = "mark"
    __table_args__ = (Index("ix_mark_pupil_lesson", "pupil_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), nullable=False, index=True)
    work_type_id: Mapped[int] = mapped_column(ForeignKey("work_type.id"), nullable=False)
    value: Mapped[int] = mapped_column(Integer, nullable=False)
    comment: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))

    lesson: Mapped[Lesson] = relationship()
    work_type: Mapped[WorkType] = relationship()
    pupil: Mapped[Person] = relationship(foreign_keys=[pupil_id])


class AttendanceCode(db.Model):
    """A configurable attendance code (Н отсутствовал, Б болел, УП уважительная причина, ОП опоздал)."""

    __tablename__ = "attendance_code"
    __table_args__ = (UniqueConstraint("school_id", "code", name="uq_attendance_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), nullable=False)
    code: Mapped[str] = mapped_column(String(5), nullable=False)
    title: Mapped[str] = mapped_column(String(100), nullable=False)
    #: False for lateness: the pupil was at the lesson.
    is_absence: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class AttendanceEntry(db.Model):
    """An attendance record of one pupil at one lesson (no row means present)."""

    __tablename__ = "attendance_entry"
    __table_args__ = (
        UniqueConstraint("lesson_id", "pupil_id", name="uq_attendance_lesson_pupil"),
        Index("ix_attendance_pupil_lesson", "pupil_id", "lesson_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), nullable=False)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False)
    code_id: Mapped[int] = mapped_column(ForeignKey("attendance_code.id"), nullable=False)
    comment: Mapped[str | None] = mapped_column(String(255))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)

    code: Mapped[AttendanceCode] = relationship()
    lesson: Mapped[Lesson] = relationship()


class PeriodMark(db.Model):
    """A pupil's final mark for a subject and period ("5", "4", "н/а", "зач")."""

    __tablename__ = "period_mark"
    __table_args__ = (UniqueConstraint("pupil_id", "subject_id", "period_id", name="uq_period_mark"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), nullable=False)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), nullable=False, index=True)
    value: Mapped[str] = mapped_column(String(10), nullable=False)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)
