"""The school operator's pages: the school at a glance, its people and its classes."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template
from flask import request
from sqlalchemy import func
from sqlalchemy import select

from rp.domain import access
from rp.domain.reports import class_pupils
from rp.extensions import db
from rp.models.people import Person
from rp.models.people import User
from rp.models.school import ROLES
from rp.models.school import Enrolment
from rp.models.school import Guardian
from rp.models.school import PersonRole
from rp.models.school import School
from rp.models.school import SchoolClass
from rp.models.school import SchoolYear
from rp.views.diarykit import diary_page
from rp.views.diarykit import nav_context
from rp.views.diarykit import require
from rp.views.diarykit import viewer

bp = Blueprint("school", __name__)
PAGE_SIZE = 100


def _school() -> School:
    who = viewer()
    require(who.is_operator)
    return db.session.get(School, min(who.operator_schools))


@bp.get("/school")
@diary_page
def index():
    """The operator's school: years and classes with their sizes."""
    school = _school()
    years = db.session.scalars(
        select(SchoolYear).where(SchoolYear.school_id == school.id).order_by(SchoolYear.starts_on.desc())
    ).all()
    sizes = dict(
        db.session.execute(
            select(Enrolment.class_id, func.count())
            .join(SchoolClass)
            .where(SchoolClass.school_id == school.id)
            .group_by(Enrolment.class_id)
        ).all()
    )
    classes = db.session.scalars(
        select(SchoolClass).where(SchoolClass.school_id == school.id).order_by(SchoolClass.grade, SchoolClass.letter)
    ).all()
    return render_template(
        "school/index.html", **nav_context(), school=school, years=years, classes=classes, sizes=sizes
    )


@bp.get("/school/people")
@diary_page
def people():
    """The school's people with their roles and logins, filtered by role."""
    school = _school()
    role = request.args.get("role")
    page = max(request.args.get("page", 1, type=int), 1)
    query = (
        select(Person, User.login)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .outerjoin(User, User.person_id == Person.id)
        .where(PersonRole.school_id == school.id)
        .distinct()
        .order_by(Person.last_name, Person.first_name, Person.id)
    )
    if role in ROLES:
        query = query.where(PersonRole.role == role)
    rows = db.session.execute(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    ids = [p.id for p, _ in rows]
    roles: dict[int, set[str]] = {}
    for pid, r in db.session.execute(
        select(PersonRole.person_id, PersonRole.role).where(PersonRole.person_id.in_(ids))
    ):
        roles.setdefault(pid, set()).add(r)
    return render_template(
        "school/people.html",
        **nav_context(),
        school=school,
        rows=rows[:PAGE_SIZE],
        roles=roles,
        role=role,
        all_roles=ROLES,
        page=page,
        has_more=len(rows) > PAGE_SIZE,
    )


@bp.get("/school/class/<int:class_id>")
@diary_page
def school_class(class_id: int):
    """A class: its pupils and their parents with contacts and contact preferences."""
    cls = db.session.get(SchoolClass, class_id)
    require(cls is not None and access.can_manage_school(viewer(), cls.school_id))
    pupils = class_pupils(db.session, class_id)
    guardians: dict[int, list[Guardian]] = {}
    for g in db.session.scalars(select(Guardian).where(Guardian.pupil_id.in_([p.id for p in pupils]))):
        guardians.setdefault(g.pupil_id, []).append(g)
    teacher = db.session.scalar(
        select(Person).join(PersonRole).where(PersonRole.class_id == class_id, PersonRole.role == "class_teacher")
    )
    return render_template(
        "school/class.html", **nav_context(), cls=cls, pupils=pupils, guardians=guardians, teacher=teacher
    )
