"""Who may see or change what in the diary: every page and API route asks these functions.

Rules: a parent sees only their own children (guardian links with data access); a pupil only
themself; a teacher only the subject groups they teach; a class teacher their class; the operator
their school. Past school years are read-only for everybody.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.models.journal import Mark
from rp.models.people import Person
from rp.models.school import ROLE_CLASS_TEACHER
from rp.models.school import ROLE_OPERATOR
from rp.models.school import ROLE_PARENT
from rp.models.school import ROLE_PUPIL
from rp.models.school import ROLE_TEACHER
from rp.models.school import YEAR_PAST
from rp.models.school import Enrolment
from rp.models.school import Guardian
from rp.models.school import PersonRole
from rp.models.school import SchoolClass
from rp.models.school import SchoolYear
from rp.models.school import SubjectGroup
from rp.models.timetable import Lesson


@dataclass(frozen=True)
class Viewer:
    """What a logged-in person is in the school: their roles and the objects those roles reach."""

    person_id: int
    roles: frozenset[str]
    operator_schools: frozenset[int]
    class_teacher_of: frozenset[int]
    children: tuple[int, ...]

    @property
    def is_parent(self) -> bool:
        """Return whether the person is a parent of at least one pupil."""
        return ROLE_PARENT in self.roles

    @property
    def is_pupil(self) -> bool:
        """Return whether the person is a pupil."""
        return ROLE_PUPIL in self.roles

    @property
    def is_teacher(self) -> bool:
        """Return whether the person teaches (any subject group) or is a class teacher."""
        return ROLE_TEACHER in self.roles or ROLE_CLASS_TEACHER in self.roles

    @property
    def is_operator(self) -> bool:
        """Return whether the person is a school operator."""
        return bool(self.operator_schools)


def viewer_for(session: Session, person_id: int) -> Viewer:
    """Load the roles of ``person_id`` once per request."""
    rows = session.execute(
        select(PersonRole.role, PersonRole.school_id, PersonRole.class_id).where(PersonRole.person_id == person_id)
    ).all()
    children = session.scalars(
        select(Guardian.pupil_id)
        .join(Person, Person.id == Guardian.pupil_id)
        .where(Guardian.parent_id == person_id, Guardian.data_access.is_(True))
        .order_by(Person.last_name, Person.first_name, Person.id)
    ).all()
    roles = {r.role for r in rows}
    if children:
        roles.add(ROLE_PARENT)
    return Viewer(
        person_id=person_id,
        roles=frozenset(roles),
        operator_schools=frozenset(r.school_id for r in rows if r.role == ROLE_OPERATOR),
        class_teacher_of=frozenset(r.class_id for r in rows if r.role == ROLE_CLASS_TEACHER and r.class_id),
        children=tuple(children),
    )


def visible_pupils(session: Session, viewer: Viewer) -> list[Person]:
    """Return the pupils whose diary the viewer opens from the switcher: own children, or themself."""
    ids = list(viewer.children)
    if viewer.is_pupil and viewer.person_id not in ids:
        ids.insert(0, viewer.person_id)
    if not ids:
        return []
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}
    return [people[i] for i in ids if i in people]


def _pupil_classes(session: Session, pupil_id: int) -> list[SchoolClass]:
    return list(
        session.scalars(
            select(SchoolClass)
            .join(Enrolment, Enrolment.class_id == SchoolClass.id)
            .where(Enrolment.pupil_id == pupil_id)
        )
    )


def can_view_pupil(session: Session, viewer: Viewer, pupil_id: int) -> bool:
    """Return whether the viewer may open this pupil's diary (marks, attendance, homework, reports)."""
    if pupil_id == viewer.person_id and viewer.is_pupil:
        return True
    if pupil_id in viewer.children:
        return True
    if not (viewer.class_teacher_of or viewer.operator_schools):
        return False
    for cls in _pupil_classes(session, pupil_id):
        if cls.id in viewer.class_teacher_of or cls.school_id in viewer.operator_schools:
            return True
    return False


def can_view_class(session: Session, viewer: Viewer, class_id: int) -> bool:
    """Return whether the viewer may see a whole class (sheet, messages): its class teacher or the operator."""
    if class_id in viewer.class_teacher_of:
        return True
    cls = session.get(SchoolClass, class_id)
    return cls is not None and cls.school_id in viewer.operator_schools


def can_message_class(session: Session, viewer: Viewer, class_id: int) -> bool:
    """Return whether the viewer may write to all parents of the class (class teacher, operator), current year only."""
    cls = session.get(SchoolClass, class_id)
    return cls is not None and can_view_class(session, viewer, class_id) and not year_is_archive(session, cls.year_id)


def can_view_group(session: Session, viewer: Viewer, group_id: int) -> bool:
    """Return whether the viewer may open the journal of a subject group."""
    group = session.get(SubjectGroup, group_id)
    if group is None:
        return False
    if group.teacher_id == viewer.person_id:
        return True
    return can_view_class(session, viewer, group.class_id)


def can_edit_group(session: Session, viewer: Viewer, group_id: int) -> bool:
    """Return whether the viewer may enter marks, attendance and homework: its teacher or the operator, not archive."""
    group = session.get(SubjectGroup, group_id)
    if group is None:
        return False
    cls = session.get(SchoolClass, group.class_id)
    if year_is_archive(session, cls.year_id):
        return False
    return group.teacher_id == viewer.person_id or cls.school_id in viewer.operator_schools


