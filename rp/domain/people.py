"""The school's people: personal data rules, roles, diary logins, enrolment and guardians. No Flask.

Functions add and flush but never commit: the caller (a view or a command) commits once per operation.
Refusals raise :class:`PeopleError` carrying ``{field: code}``; nothing is written then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from rp.domain.passwords import password_problem
from rp.models.linking import LinkingRecord
from rp.models.people import Identity
from rp.models.people import Person
from rp.models.people import User
from rp.models.school import ROLE_CLASS_TEACHER
from rp.models.school import ROLE_OPERATOR
from rp.models.school import ROLE_PARENT
from rp.models.school import ROLE_PUPIL
from rp.models.school import ROLE_TEACHER
from rp.models.school import YEAR_CURRENT
from rp.models.school import Enrolment
from rp.models.school import Guardian
from rp.models.school import PersonRole
from rp.models.school import SchoolClass
from rp.models.school import SchoolYear
from shared import validators
from shared.i18n import N_

#: Roles the operator hands out (the operator role itself is not given from these forms).
ASSIGNABLE_ROLES = (ROLE_PUPIL, ROLE_PARENT, ROLE_TEACHER, ROLE_CLASS_TEACHER)
#: A diary login: Latin letters, digits, dot, hyphen, underscore; starts with a letter or digit.
LOGIN_RULE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{2,63}$")
#: Guardian relations offered by the forms.
RELATIONS = (N_("мать"), N_("отец"), N_("опекун"), N_("родитель"))
#: The outcome written to the linking log when an operator removes a Gosuslugi link.
OUTCOME_OPERATOR_UNLINK = "unlinked_by_operator"


class PeopleError(ValueError):
    """An operation was refused; ``errors`` maps a field name to a rule code."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class PersonData:
    """Checked and normalised personal data of one person."""

    last_name: str
    first_name: str
    middle_name: str | None
    gender: str
    birth_date: date
    snils: str | None
    phone: str | None
    email: str | None


def parse_date(text: str) -> date | None:
    """Return a date typed as YYYY-MM-DD or DD.MM.YYYY (None when blank); raise ValueError otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", text):
        day, month, year = (int(x) for x in text.split("."))
        return date(year, month, day)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return date.fromisoformat(text)


def normalize_person(
    raw: Mapping[str, Any], today: date, session: Session | None = None, person_id: int | None = None
) -> PersonData:
    """Check the typed personal data field by field; raise :class:`PeopleError` with every failing field.

    ``raw`` holds last_name, first_name, middle_name (blank = none), gender (M/F), birth_date (date or
    ISO text), snils, phone, email (blank = not given). With a ``session`` a SNILS already held by another
    person (not ``person_id``) is refused as ``snils_taken``.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, required in (("last_name", True), ("first_name", True), ("middle_name", False)):
        try:
            values[field] = validators.normalize_person_name(raw.get(field) or "", required=required) or None
        except validators.ValidationError as exc:
            errors[field] = exc.code
    gender = (raw.get("gender") or "").strip().upper()
    if gender not in ("M", "F"):
        errors["gender"] = "gender_required"
    values["gender"] = gender
    birth = raw.get("birth_date")
    if isinstance(birth, str):
        try:
            birth = parse_date(birth)
        except ValueError:
            errors["birth_date"] = "date_format"
            birth = None
    if birth is None:
        errors.setdefault("birth_date", "date_required")
    else:
        try:
            validators.check_birth_date(birth, today)
        except validators.ValidationError as exc:
            errors["birth_date"] = exc.code
    values["birth_date"] = birth
    for field, normalize in (
        ("snils", validators.canonical_snils),
        ("phone", validators.normalize_phone),
        ("email", validators.normalize_email),
    ):
        text = (raw.get(field) or "").strip()
        values[field] = None
        if text:
            try:
                values[field] = normalize(text)
            except validators.ValidationError as exc:
                errors[field] = exc.code
    if session is not None and values["snils"] and "snils" not in errors:
        holder = session.scalar(select(Person.id).where(Person.snils == values["snils"]).limit(1))
        if holder is not None and holder != person_id:
            errors["snils"] = "snils_taken"
    if errors:
        raise PeopleError(errors)
    return PersonData(**values)


