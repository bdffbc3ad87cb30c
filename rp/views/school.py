"""The school operator's pages: the school at a glance, its people and its classes."""

from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy import select

from labkit.web import password_hasher
from rp.auth_session import end_sessions_of_user
from rp.domain import access
from rp.domain import people as people_domain
from rp.domain import school_admin
from rp.domain.diary import achievements_of
from rp.domain.diary import news_for
from rp.domain.people import PeopleError
from rp.domain.reports import class_pupils
from rp.extensions import db
from rp.forms.school import AchievementForm
from rp.forms.school import ClassForm
from rp.forms.school import EnrolForm
from rp.forms.school import GuardianForm
from rp.forms.school import NewsForm
from rp.forms.school import PersonForm
from rp.forms.school import TeachingForm
from rp.forms.school import show_errors
from rp.models.people import Person
from rp.models.people import User
from rp.models.school import ROLE_PARENT
from rp.models.school import ROLES
from rp.models.school import YEAR_PAST
from rp.models.school import Enrolment
from rp.models.school import Guardian
from rp.models.school import PersonRole
from rp.models.school import School
from rp.models.school import SchoolClass
from rp.models.school import SchoolYear
from rp.models.school import Subject
from rp.models.school import SubjectGroup
from rp.views.diarykit import diary_page
from rp.views.diarykit import nav_context
from rp.views.diarykit import require
from rp.views.diarykit import today
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
    """A class: its pupils and their parents with contacts and contact preferences; its subjects and teachers."""
    return _render_class(_managed_class(class_id))


def _managed_class(class_id: int) -> SchoolClass:
    cls = db.session.get(SchoolClass, class_id)
    require(cls is not None and access.can_manage_school(viewer(), cls.school_id))
    return cls


def _fill_teaching(form: TeachingForm, cls: SchoolClass) -> None:
    subjects = db.session.scalars(select(Subject).where(Subject.school_id == cls.school_id).order_by(Subject.name))
    form.subject_id.choices = [(s.id, s.name) for s in subjects]
    form.teacher_id.choices = [(t.id, t.full_name) for t in school_admin.teachers_of(db.session, cls.school_id)]


def _render_class(cls: SchoolClass, form: TeachingForm | None = None, status: int = 200):
    pupils = class_pupils(db.session, cls.id)
    guardians: dict[int, list[Guardian]] = {}
    for g in db.session.scalars(select(Guardian).where(Guardian.pupil_id.in_([p.id for p in pupils]))):
        guardians.setdefault(g.pupil_id, []).append(g)
    teacher = db.session.scalar(
        select(Person).join(PersonRole).where(PersonRole.class_id == cls.id, PersonRole.role == "class_teacher")
    )
    groups = db.session.scalars(
        select(SubjectGroup).join(Subject).where(SubjectGroup.class_id == cls.id).order_by(Subject.name)
    ).all()
    editable = cls.year.status != YEAR_PAST
    if form is None and editable:
        form = TeachingForm(formdata=None)
        _fill_teaching(form, cls)
    return render_template(
        "school/class.html",
        **nav_context(),
        cls=cls,
        pupils=pupils,
        guardians=guardians,
        teacher=teacher,
        groups=groups,
        teaching_form=form if editable else None,
    ), status


@bp.post("/school/class/<int:class_id>/teaching")
@diary_page
def assign_teacher(class_id: int):
    """Make a teacher the teacher of one subject of the class."""
    cls = _managed_class(class_id)
    if cls.year.status == YEAR_PAST:
        abort(403)
    form = TeachingForm()
    _fill_teaching(form, cls)
    if form.validate_on_submit():
        try:
            school_admin.assign_teacher(db.session, cls, form.subject_id.data, form.teacher_id.data)
            db.session.commit()
        except PeopleError as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Учитель назначен."), "success")
            return redirect(url_for("school.school_class", class_id=cls.id))
    return _render_class(db.session.get(SchoolClass, class_id), form, 400)


