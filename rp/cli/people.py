"""``fedlab rp people ...`` (or ``person``) and ``fedlab rp link remove``: the people and their Gosuslugi links."""

from __future__ import annotations

from datetime import date

import click

from labkit.cliutil import emit
from labkit.cliutil import fail
from labkit.cliutil import in_app_of

in_app = in_app_of("rp:create_app")

CLI_ROLES = ("pupil", "parent", "teacher")


def _today() -> date:
    from rp.views.diarykit import today

    return today()


def _school_id(session, school_id: int | None, as_json: bool) -> int:
    from sqlalchemy import select

    from rp.models.school import School

    query = select(School.id).order_by(School.id)
    if school_id is not None:
        query = query.where(School.id == school_id)
    found = session.scalar(query.limit(1))
    if found is None:
        fail("no such school" if school_id is not None else "no school yet: run `fedlab setup`", as_json=as_json)
    return found


def _user_or_fail(login: str, as_json: bool):
    """Return the diary login ``login``, or stop the command saying there is none."""
    from rp.domain.logins import find_user
    from rp.extensions import db

    user = find_user(db.session, login)
    if user is None:
        fail(f"no diary login {login!r}", as_json=as_json)
    return user


def _line(data: dict) -> str:
    roles = ",".join(r["role"] + (f":{r['class']}" if r["class"] else "") for r in data["roles"])
    linked = " linked" if data["identities"] else ""
    return f"{data['id']}\t{data['full_name']}\t{data['birth_date'] or ''}\t{roles}\t{data['login'] or '-'}{linked}"


@click.group("people")
def people_group() -> None:
    """The school's people: pupils, parents, teachers and their diary logins."""


@people_group.command("list")
@click.option("--role", type=click.Choice(["operator", "teacher", "class_teacher", "parent", "pupil"]))
@click.option("--school", "school_id", type=int, default=None, help="School id (default: the first school).")
@click.option("--json", "as_json", is_flag=True)
@in_app
def people_list(role, school_id, as_json) -> None:
    """List the school's people (with a role, if given)."""
    from rp.domain.people import list_people
    from rp.domain.people import person_as_dict
    from rp.extensions import db

    sid = _school_id(db.session, school_id, as_json)
    data = [person_as_dict(db.session, p) for p in list_people(db.session, sid, role)]
    emit(data, as_json, "\n".join(_line(d) for d in data) or "no people")


@people_group.command("create")
@click.option("--last-name", required=True)
@click.option("--first-name", required=True)
@click.option("--middle-name", default="", help="Patronymic; leave out when the person has none.")
@click.option("--gender", required=True, type=click.Choice(["M", "F"], case_sensitive=False))
@click.option("--birth-date", required=True, metavar="YYYY-MM-DD")
@click.option("--snils", default="")
@click.option("--phone", default="")
@click.option("--email", default="")
@click.option("--role", required=True, type=click.Choice(CLI_ROLES))
@click.option("--class", "class_name", default=None, help='Enrol a pupil in this current-year class, e.g. "5А".')
@click.option("--login", default=None, help="A diary login to create.")
@click.option("--password", default=None, help="Its initial password: 6+ digits or Latin letters.")
@click.option("--school", "school_id", type=int, default=None, help="School id (default: the first school).")
@click.option("--json", "as_json", is_flag=True)
@in_app
def people_create(
    last_name,
    first_name,
    middle_name,
    gender,
    birth_date,
    snils,
    phone,
    email,
    role,
    class_name,
    login,
    password,
    school_id,
    as_json,
) -> None:
    """Create a person with one role (a pupil optionally enrolled in a class) and optionally a diary login."""
    from labkit.web import password_hasher
    from rp.domain.people import PeopleError
    from rp.domain.people import check_person_input
    from rp.domain.people import class_by_name
    from rp.domain.people import create_person
    from rp.domain.people import person_as_dict
    from rp.extensions import db

    sid = _school_id(db.session, school_id, as_json)
    raw = {
        "last_name": last_name,
        "first_name": first_name,
        "middle_name": middle_name,
        "gender": gender,
        "birth_date": birth_date,
        "snils": snils,
        "phone": phone,
        "email": email,
    }
    try:
        errors: dict[str, str] = {}
        try:
            data = check_person_input(db.session, raw, _today(), login=login, password=password)
        except PeopleError as exc:
            errors.update(exc.errors)
        class_id = None
        if class_name:
            cls = class_by_name(db.session, sid, class_name)
            if role != "pupil":
                errors["class"] = "class_for_pupils_only"
            elif cls is None:
                errors["class"] = "class_unknown"
            else:
                class_id = cls.id
        if errors:
            raise PeopleError(errors)
        password_hash = password_hasher().hash(password) if password else None
        person = create_person(
            db.session, sid, data, [role], class_id=class_id, login=login, password_hash=password_hash
        )
        db.session.commit()
    except PeopleError as exc:
        db.session.rollback()
        fail("invalid input", {"fields": exc.errors}, as_json=as_json)
    result = person_as_dict(db.session, person)
    emit(result, as_json, f"created {_line(result)}")


@people_group.command("show")
@click.argument("login")
@click.option("--json", "as_json", is_flag=True)
@in_app
def people_show(login, as_json) -> None:
    """Show a person by diary login: data, roles, classes, parents or children, and state identity links."""
    from rp.domain.people import person_as_dict
    from rp.extensions import db

    user = _user_or_fail(login, as_json)
    data = person_as_dict(db.session, user.person)
    lines = [
        _line(data),
        f"  SNILS: {data['snils'] or '-'}  phone: {data['phone'] or '-'}  e-mail: {data['email'] or '-'}",
    ]
    lines += [f"  class {c['name']} ({c['year']})" for c in data["classes"]]
    lines += [f"  parent {g['full_name']} ({g['relation']})" for g in data["parents"]]
    lines += [f"  child {g['full_name']} ({g['relation']})" for g in data["children"]]
    lines += [f"  linked to {i['issuer']} subject {i['subject']} since {i['linked_at']}" for i in data["identities"]]
    if not data["identities"]:
        lines.append("  not linked to a state identity")
    emit(data, as_json, "\n".join(lines))


@click.group("link")
def link_group() -> None:
    """Links between diary logins and state (Gosuslugi) identities."""


@link_group.command("remove")
@click.argument("login")
@click.option("--json", "as_json", is_flag=True)
@in_app
def link_remove(login, as_json) -> None:
    """Unlink a diary login from its Gosuslugi identity (recorded in the linking log)."""
    from rp.domain.people import unlink_by_operator
    from rp.extensions import db

    user = _user_or_fail(login, as_json)
    removed = [
        {"issuer": i.issuer, "subject": i.subject} for i in unlink_by_operator(db.session, user, "operator (CLI)")
    ]
    db.session.commit()
    text = (
        "\n".join(f"unlinked {user.login} from {r['issuer']} subject {r['subject']}" for r in removed)
        or f"{user.login} was not linked"
    )
    emit({"login": user.login, "removed": removed}, as_json, text)