def can_edit_lesson(session: Session, viewer: Viewer, lesson: Lesson) -> bool:
    """Return whether the viewer may change what happened at a lesson."""
    return can_edit_group(session, viewer, lesson.group_id)


def can_manage_school(viewer: Viewer, school_id: int) -> bool:
    """Return whether the viewer operates this school (people, classes, every report)."""
    return school_id in viewer.operator_schools


def mark_editable(mark_created_at: datetime, today: date, window_days: int, by_operator: bool) -> bool:
    """Return whether a mark may still be changed: within ``window_days`` days of entry, afterwards operator only.

    A mark entered on day D may be changed by its teacher up to and including day D + window_days.
    """
    if by_operator:
        return True
    return (today - mark_created_at.date()).days <= window_days


def can_change_mark(session: Session, viewer: Viewer, mark: Mark, today: date, window_days: int) -> bool:
    """Return whether the viewer may edit or delete this mark now (group access, archive, editing window)."""
    lesson = session.get(Lesson, mark.lesson_id)
    if lesson is None or not can_edit_lesson(session, viewer, lesson):
        return False
    group = session.get(SubjectGroup, lesson.group_id)
    cls = session.get(SchoolClass, group.class_id)
    return mark_editable(mark.created_at, today, window_days, cls.school_id in viewer.operator_schools)


def year_is_archive(session: Session, year_id: int) -> bool:
    """Return whether a school year is in the archive (past, read-only)."""
    year = session.get(SchoolYear, year_id)
    return year is None or year.status == YEAR_PAST


def teacher_groups(session: Session, viewer: Viewer) -> list[SubjectGroup]:
    """Return the subject groups the viewer teaches, newest year first."""
    return list(
        session.scalars(
            select(SubjectGroup)
            .join(SchoolClass, SchoolClass.id == SubjectGroup.class_id)
            .where(SubjectGroup.teacher_id == viewer.person_id)
            .order_by(SchoolClass.year_id.desc(), SchoolClass.grade, SchoolClass.letter, SubjectGroup.id)
        )
    )


def viewable_classes(session: Session, viewer: Viewer) -> list[SchoolClass]:
    """Return the classes whose sheet and messages the viewer may open (class teacher's, operator's school)."""
    query = select(SchoolClass).order_by(SchoolClass.year_id.desc(), SchoolClass.grade, SchoolClass.letter)
    conds = []
    if viewer.class_teacher_of:
        conds.append(SchoolClass.id.in_(viewer.class_teacher_of))
    if viewer.operator_schools:
        conds.append(SchoolClass.school_id.in_(viewer.operator_schools))
    if not conds:
        return []
    from sqlalchemy import or_

    return list(session.scalars(query.where(or_(*conds))))


# The operator's forms: people, classes, news, achievements --------------------------------------------------


def managed_school(viewer: Viewer) -> int | None:
    """Return the school the operator's pages act on (the lowest id when they operate several), or None."""
    return min(viewer.operator_schools) if viewer.operator_schools else None


def can_manage_person(session: Session, viewer: Viewer, person_id: int) -> bool:
    """Return whether the viewer operates a school in which the person holds a role (edit, enrol, guardians)."""
    if not viewer.operator_schools:
        return False
    found = session.scalar(
        select(PersonRole.id)
        .where(PersonRole.person_id == person_id, PersonRole.school_id.in_(viewer.operator_schools))
        .limit(1)
    )
    return found is not None


def news_classes(session: Session, viewer: Viewer) -> list[SchoolClass]:
    """Return the current-year classes the viewer may publish class news for (operator's school, own class)."""
    from sqlalchemy import or_

    conds = []
    if viewer.class_teacher_of:
        conds.append(SchoolClass.id.in_(viewer.class_teacher_of))
    if viewer.operator_schools:
        conds.append(SchoolClass.school_id.in_(viewer.operator_schools))
    if not conds:
        return []
    return list(
        session.scalars(
            select(SchoolClass)
            .join(SchoolYear, SchoolYear.id == SchoolClass.year_id)
            .where(or_(*conds), SchoolYear.status != YEAR_PAST)
            .order_by(SchoolClass.grade, SchoolClass.letter)
        )
    )


def can_publish_news(session: Session, viewer: Viewer, school_id: int, class_id: int | None) -> bool:
    """Return whether the viewer may publish news: school news by its operator; class news also by its class teacher."""
    if class_id is None:
        return can_manage_school(viewer, school_id)
    cls = session.get(SchoolClass, class_id)
    if cls is None or cls.school_id != school_id or year_is_archive(session, cls.year_id):
        return False
    return cls.school_id in viewer.operator_schools or class_id in viewer.class_teacher_of


def can_add_achievement(session: Session, viewer: Viewer, pupil_id: int) -> bool:
    """Return whether the viewer may add a pupil's achievement: the operator, or the pupil's current class teacher."""
    if can_manage_person(session, viewer, pupil_id):
        return True
    return any(
        cls.id in viewer.class_teacher_of and not year_is_archive(session, cls.year_id)
        for cls in _pupil_classes(session, pupil_id)
    )
