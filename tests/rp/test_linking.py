"""Linking decisions (rp/domain/linking.py) without the web layer."""

from __future__ import annotations

import pytest

from rp.domain import linking
from rp.extensions import db
from rp.models.people import Identity
from rp.models.people import User
from tests.rp.fakeop import add_person

ISS = "https://op.test"


def attrs(**overrides):
    base = {
        "last_name": "Иванова",
        "first_name": "Мария",
        "middle_name": "Петровна",
        "birthdate": "1984-03-14",
        "gender": "female",
        "snils": "112-233-445 95",
        "email": None,
        "phone": None,
        "trust_level": "standard",
    }
    return {**base, **overrides}


def decide(app, **overrides):
    with app.app_context():
        d = linking.decide(db.session, region="test", issuer=ISS, subject="sub-1", attributes=attrs(**overrides))
        db.session.commit()
        return d.outcome, d.record.to_dict(), d.missing


def test_exact_match(rp_app):
    user_id = add_person(rp_app)
    outcome, record, _ = decide(rp_app)
    assert outcome == "match"
    assert record["user_id"] == user_id
    assert all(row["equal"] for row in record["candidates"][0]["fields"])


def test_normalised_match(rp_app):
    add_person(rp_app, last_name="Семенов", first_name="Петр", gender="M")
    outcome, record, _ = decide(rp_app, last_name=" СЕМЁНОВ ", first_name="Пётр", gender="male", snils="11223344595")
    assert outcome == "match"
    row = record["candidates"][0]["fields"][0]
    assert row["received"] == " СЕМЁНОВ " and row["received_normalized"] == "семенов"
    assert row["diary"] == "Семенов" and row["equal"]


def test_missing_patronymic_on_both_sides_matches(rp_app):
    add_person(rp_app, middle_name=None)
    assert decide(rp_app, middle_name=None)[0] == "match"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("last_name", "Иванов"),
        ("first_name", "Мариа"),
        ("middle_name", None),
        ("birthdate", "1984-03-15"),
        ("gender", "male"),
        ("snils", "123-456-789 64"),
    ],
)
def test_each_single_field_mismatch_is_not_found(rp_app, field, value):
    add_person(rp_app)
    outcome, record, _ = decide(rp_app, **{field: value})
    assert outcome == "not_found"
    rows = {r["field"]: r["equal"] for r in record["candidates"][0]["fields"]}
    assert [f for f, eq in rows.items() if not eq] == [field]


def test_several_matches_are_ambiguous(rp_app):
    add_person(rp_app, login_name="ivanova.m")
    add_person(rp_app, login_name="ivanova.m2")
    outcome, record, _ = decide(rp_app)
    assert outcome == "ambiguous"
    assert len(record["candidates"]) == 2


def test_already_linked_signs_in(rp_app):
    user_id = add_person(rp_app)
    with rp_app.app_context():
        db.session.add(Identity(user_id=user_id, issuer=ISS, subject="sub-1"))
        db.session.commit()
    outcome, record, _ = decide(rp_app, last_name="Совсем-Другая")
    assert outcome == "linked"
    assert record["outcome"] == "signed_in" and record["user_id"] == user_id


def test_only_match_linked_elsewhere_is_a_conflict(rp_app):
    user_id = add_person(rp_app)
    with rp_app.app_context():
        db.session.add(Identity(user_id=user_id, issuer=ISS, subject="another"))
        db.session.commit()
    assert decide(rp_app)[0] == "conflict_user_linked"


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"snils": None}, ("snils",)),
        ({"trust_level": "simplified", "snils": None}, ("simplified_account", "snils")),
        ({"birthdate": None, "gender": ""}, ("birthdate", "gender")),
    ],
)
def test_insufficient_data(rp_app, overrides, missing):
    add_person(rp_app)
    outcome, record, got = decide(rp_app, **overrides)
    assert outcome == "insufficient" and got == missing
    assert record["candidates"] == []


def test_link_refuses_both_conflicts_and_overwrites_nothing(rp_app):
    first = add_person(rp_app, login_name="a")
    second = add_person(rp_app, login_name="b", snils="12345678964")
    with rp_app.app_context():
        linking.link(db.session, None, first, ISS, "sub-1", method="test", phone="+79110000000")
        with pytest.raises(linking.LinkConflict) as exc:
            linking.link(db.session, None, first, ISS, "sub-2", method="test")
        assert exc.value.code == "user_linked"
        with pytest.raises(linking.LinkConflict) as exc:
            linking.link(db.session, None, second, ISS, "sub-1", method="test", phone="+79119999999")
        assert exc.value.code == "subject_linked"
        assert db.session.get(User, second).person.phone is None
        assert [(i.user_id, i.subject) for i in db.session.query(Identity)] == [(first, "sub-1")]


def test_unique_constraint_catches_a_concurrent_link(rp_app):
    """Even when the pre-checks are bypassed, the database refuses a second link of the same subject."""
    first = add_person(rp_app, login_name="a")
    second = add_person(rp_app, login_name="b", snils="12345678964")
    with rp_app.app_context():
        db.session.add(Identity(user_id=first, issuer=ISS, subject="sub-1"))
        db.session.commit()
        original = linking.find_identity
        linking.find_identity = lambda *a: None  # simulate the race: the check saw nothing
        try:
            with pytest.raises(linking.LinkConflict):
                linking.link(db.session, None, second, ISS, "sub-1", method="test")
        finally:
            linking.find_identity = original
        assert db.session.query(Identity).count() == 1


def test_link_demo_people(rp_app):
    from shared.demo_people import DEMO_PEOPLE

    vasiliev = next(p for p in DEMO_PEOPLE if p.linked)
    add_person(rp_app, login_name=vasiliev.rp_login, snils="12345678964")
    with rp_app.app_context():
        assert linking.link_demo_people(db.session, ISS) == 1
        assert linking.link_demo_people(db.session, ISS) == 0
        assert linking.find_identity(db.session, ISS, str(vasiliev.oid)) is not None