def login_problem(session: Session, login: str, user_id: int | None = None) -> str | None:
    """Return why ``login`` cannot be used (``login_format`` or ``login_taken``), or None."""
    if not LOGIN_RULE.match(login or ""):
        return "login_format"
    holder = session.scalar(select(User.id).where(func.lower(User.login) == login.lower()))
    if holder is not None and holder != user_id:
        return "login_taken"
    return None


def check_person_input(
    session: Session,
    raw: Mapping[str, Any],
    today: date,
    *,
    person_id: int | None = None,
    login: str | None = None,
    password: str | None = None,
    has_login: bool = False,
) -> PersonData:
    """Check personal data, login and password together; raise :class:`PeopleError` with every failing field.

    A new login needs a password unless the person already has one (``has_login``); a password needs a login.
    """
    errors: dict[str, str] = {}
    data = None
    try:
        data = normalize_person(raw, today, session, person_id)
    except PeopleError as exc:
        errors.update(exc.errors)
    user_id = session.scalar(select(User.id).where(User.person_id == person_id)) if person_id else None
    if login:
        problem = login_problem(session, login, user_id)
        if problem:
            errors["login"] = problem
        elif not password and not has_login:
            errors["password"] = "password_required"
    elif password:
        errors["login"] = "login_required"
    if password:
        problem = password_problem(password)
        if problem:
            errors["password"] = problem
    if errors:
        raise PeopleError(errors)
    return data


def current_year(session: Session, school_id: int) -> SchoolYear | None:
    """Return the school's current year, or None."""
    return session.scalar(
        select(SchoolYear).where(SchoolYear.school_id == school_id, SchoolYear.status == YEAR_CURRENT).limit(1)
    )


