"""Brute force: guessing passwords or confirmation codes is locked out, also with simultaneous guesses."""

from __future__ import annotations

from tests.concurrency import requires_postgresql
from tests.concurrency import run_together
from tests.concurrency import session_factory
from tests.helpers.forms import csrf_token
from tests.idp.test_registration import PHONE
from tests.idp.test_registration import enter_code
from tests.idp.test_registration import last_code
from tests.idp.test_registration import start
from tests.security.helpers import IDP_PASSWORD
from tests.security.helpers import RP_PASSWORD

CODE_DEAD = "больше не действует"


def try_login(client, path: str, login: str, password: str):
    page = client.get(path)
    return client.post(
        path, data={"csrf_token": csrf_token(page.get_data(as_text=True)), "login": login, "password": password}
    )


def test_idp_password_guessing_locks_the_account(idp):
    client = idp.test_client()
    statuses = [try_login(client, "/login", idp.account.email, f"Wrong+{i}pass").status_code for i in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    # Now even the right password is refused, from another browser too.
    assert try_login(idp.test_client(), "/login", idp.account.email, IDP_PASSWORD).status_code == 429


def test_diary_password_guessing_locks_the_login(rp_app, diary_user):
    client = rp_app.test_client()
    for i in range(rp_app.config["LOGIN_MAX_FAILURES"]):
        assert try_login(client, "/login", "ivanova.m", f"wrong{i}").status_code == 400
    res = try_login(rp_app.test_client(), "/login", "ivanova.m", RP_PASSWORD)
    assert res.status_code != 302
    assert rp_app.test_client().get("/settings").status_code == 302


def test_registration_code_guessing_kills_the_code(idp_app):
    client = idp_app.test_client()
    start(client)
    code = last_code(idp_app)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(idp_app.config["CODE_MAX_ATTEMPTS"]):
        enter_code(client, wrong)
    res = enter_code(client, code)
    assert CODE_DEAD in res.get_data(as_text=True)
    assert client.get("/registration/password").status_code == 302


@requires_postgresql
def test_simultaneous_code_guesses_count_every_attempt(idp_app):
    from idp.domain import registration as reg
    from idp.models.registration import PendingRegistration

    policy = reg.CodePolicy(secret_key="k", ttl_seconds=3600, max_attempts=3)
    new_session = session_factory(idp_app)
    with new_session() as session:
        pending, code = reg.start(
            session, policy, last_name="Иванов", first_name="Иван", phone=PHONE, email="ivan@example.ru"
        )
        session.commit()
        pending_id = pending.id
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    def guess(i: int) -> str:
        with new_session() as session:
            row = session.get(PendingRegistration, pending_id)
            try:
                reg.check_code(session, policy, row, wrong)
            except reg.RegistrationError as exc:
                session.commit()
                return exc.code
            return "confirmed"

    results = run_together(20, guess)

    # Only three guesses were ever compared: two told "wrong", the third and every other one "dead".
    assert sorted(results) == ["code_dead"] * 18 + ["code_wrong"] * 2, results
    with new_session() as session:
        row = session.get(PendingRegistration, pending_id)
        assert row.attempts == 3
        try:
            reg.check_code(session, policy, row, code)
        except reg.RegistrationError as exc:
            assert exc.code == "code_dead"
        else:
            raise AssertionError("the right code was accepted after the attempts were used up")


@requires_postgresql
def test_simultaneous_password_guesses_lock_the_account(idp):
    from idp.domain import login as login_domain
    from labkit.web import password_hasher

    policy = login_domain.LockoutPolicy(max_failures=5, lockout_seconds=900)
    new_session = session_factory(idp)
    with idp.app_context():
        hasher = password_hasher()

    def guess(i: int) -> str:
        with new_session() as session:
            try:
                login_domain.authenticate(session, hasher, idp.account.email, f"Wrong+{i}pass", policy)
            except (login_domain.LoginFailed, login_domain.LoginLocked) as exc:
                session.commit()
                return type(exc).__name__
            return "logged_in"

    results = run_together(20, guess)

    assert "logged_in" not in results and "LoginLocked" in results, results
    with new_session() as session:
        try:
            login_domain.authenticate(session, hasher, idp.account.email, IDP_PASSWORD, policy)
        except login_domain.LoginLocked:
            pass
        else:
            raise AssertionError("the right password logged in after 20 simultaneous wrong guesses")
