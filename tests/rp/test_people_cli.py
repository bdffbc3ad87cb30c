"""``fedlab rp people list|create|show`` and ``fedlab rp link remove`` against the test diary."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from fedlab.cli import main
from shared.validators import make_snils

SNILS = make_snils("246813579")


@pytest.fixture
def run(rp_app, school):
    runner = CliRunner()

    def invoke(*args: str):
        with rp_app.app_context():
            return runner.invoke(main, ["rp", *args], catch_exceptions=False)

    return invoke


def create_args(*extra: str) -> list[str]:
    return [
        "people",
        "create",
        "--last-name",
        "Зимородков",
        "--first-name",
        "Илья",
        "--gender",
        "M",
        "--birth-date",
        "2015-02-03",
        "--role",
        "pupil",
        *extra,
    ]


def test_create_a_pupil_in_a_class_with_a_login(rp_app, run):
    from labkit.web import password_hasher
    from rp.extensions import db
    from rp.models import User
    from shared.passwords import verify_password

    res = run(
        *create_args("--class", "5А", "--snils", SNILS, "--login", "zimorodkov", "--password", "abc123", "--json")
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["full_name"] == "Зимородков Илья" and data["middle_name"] is None
    assert [c["name"] for c in data["classes"]] == ["5А"]
    assert data["roles"][0]["role"] == "pupil" and data["login"] == "zimorodkov" and data["snils"] == SNILS
    with rp_app.app_context():
        user = db.session.scalar(select(User).where(User.login == "zimorodkov"))
        assert verify_password(password_hasher(), user.password_hash, "abc123")
    shown = json.loads(run("people", "show", "zimorodkov", "--json").output)
    assert shown["id"] == data["id"] and shown["identities"] == []
    pupils = json.loads(run("people", "list", "--role", "pupil", "--json").output)
    assert data["id"] in [p["id"] for p in pupils]
    assert "Зимородков Илья" in run("people", "list", "--role", "pupil").output


def test_create_refuses_bad_input_and_writes_nothing(rp_app, run):
    from rp.extensions import db
    from rp.models import Person

    with rp_app.app_context():
        before = db.session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1))
    bad_snils = SNILS[:9] + f"{(int(SNILS[9:]) + 1) % 100:02d}"
    res = run(*create_args("--snils", bad_snils, "--login", "operator", "--password", "short", "--json"))
    assert res.exit_code == 1
    fields = json.loads(res.output)["fields"]
    assert fields == {"snils": "snils_checksum", "login": "login_taken", "password": "password_short"}
    res = run(*create_args("--class", "9Я", "--json"))
    assert res.exit_code == 1 and json.loads(res.output)["fields"] == {"class": "class_unknown"}
    res = run(*create_args("--birth-date", "03.02.2099"))
    assert res.exit_code == 1 and "date_in_future" in res.output
    with rp_app.app_context():
        assert db.session.scalar(select(Person.id).order_by(Person.id.desc()).limit(1)) == before


def test_create_a_parent_and_a_teacher(run):
    res = run(
        "people", "create", "--last-name", "Зимородкова", "--first-name", "Ольга", "--middle-name", "Ивановна",
        "--gender", "F", "--birth-date", "1986-06-06", "--phone", "8 921 555 03 03", "--email", "Olga@Example.test",
        "--role", "parent", "--json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert (data["phone"], data["email"], data["login"]) == ("+79215550303", "olga@example.test", None)
    res = run(*create_args("--role", "teacher", "--class", "5А"))
    assert res.exit_code == 1 and "class_for_pupils_only" in res.output


def test_show_unknown_login(run):
    res = run("people", "show", "nobody", "--json")
    assert res.exit_code == 1 and "nobody" in json.loads(res.output)["error"]


def test_link_remove_unlinks_and_records(rp_app, run):
    from rp.extensions import db
    from rp.models import Identity
    from rp.models import LinkingRecord
    from rp.models import User

    with rp_app.app_context():
        user = db.session.scalar(select(User).where(User.login == "ivanova.m"))
        db.session.add(Identity(user_id=user.id, issuer="http://idp.test", subject="1000001"))
        db.session.commit()
    shown = json.loads(run("people", "show", "ivanova.m", "--json").output)
    assert shown["identities"][0]["subject"] == "1000001" and shown["children"]
    assert "linked to http://idp.test subject 1000001" in run("people", "show", "ivanova.m").output
    res = run("link", "remove", "ivanova.m", "--json")
    assert res.exit_code == 0
    assert json.loads(res.output)["removed"] == [{"issuer": "http://idp.test", "subject": "1000001"}]
    with rp_app.app_context():
        assert db.session.scalar(select(Identity).where(Identity.subject == "1000001")) is None
        record = db.session.scalar(select(LinkingRecord).order_by(LinkingRecord.id.desc()))
        assert record.outcome == "unlinked_by_operator" and record.subject == "1000001"
        assert "ivanova.m" in record.detail
    res = run("link", "remove", "ivanova.m")
    assert res.exit_code == 0 and "was not linked" in res.output
    assert run("link", "remove", "nobody").exit_code == 1