def class_by_name(session: Session, school_id: int, name: str) -> SchoolClass | None:
    """Return the current-year class called e.g. "5А" (a Latin A is read as Cyrillic А), or None."""
    year = current_year(session, school_id)
    match = re.fullmatch(r"\s*(\d{1,2})\s*([^\d\s]{1,4})\s*", name or "")
    if year is None or match is None:
        return None
    letter = match.group(2).upper().translate(str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ"))
    return session.scalar(
        select(SchoolClass).where(
            SchoolClass.year_id == year.id, SchoolClass.grade == int(match.group(1)), SchoolClass.letter == letter
        )
    )


def roles_of(session: Session, person_id: int, school_id: int) -> list[PersonRole]:
    """Return a person's roles in a school."""
    return list(
        session.scalars(
            select(PersonRole)
            .where(PersonRole.person_id == person_id, PersonRole.school_id == school_id)
            .order_by(PersonRole.id)
        )
    )


def belongs_to_school(session: Session, person_id: int, school_id: int) -> bool:
    """Return whether a person holds any role in the school."""
    return (
        session.scalar(
            select(PersonRole.id).where(PersonRole.person_id == person_id, PersonRole.school_id == school_id).limit(1)
        )
        is not None
    )


def _class_teacher_of(session: Session, class_id: int) -> int | None:
    return session.scalar(
        select(PersonRole.person_id).where(PersonRole.class_id == class_id, PersonRole.role == ROLE_CLASS_TEACHER)
    )


def _check_class(session: Session, school_id: int, class_id: int | None) -> SchoolClass:
    cls = session.get(SchoolClass, class_id) if class_id else None
    if cls is None or cls.school_id != school_id:
        raise PeopleError({"class_id": "class_unknown"})
    if cls.year.status != YEAR_CURRENT:
        raise PeopleError({"class_id": "class_not_current"})
    return cls


def set_roles(
    session: Session, person: Person, school_id: int, roles: Iterable[str], class_id: int | None = None
) -> None:
    """Make the person's assignable roles in the school exactly ``roles`` (the operator role is kept).

    ``class_teacher`` needs ``class_id`` (a current-year class without another class teacher); ``pupil``
    with a ``class_id`` enrols the pupil there. Past years' class-teacher roles are kept.
    """
    wanted = set(roles)
    unknown = wanted - set(ASSIGNABLE_ROLES)
    if unknown or not wanted:
        raise PeopleError({"roles": "role_unknown" if unknown else "role_required"})
    if ROLE_PUPIL in wanted and wanted & {ROLE_TEACHER, ROLE_CLASS_TEACHER, ROLE_PARENT}:
        raise PeopleError({"roles": "pupil_and_adult"})
    cls = None
    if ROLE_CLASS_TEACHER in wanted or (ROLE_PUPIL in wanted and class_id):
        cls = _check_class(session, school_id, class_id)
    if ROLE_CLASS_TEACHER in wanted:
        holder = _class_teacher_of(session, cls.id)
        if holder is not None and holder != person.id:
            raise PeopleError({"class_id": "class_has_teacher"})
    if ROLE_CLASS_TEACHER in wanted:
        # A class teacher teaches: the teacher role opens the journal.
        wanted.add(ROLE_TEACHER)
    kept: set[tuple[str, int | None]] = set()
    for role in roles_of(session, person.id, school_id):
        past_class = role.school_class is not None and role.school_class.year.status != YEAR_CURRENT
        if role.role == ROLE_OPERATOR or (role.role == ROLE_CLASS_TEACHER and past_class):
            continue
        if role.role in wanted and (role.role != ROLE_CLASS_TEACHER or role.class_id == cls.id):
            kept.add((role.role, role.class_id))
        else:
            session.delete(role)
    for role in sorted(wanted):
        key_class = cls.id if role == ROLE_CLASS_TEACHER else None
        if (role, key_class) not in kept:
            session.add(PersonRole(person_id=person.id, school_id=school_id, role=role, class_id=key_class))
    session.flush()
    if ROLE_PUPIL in wanted and cls is not None:
        enrol(session, person, cls)


def _apply(person: Person, data: PersonData) -> None:
    for field, value in data.__dict__.items():
        setattr(person, field, value)


def _check_login(session: Session, login: str | None, user: User | None, password_hash: str | None) -> None:
    """Refuse an unusable ``login`` (other than ``user``'s own), or a new login without a password."""
    if not login:
        return
    problem = login_problem(session, login, user.id if user else None)
    if problem:
        raise PeopleError({"login": problem})
    if user is None and not password_hash:
        raise PeopleError({"password": "password_required"})


def create_person(
    session: Session,
    school_id: int,
    data: PersonData,
    roles: Iterable[str],
    *,
    class_id: int | None = None,
    login: str | None = None,
    password_hash: str | None = None,
) -> Person:
    """Create a person with roles in the school (and a diary login when ``login`` is given); flush, no commit."""
    _check_login(session, login, None, password_hash)
    person = Person()
    _apply(person, data)
    session.add(person)
    session.flush()
    set_roles(session, person, school_id, roles, class_id)
    if login:
        session.add(User(person_id=person.id, login=login, password_hash=password_hash))
        session.flush()
    return person


def update_person(
    session: Session,
    person: Person,
    school_id: int,
    data: PersonData,
    roles: Iterable[str],
    *,
    class_id: int | None = None,
    login: str | None = None,
    password_hash: str | None = None,
) -> Person:
    """Change a person's data, roles and login; a new ``password_hash`` replaces the password; flush, no commit."""
    user = person.user
    _check_login(session, login, user, password_hash)
    set_roles(session, person, school_id, roles, class_id)
    _apply(person, data)
    if login:
        if user is None:
            session.add(User(person_id=person.id, login=login, password_hash=password_hash))
        else:
            user.login = login
            if password_hash:
                user.password_hash = password_hash
                user.failed_logins, user.locked_until = 0, None
    session.flush()
    return person


def enrol(session: Session, pupil: Person, cls: SchoolClass) -> Enrolment:
    """Enrol a pupil in a current-year class (again is a no-op); one class per year (``already_enrolled`` else)."""
    if cls.year.status != YEAR_CURRENT:
        raise PeopleError({"class_id": "class_not_current"})
    if not any(r.role == ROLE_PUPIL for r in roles_of(session, pupil.id, cls.school_id)):
        raise PeopleError({"class_id": "not_a_pupil"})
    other = session.scalar(
        select(SchoolClass)
        .join(Enrolment, Enrolment.class_id == SchoolClass.id)
        .where(Enrolment.pupil_id == pupil.id, SchoolClass.year_id == cls.year_id)
    )
    if other is not None and other.id == cls.id:
        return session.scalar(select(Enrolment).where(Enrolment.class_id == cls.id, Enrolment.pupil_id == pupil.id))
    if other is not None:
        raise PeopleError({"class_id": "already_enrolled"})
    enrolment = Enrolment(class_id=cls.id, pupil_id=pupil.id)
    session.add(enrolment)
    session.flush()
    return enrolment


def link_guardian(
    session: Session,
    parent: Person,
    pupil: Person,
    *,
    relation: str,
    contact_email: bool,
    contact_sms: bool,
    school_id: int,
) -> Guardian:
    """Make ``parent`` a guardian of ``pupil`` with the contact preferences; the parent role is added if missing."""
    if parent.id == pupil.id:
        raise PeopleError({"parent_id": "guardian_self"})
    if relation not in RELATIONS:
        raise PeopleError({"relation": "relation_unknown"})
    if not (contact_email or contact_sms):
        raise PeopleError({"contact_email": "contact_required"})
    if contact_email and not parent.email:
        raise PeopleError({"contact_email": "parent_no_email"})
    if contact_sms and not parent.phone:
        raise PeopleError({"contact_sms": "parent_no_phone"})
    roles = {r.role for r in roles_of(session, parent.id, school_id)}
    if ROLE_PUPIL in roles:
        raise PeopleError({"parent_id": "parent_is_pupil"})
    exists = session.scalar(select(Guardian).where(Guardian.parent_id == parent.id, Guardian.pupil_id == pupil.id))
    if exists is not None:
        raise PeopleError({"parent_id": "guardian_exists"})
    if ROLE_PARENT not in roles:
        session.add(PersonRole(person_id=parent.id, school_id=school_id, role=ROLE_PARENT))
    guardian = Guardian(
        parent_id=parent.id,
        pupil_id=pupil.id,
        relation=relation,
        data_access=True,
        contact_email=contact_email,
        contact_sms=contact_sms,
    )
    session.add(guardian)
    session.flush()
    return guardian


def list_people(session: Session, school_id: int | None = None, role: str | None = None) -> list[Person]:
    """Return the people holding roles (of ``role`` if given) in the school (every school when None)."""
    query = select(Person).join(PersonRole, PersonRole.person_id == Person.id).distinct()
    if school_id is not None:
        query = query.where(PersonRole.school_id == school_id)
    if role:
        query = query.where(PersonRole.role == role)
    return list(session.scalars(query.order_by(Person.last_name, Person.first_name, Person.id)))


def person_as_dict(session: Session, person: Person) -> dict[str, Any]:
    """Return a person as the JSON the CLI prints: data, roles, classes, guardians, login and state identities."""
    roles = session.scalars(select(PersonRole).where(PersonRole.person_id == person.id).order_by(PersonRole.id))
    classes = session.scalars(
        select(SchoolClass)
        .join(Enrolment, Enrolment.class_id == SchoolClass.id)
        .where(Enrolment.pupil_id == person.id)
        .order_by(SchoolClass.year_id)
    )
    children = session.scalars(select(Guardian).where(Guardian.parent_id == person.id).order_by(Guardian.id))
    parents = session.scalars(select(Guardian).where(Guardian.pupil_id == person.id).order_by(Guardian.id))
    user = person.user
    return {
        "id": person.id,
        "full_name": person.full_name,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "snils": person.snils,
        "phone": person.phone,
        "email": person.email,
        "roles": [
            {"role": r.role, "school_id": r.school_id, "class": r.school_class.name if r.school_class else None}
            for r in roles
        ],
        "classes": [{"id": c.id, "name": c.name, "year": c.year.title} for c in classes],
        "children": [{"id": g.pupil_id, "full_name": g.pupil.full_name, "relation": g.relation} for g in children],
        "parents": [
            {
                "id": g.parent_id,
                "full_name": g.parent.full_name,
                "relation": g.relation,
                "contact_email": g.contact_email,
                "contact_sms": g.contact_sms,
            }
            for g in parents
        ],
        "login": user.login if user else None,
        "identities": [
            {"issuer": i.issuer, "subject": i.subject, "linked_at": i.created_at.isoformat()}
            for i in (user.identities if user else [])
        ],
    }


def unlink_by_operator(session: Session, user: User, operator: str) -> list[Identity]:
    """Remove every Gosuslugi link of a diary login and record it in the linking log; flush, no commit."""
    removed = list(user.identities)
    for identity in removed:
        session.add(
            LinkingRecord(
                issuer=identity.issuer,
                subject=identity.subject,
                outcome=OUTCOME_OPERATOR_UNLINK,
                detail=f"diary login {user.login!r} unlinked from {identity.subject!r} by {operator}",
                user_id=user.id,
            )
        )
        session.delete(identity)
    session.flush()
    return removed
