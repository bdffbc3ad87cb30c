"""The operator's school work: classes, teaching assignments, news and achievements. No Flask.

Functions add and flush but never commit: the caller commits once per operation. Refusals raise
:class:`rp.domain.people.PeopleError` with ``{field: code}``.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.domain.people import PeopleError
from rp.domain.people import roles_of
from rp.models.comms import Achievement
from rp.models.comms import News
from rp.models.people import Person
from rp.models.school import ROLE_CLASS_TEACHER
from rp.models.school import ROLE_PUPIL
from rp.models.school import ROLE_TEACHER
from rp.models.school import YEAR_PAST
from rp.models.school import PersonRole
from rp.models.school import SchoolClass
from rp.models.school import SchoolYear
from rp.models.school import Subject
from rp.models.school import SubjectGroup

ACHIEVEMENT_KINDS = ("olympiad", "contest", "sport")
ACHIEVEMENT_LEVELS = ("school", "municipal", "regional", "federal", "international")
ACHIEVEMENT_RESULTS = ("winner", "prize", "participant")
#: A class letter: one or two Cyrillic capitals (Latin look-alikes are read as Cyrillic).
_LETTER = re.compile(r"^[А-ЯЁ]{1,2}$")
_LOOKALIKES = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")


def normalize_letter(raw: str) -> str:
    """Return a class letter in Cyrillic capitals, or raise :class:`PeopleError` (``letter_format``)."""
    text = (raw or "").strip().upper().translate(_LOOKALIKES)
    if not _LETTER.match(text):
        raise PeopleError({"letter": "letter_format"})
    return text


def _is_teacher(session: Session, person_id: int, school_id: int) -> bool:
    return any(r.role in (ROLE_TEACHER, ROLE_CLASS_TEACHER) for r in roles_of(session, person_id, school_id))


def create_class(
    session: Session, school_id: int, year_id: int, grade: int, letter: str, class_teacher_id: int | None = None
) -> SchoolClass:
    """Create a class in a current or upcoming year of the school, optionally with its class teacher."""
    year = session.get(SchoolYear, year_id)
    if year is None or year.school_id != school_id:
        raise PeopleError({"year_id": "year_unknown"})
    if year.status == YEAR_PAST:
        raise PeopleError({"year_id": "year_archived"})
    if not 1 <= grade <= 11:
        raise PeopleError({"grade": "grade_range"})
    letter = normalize_letter(letter)
    clash = session.scalar(
        select(SchoolClass.id).where(
            SchoolClass.year_id == year.id, SchoolClass.grade == grade, SchoolClass.letter == letter
        )
    )
    if clash is not None:
        raise PeopleError({"letter": "class_exists"})
    if class_teacher_id is not None and not _is_teacher(session, class_teacher_id, school_id):
        raise PeopleError({"class_teacher_id": "not_a_teacher"})
    cls = SchoolClass(school_id=school_id, year_id=year.id, grade=grade, letter=letter)
    session.add(cls)
    session.flush()
    if class_teacher_id is not None:
        session.add(
            PersonRole(person_id=class_teacher_id, school_id=school_id, role=ROLE_CLASS_TEACHER, class_id=cls.id)
        )
        session.flush()
    return cls


def assign_teacher(session: Session, cls: SchoolClass, subject_id: int, teacher_id: int) -> SubjectGroup:
    """Make ``teacher_id`` the teacher of the class's subject (creating the subject group or replacing its teacher)."""
    if cls.year.status == YEAR_PAST:
        raise PeopleError({"subject_id": "year_archived"})
    subject = session.get(Subject, subject_id)
    if subject is None or subject.school_id != cls.school_id:
        raise PeopleError({"subject_id": "subject_unknown"})
    if not _is_teacher(session, teacher_id, cls.school_id):
        raise PeopleError({"teacher_id": "not_a_teacher"})
    group = session.scalar(
        select(SubjectGroup).where(SubjectGroup.class_id == cls.id, SubjectGroup.subject_id == subject_id)
    )
    if group is None:
        group = SubjectGroup(class_id=cls.id, subject_id=subject_id, teacher_id=teacher_id)
        session.add(group)
    else:
        group.teacher_id = teacher_id
    session.flush()
    return group


def teachers_of(session: Session, school_id: int) -> list[Person]:
    """Return the school's teachers (and class teachers), by name."""
    return list(
        session.scalars(
            select(Person)
            .join(PersonRole, PersonRole.person_id == Person.id)
            .where(PersonRole.school_id == school_id, PersonRole.role.in_((ROLE_TEACHER, ROLE_CLASS_TEACHER)))
            .distinct()
            .order_by(Person.last_name, Person.first_name, Person.id)
        )
    )


def publish_news(
    session: Session, school_id: int, class_id: int | None, author_id: int, title: str, body: str, today: date
) -> News:
    """Publish a news item for the whole school (``class_id`` None) or one of its current classes."""
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = "required"
    if not body:
        errors["body"] = "required"
    if class_id is not None:
        cls = session.get(SchoolClass, class_id)
        if cls is None or cls.school_id != school_id or cls.year.status == YEAR_PAST:
            errors["target"] = "class_unknown"
    if errors:
        raise PeopleError(errors)
    news = News(school_id=school_id, class_id=class_id, author_id=author_id, title=title, body=body, published_on=today)
    session.add(news)
    session.flush()
    return news


def add_achievement(
    session: Session, pupil_id: int, kind: str, title: str, level: str, result: str, held_on: date, today: date
) -> Achievement:
    """Record a pupil's olympiad, contest or sport result (not in the future)."""
    errors = {}
    if kind not in ACHIEVEMENT_KINDS:
        errors["kind"] = "choice"
    if level not in ACHIEVEMENT_LEVELS:
        errors["level"] = "choice"
    if result not in ACHIEVEMENT_RESULTS:
        errors["result"] = "choice"
    if not (title or "").strip():
        errors["title"] = "required"
    if held_on > today:
        errors["held_on"] = "date_in_future"
    is_pupil = select(PersonRole.id).where(PersonRole.person_id == pupil_id, PersonRole.role == ROLE_PUPIL).limit(1)
    if session.scalar(is_pupil) is None:
        errors["pupil"] = "not_a_pupil"
    if errors:
        raise PeopleError(errors)
    item = Achievement(pupil_id=pupil_id, kind=kind, title=title.strip(), level=level, result=result, held_on=held_on)
    session.add(item)
    session.flush()
    return item