@bp.route("/school/classes/new", methods=["GET", "POST"])
@diary_page
def new_class():
    """Create a class in the current or the upcoming school year."""
    school = _school()
    form = ClassForm()
    years = db.session.scalars(
        select(SchoolYear)
        .where(SchoolYear.school_id == school.id, SchoolYear.status != YEAR_PAST)
        .order_by(SchoolYear.starts_on)
    )
    form.year_id.choices = [(y.id, y.title) for y in years]
    form.class_teacher_id.choices = [(0, "—")] + [
        (t.id, t.full_name) for t in school_admin.teachers_of(db.session, school.id)
    ]
    if form.validate_on_submit():
        try:
            cls = school_admin.create_class(
                db.session,
                school.id,
                form.year_id.data,
                form.grade.data,
                form.letter.data,
                form.class_teacher_id.data or None,
            )
            db.session.commit()
        except PeopleError as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Класс %(name)s создан.", name=cls.name), "success")
            return redirect(url_for("school.school_class", class_id=cls.id))
    return render_template("school/class_form.html", **nav_context(), form=form), 400 if form.errors else 200


# People -------------------------------------------------------------------------------------------------------


def _current_class_choices(school_id: int) -> list[tuple[int, str]]:
    year = people_domain.current_year(db.session, school_id)
    if year is None:
        return []
    classes = db.session.scalars(
        select(SchoolClass).where(SchoolClass.year_id == year.id).order_by(SchoolClass.grade, SchoolClass.letter)
    )
    return [(c.id, c.name) for c in classes]


def _managed_person(person_id: int) -> tuple[School, Person]:
    school = _school()
    person = db.session.get(Person, person_id)
    require(person is not None and people_domain.belongs_to_school(db.session, person_id, school.id))
    return school, person


def _save_person(form: PersonForm, school: School, person: Person | None) -> Person | None:
    """Run the create or edit operation; return the person, or None after putting the refusals on the form."""
    login = (form.login.data or "").strip() or None
    password = form.password.data or None
    try:
        data = people_domain.check_person_input(
            db.session,
            form.person_fields(),
            today(),
            person_id=person.id if person else None,
            login=login,
            password=password,
            has_login=bool(person and person.user),
        )
        password_hash = password_hasher().hash(password) if password else None
        kwargs = {"class_id": form.class_id.data or None, "login": login, "password_hash": password_hash}
        if person is None:
            person = people_domain.create_person(db.session, school.id, data, form.roles.data, **kwargs)
        else:
            people_domain.update_person(db.session, person, school.id, data, form.roles.data, **kwargs)
            if password_hash and person.user is not None:
                end_sessions_of_user(person.user.id)  # a new password: every session of the login ends
        db.session.commit()
        return person
    except PeopleError as exc:
        db.session.rollback()
        show_errors(form, exc.errors)
        return None


@bp.route("/school/people/new", methods=["GET", "POST"])
@diary_page
def new_person():
    """Create a person with roles, class and (optionally) a diary login with an initial password."""
    school = _school()
    form = PersonForm()
    form.class_id.choices = [(0, "—")] + _current_class_choices(school.id)
    if form.validate_on_submit():
        person = _save_person(form, school, None)
        if person is not None:
            flash(_("Добавлен: %(name)s.", name=person.full_name), "success")
            return redirect(url_for("school.person", person_id=person.id))
    return render_template(
        "school/person_form.html", **nav_context(), form=form, person=None
    ), 400 if form.errors else 200


def _person_class_id(person: Person, school_id: int) -> int:
    current = {cid for cid, _name in _current_class_choices(school_id)}
    for role in people_domain.roles_of(db.session, person.id, school_id):
        if role.class_id in current:
            return role.class_id
    enrolled = db.session.scalar(
        select(Enrolment.class_id).where(Enrolment.pupil_id == person.id, Enrolment.class_id.in_(current or {0}))
    )
    return enrolled or 0


