"""The timetable: weekly slots, dated lessons with their changes, homework."""

from __future__ import annotations

from datetime import date
from datetime import datetime

from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from rp.clock import clock
from rp.db import db
from rp.models.people import Person
from rp.models.school import SubjectGroup

#: Lesson states shown to parents.
LESSON_NORMAL, LESSON_CANCELLED, LESSON_REPLACED, LESSON_MOVED = "normal", "cancelled", "replaced", "moved"


class TimetableSlot(db.Model):
    """A weekly timetable entry: a subject group on a weekday at a lesson number, in a room."""

    __tablename__ = "timetable_slot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("subject_group.id"), nullable=False, index=True)
    #: ISO weekday, 1 = Monday.
    weekday: Mapped[int] = mapped_column(Integer, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    starts_at: Mapped[str] = mapped_column(String(5), nullable=False)
    ends_at: Mapped[str] = mapped_column(String(5), nullable=False)
    room: Mapped[str | None] = mapped_column(String(20))

    group: Mapped[SubjectGroup] = relationship()


class Lesson(db.Model):
    """A dated lesson of a subject group, with its theme and any change to the timetable."""

    __tablename__ = "lesson"
    __table_args__ = (Index("ix_lesson_group_date", "group_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("subject_group.id"), nullable=False)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("timetable_slot.id"))
    date: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    starts_at: Mapped[str] = mapped_column(String(5), nullable=False)
    ends_at: Mapped[str] = mapped_column(String(5), nullable=False)
    room: Mapped[str | None] = mapped_column(String(20))
    theme: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=LESSON_NORMAL)
    #: What changed, for parents: "замена: Петрова А.И.", "перенесён на 7 урок" ...
    note: Mapped[str | None] = mapped_column(String(255))

    group: Mapped[SubjectGroup] = relationship()


class Homework(db.Model):
    """Homework set at a lesson for the whole class."""

    __tablename__ = "homework"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), nullable=False, index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)

    lesson: Mapped[Lesson] = relationship()


class IndividualHomework(db.Model):
    """Homework for one pupil (e.g. to catch up on missed lessons), due on a date."""

    __tablename__ = "individual_homework"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), nullable=False, index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)

    lesson: Mapped[Lesson] = relationship()
    pupil: Mapped[Person] = relationship(foreign_keys=[pupil_id])
