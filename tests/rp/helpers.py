"""Helpers of the diary tests: the demo school copied from a template database, logged-in clients, access targets."""

from __future__ import annotations

import atexit
import copy
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.helpers.databases import CHEAP_HASHING
from tests.helpers.databases import PG_ADMIN_DSN
from tests.helpers.databases import dispose_engines
from tests.helpers.databases import pg_create_database
from tests.helpers.databases import pg_drop_database
from tests.helpers.databases import reset_schema
from tests.helpers.forms import csrf_token

#: Early in the school year: two weeks of data keep seeding fast.
TODAY = date(2026, 9, 16)


def person_id(app, login: str) -> int:
    """Return the person id behind a diary login."""
    from rp.extensions import db
    from rp.models.people import User

    with app.app_context():
        return db.session.scalar(select(User.person_id).where(User.login == login))


def client_for(app, login: str):
    """Return a test client logged in as ``login`` (session set directly)."""
    from rp.extensions import db
    from rp.models.people import User

    client = app.test_client()
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.login == login))
    with client.session_transaction() as s:
        s["user_id"] = user_id
    return client


def accept_consent(app, login: str) -> None:
    """Record the current consent for ``login`` directly."""
    from rp.domain.consent import record_consent
    from rp.extensions import db
    from shared.clock import real_now

    pid = person_id(app, login)
    with app.app_context():
        record_consent(db.session, pid, app.config["CONSENT_VERSION"], True, real_now())
        db.session.commit()


def token_of(client) -> str:
    """Return the session's CSRF token, read from the profile settings page every login can open."""
    return csrf_token(client.get("/settings").get_data(as_text=True))


#: The seeded school of this process: (database kind, template location, seed summary), made on first use.
_TEMPLATE: dict[str, tuple[str, Any]] = {}


def _database_of(app) -> tuple[str, str]:
    """Return (dialect name, database name or SQLite file) of the app's engine."""
    with app.app_context():
        url = app.extensions["sqlalchemy"].engine.url
    return url.get_backend_name(), url.database


def _seed_template(app) -> tuple[str, Any]:
    """Seed the demo school once into a template database of the app's kind; return (location, summary)."""
    from rp import create_app
    from rp.demo import seed_school
    from rp.extensions import db

    kind, name = _database_of(app)
    if kind == "postgresql":
        location = f"{name}_school"
        url = pg_create_database(location)
        atexit.register(pg_drop_database, location)
    else:
        folder = Path(tempfile.mkdtemp(prefix="fedlab-school-"))
        atexit.register(shutil.rmtree, folder, True)
        location = str(folder / "school.sqlite")
        url = f"sqlite:///{location}"
    template = create_app({"TESTING": True, "SECRET_KEY": "template", "DATABASE_URL": url, **CHEAP_HASHING})
    reset_schema(template)
    with template.app_context():
        summary = seed_school(db.session, TODAY, password_hash="not-a-real-hash")
        db.session.commit()
    dispose_engines(template)
    return location, summary


def seed_school_copy(app) -> dict[str, Any]:
    """Give ``app`` the demo school at :data:`TODAY`: a copy of a template seeded once per process.

    SQLite copies the template file over the app's; PostgreSQL recreates the app's database
    ``CREATE DATABASE … TEMPLATE …``. Returns seed_school's summary.
    """
    kind, name = _database_of(app)
    if kind not in _TEMPLATE:
        _TEMPLATE[kind] = _seed_template(app)
    location, summary = _TEMPLATE[kind]
    dispose_engines(app)
    if kind == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{location}"')
    else:
        shutil.copyfile(location, name)
    app.extensions["clock"].configure(day=TODAY)
    return copy.deepcopy(summary)


def access_targets(rp_app) -> dict[str, int]:
    """Return the ids of the objects the access tests request, from the demo school."""
    from rp.extensions import db
    from rp.models import Guardian
    from rp.models import Lesson
    from rp.models import Mark
    from rp.models import SchoolClass
    from rp.models import SchoolYear
    from rp.models import SubjectGroup

    accept_consent(rp_app, "ivanova.m")
    teacher = person_id(rp_app, "uchitel")
    with rp_app.app_context():
        s = db.session
        current = s.scalar(select(SchoolYear).where(SchoolYear.status == "current"))
        c5a = s.scalar(
            select(SchoolClass).where(
                SchoolClass.year_id == current.id, SchoolClass.grade == 5, SchoolClass.letter == "А"
            )
        )
        c7a = s.scalar(select(SchoolClass).where(SchoolClass.year_id == current.id, SchoolClass.grade == 7))
        group = s.scalar(
            select(SubjectGroup).where(SubjectGroup.class_id == c5a.id, SubjectGroup.teacher_id == teacher)
        )
        other_group = s.scalar(
            select(SubjectGroup).where(SubjectGroup.class_id == c5a.id, SubjectGroup.teacher_id != teacher)
        )
        lesson = s.scalar(select(Lesson).where(Lesson.group_id == group.id, Lesson.date == date(2026, 9, 15)))
        if lesson is None:
            lesson = s.scalar(
                select(Lesson).where(Lesson.group_id == group.id, Lesson.date <= TODAY).order_by(Lesson.date.desc())
            )
        mark = s.scalar(select(Mark).join(Lesson).where(Lesson.group_id == group.id).order_by(Mark.created_at.desc()))
        ivanova_child = s.scalar(select(Guardian.pupil_id).where(Guardian.parent_id == person_id(rp_app, "ivanova.m")))
        from rp.models import Enrolment

        pupil_7a = s.scalar(select(Enrolment.pupil_id).where(Enrolment.class_id == c7a.id))
        return {
            "own_pupil": person_id(rp_app, "uchenik"),
            "ivanova_child": ivanova_child,
            "pupil_7a": pupil_7a,
            "class": c5a.id,
            "class_7a": c7a.id,
            "group": group.id,
            "other_group": other_group.id,
            "lesson": lesson.id,
            "mark": mark.id,
        }
