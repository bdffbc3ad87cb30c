"""Lab mode hashes cheaply, production strongly, and a login rehashes a password stored with other parameters."""

from __future__ import annotations

from datetime import datetime

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError

from labkit.settings import ConfigError
from shared.passwords import LAB_HASH
from shared.passwords import PRODUCTION_HASH
from shared.passwords import rehashed
from tests.helpers.forms import csrf_token

#: Parameters other than the tests' own (t=1, 8 KiB, p=1): what an older configuration stored.
OLD = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)


def _argon2(settings: dict) -> tuple[int, int, int]:
    return settings["ARGON2_TIME_COST"], settings["ARGON2_MEMORY_COST"], settings["ARGON2_PARALLELISM"]


@pytest.mark.parametrize("app", ["idp", "rp"])
def test_lab_mode_hashes_cheaply_and_production_strongly_unless_set(app):
    module = __import__(f"{app}.config", fromlist=["x"])
    settings = module.IdpSettings if app == "idp" else module.RpSettings
    secrets = {name: "a-real-secret-of-32-characters-or-more" for name in settings.SECRETS}
    lab = settings.build({})
    assert _argon2(lab) == (LAB_HASH.time_cost, LAB_HASH.memory_cost, LAB_HASH.parallelism) == (1, 4096, 1)
    production = settings.build({"ENV": "production", **secrets})
    assert _argon2(production) == (3, 65536, 4) == (PRODUCTION_HASH.time_cost, 65536, PRODUCTION_HASH.parallelism)
    chosen = settings.build({"ENV": "production", **secrets, "ARGON2_TIME_COST": 4, "ARGON2_MEMORY_COST": 32768})
    assert _argon2(chosen) == (4, 32768, 4)
    with pytest.raises(ConfigError, match="ARGON2_MEMORY_COST"):
        settings.build({"ARGON2_MEMORY_COST": 4})


def test_rehashed_only_when_the_parameters_differ():
    current = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    fresh = rehashed(current, OLD.hash("x"), "x")
    assert fresh is not None and fresh.startswith("$argon2id$v=19$m=8,t=1,p=1$") and current.verify(fresh, "x")
    assert rehashed(current, current.hash("x"), "x") is None
    assert rehashed(current, "not-a-hash", "x") is None
    with pytest.raises(InvalidHashError):
        current.verify("not-a-hash", "x")


def test_idp_login_rehashes_a_password_stored_with_other_parameters(idp_app, idp_client):
    from idp.db import db
    from idp.domain.accounts import create_account
    from idp.models.accounts import Account

    with idp_app.app_context():
        create_account(
            db.session, OLD, last_name="Старый", first_name="Хеш", phone="+79990001133", password="Gosuslugi+2024"
        )
        db.session.commit()
    page = idp_client.get("/login").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "login": "+79990001133", "password": "Gosuslugi+2024"}
    assert idp_client.post("/login", data=form).status_code == 302
    with idp_app.app_context():
        stored = db.session.query(Account).filter_by(phone="+79990001133").one().password_hash
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert PasswordHasher().verify(stored, "Gosuslugi+2024")


def test_diary_login_rehashes_a_password_stored_with_other_parameters(rp_app):
    from rp.domain.logins import LoginPolicy
    from rp.domain.logins import check_password
    from rp.extensions import db
    from rp.models.people import Person
    from rp.models.people import User
    from tests.rp.helpers import seed_school_copy

    seed_school_copy(rp_app)
    with rp_app.app_context():
        user = db.session.query(User).join(Person).first()
        user.password_hash = OLD.hash("dnevnik2024")
        db.session.commit()
        hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        policy = LoginPolicy(max_failures=5, lockout_seconds=60)
        assert check_password(db.session, hasher, user.login, "dnevnik2024", policy, datetime(2026, 12, 1)).user
        db.session.commit()
        stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$") and hasher.verify(stored, "dnevnik2024")