@bp.route("/school/person/<int:person_id>/edit", methods=["GET", "POST"])
@diary_page
def edit_person(person_id: int):
    """Change a person's data, roles and login; a typed password replaces the old one."""
    school, person = _managed_person(person_id)
    if request.method == "POST":
        form = PersonForm()
    else:
        roles = {r.role for r in people_domain.roles_of(db.session, person.id, school.id)}
        form = PersonForm(
            data={
                "last_name": person.last_name,
                "first_name": person.first_name,
                "middle_name": person.middle_name or "",
                "gender": person.gender or "",
                "birth_date": person.birth_date.strftime("%d.%m.%Y") if person.birth_date else "",
                "snils": person.snils or "",
                "phone": person.phone or "",
                "email": person.email or "",
                "roles": [r for r in people_domain.ASSIGNABLE_ROLES if r in roles],
                "class_id": _person_class_id(person, school.id),
                "login": person.user.login if person.user else "",
            }
        )
    form.class_id.choices = [(0, "—")] + _current_class_choices(school.id)
    if form.validate_on_submit():
        if _save_person(form, school, person) is not None:
            flash(_("Изменения сохранены."), "success")
            return redirect(url_for("school.person", person_id=person_id))
        person = db.session.get(Person, person_id)
    return render_template(
        "school/person_form.html", **nav_context(), form=form, person=person
    ), 400 if form.errors else 200


def _render_person(
    school: School,
    person: Person,
    enrol_form: EnrolForm | None = None,
    guardian_form: GuardianForm | None = None,
    status: int = 200,
):
    roles = people_domain.roles_of(db.session, person.id, school.id)
    is_pupil = any(r.role == "pupil" for r in roles)
    enrol_form = enrol_form or EnrolForm(formdata=None)
    enrol_form.enrol_class.choices = _current_class_choices(school.id)
    guardian_form = guardian_form or GuardianForm(formdata=None)
    _fill_guardian(guardian_form, school, person)
    classes = db.session.scalars(
        select(SchoolClass)
        .join(Enrolment, Enrolment.class_id == SchoolClass.id)
        .where(Enrolment.pupil_id == person.id)
        .order_by(SchoolClass.year_id.desc())
    ).all()
    current_year = people_domain.current_year(db.session, school.id)
    return render_template(
        "school/person.html",
        **nav_context(),
        person=person,
        roles=roles,
        is_pupil=is_pupil,
        classes=classes,
        enrolled_now=any(current_year and c.year_id == current_year.id for c in classes),
        parents=db.session.scalars(select(Guardian).where(Guardian.pupil_id == person.id)).all(),
        children=db.session.scalars(select(Guardian).where(Guardian.parent_id == person.id)).all(),
        achievements=achievements_of(db.session, person.id) if is_pupil else [],
        enrol_form=enrol_form,
        guardian_form=guardian_form,
    ), status


def _fill_guardian(form: GuardianForm, school: School, pupil: Person) -> None:
    parents = people_domain.list_people(db.session, school.id, ROLE_PARENT)
    form.parent_id.choices = [(p.id, p.full_name) for p in parents if p.id != pupil.id]


@bp.get("/school/person/<int:person_id>")
@diary_page
def person(person_id: int):
    """A person's card: data, roles, login and state links, classes, parents or children, achievements."""
    school, found = _managed_person(person_id)
    return _render_person(school, found)


