"""The demo seed: deterministic, the sizes the issue asks for, the demo people as parents."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlalchemy import select

from shared.demo_people import DEMO_PEOPLE

TODAY = date(2026, 9, 16)


def _fingerprint(app):
    from rp.demo import seed_school
    from rp.extensions import db
    from rp.models import Mark
    from rp.models import Person

    with app.app_context():
        summary = seed_school(db.session, TODAY, password_hash="x")
        db.session.commit()
        marks = db.session.execute(select(Mark.pupil_id, Mark.lesson_id, Mark.value).order_by(Mark.id).limit(200)).all()
        names = db.session.scalars(select(Person.last_name).order_by(Person.id).limit(50)).all()
        return summary, marks, names


def test_demo_is_deterministic_and_sized(rp_app, tmp_path):
    from rp import create_app
    from rp.extensions import db
    from rp.models import Guardian
    from rp.models import User

    first = _fingerprint(rp_app)
    other = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'b.sqlite'}"})
    with other.app_context():
        db.create_all()
    second = _fingerprint(other)
    assert first == second
    summary = first[0]
    assert summary["classes"] >= 4 and summary["pupils"] == 100 and summary["marks"] > 1000
    with rp_app.app_context():
        for demo in DEMO_PEOPLE:
            user = db.session.scalar(select(User).where(User.login == demo.rp_login))
            assert user.person.snils == demo.rp.snils and user.person.last_name == demo.rp.last_name
            assert (
                db.session.scalar(
                    select(func.count()).select_from(Guardian).where(Guardian.parent_id == user.person_id)
                )
                >= 1
            )
        multi = db.session.execute(
            select(Guardian.parent_id).group_by(Guardian.parent_id).having(func.count() > 1)
        ).all()
        assert len(multi) >= 5
