"""The school's structure: school, years and periods, classes with pupils, subjects, roles and guardians."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean
from sqlalchemy import Date
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from rp.db import db
from rp.models.people import Person

#: School year states (Gibbon's Past/Current/Upcoming).
YEAR_PAST, YEAR_CURRENT, YEAR_UPCOMING = "past", "current", "upcoming"
#: Period kinds, nested year -> half -> quarter.
PERIOD_YEAR, PERIOD_HALF, PERIOD_QUARTER = "year", "half", "quarter"
#: Roles a person can hold in a school.
ROLE_OPERATOR, ROLE_TEACHER, ROLE_CLASS_TEACHER, ROLE_PARENT, ROLE_PUPIL = (
    "operator",
    "teacher",
    "class_teacher",
    "parent",
    "pupil",
)
ROLES = (ROLE_OPERATOR, ROLE_TEACHER, ROLE_CLASS_TEACHER, ROLE_PARENT, ROLE_PUPIL)


class School(db.Model):
    """An educational organisation using the diary."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255), nullable=False)
    short_name: Mapped[str] = mapped_column(String(100), nullable=False)
    region: Mapped[str] = mapped_column(String(100), nullable=False)
    city: Mapped[str] = mapped_column(String(100), nullable=False)
    email: Mapped[str | None] = mapped_column(String(254))


class SchoolYear(db.Model):
    """A school year (e.g. 2024/2025), past, current or upcoming."""

    __tablename__ = "school_year"
    __table_args__ = (UniqueConstraint("school_id", "title", name="uq_school_year_title"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(20), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default=YEAR_CURRENT)

    school: Mapped[School] = relationship()
    periods: Mapped[list[Period]] = relationship(back_populates="year", order_by="Period.starts_on")

    @property
    def is_archive(self) -> bool:
        """Return whether the year is past (read-only)."""
        return self.status == YEAR_PAST


class Period(db.Model):
    """A reporting period of a year: the year itself, a half-year or a quarter (nested via ``parent_id``)."""

    __tablename__ = "period"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("period.id"))
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    title: Mapped[str] = mapped_column(String(50), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)

    year: Mapped[SchoolYear] = relationship(back_populates="periods")
    parent: Mapped[Period | None] = relationship(remote_side=[id])


class SchoolClass(db.Model):
    """A class (e.g. 5А) in one school year."""

    __tablename__ = "school_class"
    __table_args__ = (UniqueConstraint("year_id", "grade", "letter", name="uq_class_year_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), nullable=False, index=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    grade: Mapped[int] = mapped_column(Integer, nullable=False)
    letter: Mapped[str] = mapped_column(String(4), nullable=False)

    year: Mapped[SchoolYear] = relationship()
    school: Mapped[School] = relationship()

    @property
    def name(self) -> str:
        """Return the class name as schools write it, e.g. "5А"."""
        return f"{self.grade}{self.letter}"


class Enrolment(db.Model):
    """A pupil's membership of a class for that class's year."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("class_id", "pupil_id", name="uq_enrolment_class_pupil"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), nullable=False, index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)

    school_class: Mapped[SchoolClass] = relationship()
    pupil: Mapped[Person] = relationship()


class Subject(db.Model):
    """A school subject (Математика, Русский язык, ...)."""

    __tablename__ = "subject"
    __table_args__ = (UniqueConstraint("school_id", "name", name="uq_subject_school_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    short_name: Mapped[str] = mapped_column(String(20), nullable=False)


class SubjectGroup(db.Model):
    """A teaching assignment: one subject taught to one class by one teacher."""

    __tablename__ = "subject_group"
    __table_args__ = (UniqueConstraint("class_id", "subject_id", name="uq_group_class_subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_class.id"), nullable=False, index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), nullable=False)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)

    school_class: Mapped[SchoolClass] = relationship()
    subject: Mapped[Subject] = relationship()
    teacher: Mapped[Person] = relationship()


class PersonRole(db.Model):
    """A role a person holds in a school; ``class_teacher`` roles name their class."""

    __tablename__ = "person_role"
    __table_args__ = (Index("ix_person_role_person_role", "person_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False)
    school_id: Mapped[int] = mapped_column(ForeignKey("school.id"), nullable=False)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_class.id"), index=True)

    person: Mapped[Person] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship()


class Guardian(db.Model):
    """A parent (or other legal representative) of a pupil, with contact preferences."""

    __tablename__ = "guardian"
    __table_args__ = (UniqueConstraint("parent_id", "pupil_id", name="uq_guardian_parent_pupil"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    pupil_id: Mapped[int] = mapped_column(ForeignKey("person.id"), nullable=False, index=True)
    #: мать, отец, опекун ...
    relation: Mapped[str] = mapped_column(String(20), nullable=False, default="родитель")
    data_access: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    contact_email: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    contact_sms: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    parent: Mapped[Person] = relationship(foreign_keys=[parent_id])
    pupil: Mapped[Person] = relationship(foreign_keys=[pupil_id])