@bp.post("/school/person/<int:person_id>/enrol")
@diary_page
def enrol(person_id: int):
    """Enrol the pupil in a class of the current year."""
    school, pupil = _managed_person(person_id)
    form = EnrolForm()
    form.enrol_class.choices = _current_class_choices(school.id)
    if form.validate_on_submit():
        try:
            people_domain.enrol(db.session, pupil, db.session.get(SchoolClass, form.enrol_class.data))
            db.session.commit()
        except PeopleError as exc:
            db.session.rollback()
            show_errors(form, exc.errors, {"class_id": "enrol_class"})
        else:
            flash(_("Ученик зачислен."), "success")
            return redirect(url_for("school.person", person_id=person_id))
    return _render_person(school, db.session.get(Person, person_id), enrol_form=form, status=400)


@bp.post("/school/person/<int:person_id>/guardians")
@diary_page
def add_guardian(person_id: int):
    """Link a parent to the pupil with their contact preferences."""
    school, pupil = _managed_person(person_id)
    form = GuardianForm()
    _fill_guardian(form, school, pupil)
    if form.validate_on_submit():
        try:
            if not any(r.role == "pupil" for r in people_domain.roles_of(db.session, pupil.id, school.id)):
                raise PeopleError({"parent_id": "not_a_pupil"})
            people_domain.link_guardian(
                db.session,
                db.session.get(Person, form.parent_id.data),
                pupil,
                relation=form.relation.data,
                contact_email=form.contact_email.data,
                contact_sms=form.contact_sms.data,
                school_id=school.id,
            )
            db.session.commit()
        except PeopleError as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Родитель привязан."), "success")
            return redirect(url_for("school.person", person_id=person_id))
    return _render_person(school, db.session.get(Person, person_id), guardian_form=form, status=400)


# News and achievements (the operator, and the class teacher for their class) ------------------------------------


@bp.route("/school/news", methods=["GET", "POST"])
@diary_page
def news():
    """Publish school news (operator) or class news (operator, the class teacher for their class)."""
    who = viewer()
    classes = access.news_classes(db.session, who)
    require(who.is_operator or bool(classes))
    form = NewsForm()
    form.target.choices = ([(0, _("Вся школа"))] if who.is_operator else []) + [
        (c.id, _("Класс %(name)s", name=c.name)) for c in classes
    ]
    if form.validate_on_submit():
        class_id = form.target.data or None
        cls = db.session.get(SchoolClass, class_id) if class_id else None
        school_id = cls.school_id if cls else access.managed_school(who)
        if not access.can_publish_news(db.session, who, school_id, class_id):
            abort(403)
        try:
            school_admin.publish_news(
                db.session, school_id, class_id, who.person_id, form.title.data, form.body.data, today()
            )
            db.session.commit()
        except PeopleError as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Новость опубликована."), "success")
            return redirect(url_for("school.news"))
    school_ids = {c.school_id for c in classes} | set(who.operator_schools)
    items = news_for(db.session, school_ids, {c.id for c in classes}, limit=10)
    return render_template("school/news.html", **nav_context(), form=form, items=items), 400 if form.errors else 200


@bp.route("/school/pupil/<int:pupil_id>/achievements/new", methods=["GET", "POST"])
@diary_page
def new_achievement(pupil_id: int):
    """Add a pupil's olympiad, contest or sport result (operator, the pupil's class teacher)."""
    require(access.can_add_achievement(db.session, viewer(), pupil_id))
    pupil = db.session.get(Person, pupil_id)
    form = AchievementForm()
    if form.validate_on_submit():
        try:
            try:
                held_on = people_domain.parse_date(form.held_on.data)
            except ValueError:
                raise PeopleError({"held_on": "date_format"}) from None
            school_admin.add_achievement(
                db.session,
                pupil_id,
                form.kind.data,
                form.title.data,
                form.level.data,
                form.result.data,
                held_on,
                today(),
            )
            db.session.commit()
        except PeopleError as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Достижение добавлено."), "success")
            return redirect(url_for("school.new_achievement", pupil_id=pupil_id))
    return render_template(
        "school/achievement_form.html",
        **nav_context(),
        form=form,
        pupil=pupil,
        items=achievements_of(db.session, pupil_id),
    ), 400 if form.errors else 200
