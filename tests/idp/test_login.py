"""Password log-in by phone, e-mail or SNILS, lockout, the ``next`` parameter and log-out (CSRF on)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from idp.db import db
from idp.domain import labstate
from idp.domain.accounts import create_account
from labkit.web import password_hasher
from tests.helpers.forms import csrf_token
from tests.idp.helpers import PASSWORD


def log_in(client, login: str, password: str = PASSWORD, next_: str | None = None):
    """Open the log-in page (with ``next`` if given) and submit the form."""
    page = client.get("/login", query_string={"next": next_} if next_ else None).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "login": login, "password": password}
    hidden = re.search(r'id="next" name="next" type="hidden" value="([^"]*)"', page)
    if hidden:
        data["next"] = hidden.group(1).replace("&amp;", "&")
    return client.post("/login", data=data)


def advance(app, seconds: int) -> None:
    """Move the lab clock forward."""
    with app.app_context():
        labstate.advance_clock(db.session, timedelta(seconds=seconds))
        db.session.commit()


def test_login_page_has_one_login_field_and_password(idp_client):
    page = idp_client.get("/login").get_data(as_text=True)
    assert "Телефон / Email / СНИЛС" in page and "Пароль" in page and "Войти" in page


@pytest.mark.parametrize(
    "login",
    [
        "+79123456789",
        "+7 912 3456789",
        "8 (912) 345-67-89",
        "89123456789",
        "9123456789",
        "ivan@example.ru",
        " IVAN@Example.RU ",
        "112-233-445 95",
        "11223344595",
    ],
)
def test_login_by_phone_email_or_snils_in_any_typing(idp_client, simplified_account, login):
    res = log_in(idp_client, login)
    assert res.status_code == 302 and res.headers["Location"] == "/"
    page = idp_client.get("/login").get_data(as_text=True)
    assert "Иванов Иван" in page and "Выйти" in page


def test_wrong_password_and_unknown_login_get_the_same_generic_error(idp_client, simplified_account):
    wrong = log_in(idp_client, "+79123456789", "Qwerty+124")
    unknown = log_in(idp_client, "+79990000000", PASSWORD)
    garbage = log_in(idp_client, "not a login", PASSWORD)
    for res in (wrong, unknown, garbage):
        assert res.status_code == 401
        assert "Неверный логин или пароль." in res.get_data(as_text=True)
    error = re.compile(r'<div class="error-summary"[^>]*role="alert"[^>]*>(.*?)</div>', re.S)
    assert error.search(wrong.get_data(as_text=True)).group(1) == error.search(unknown.get_data(as_text=True)).group(1)
    assert "Выйти" not in wrong.get_data(as_text=True)


def test_login_form_keeps_the_login_and_clears_the_password(idp_client, simplified_account):
    page = log_in(idp_client, "ivan@example.ru", "Wrong+pass1").get_data(as_text=True)
    assert 'value="ivan@example.ru"' in page and "Wrong+pass1" not in page


def test_empty_fields_are_refused_without_error(idp_client):
    page = idp_client.get("/login").get_data(as_text=True)
    res = idp_client.post("/login", data={"csrf_token": csrf_token(page), "login": "", "password": ""})
    assert res.status_code == 200 and "Заполните это поле" in res.get_data(as_text=True)


@pytest.fixture
def frozen_clock(idp_app):
    """The IdP's clock stopped, so slow password hashing cannot eat into a lockout the test counts down."""
    clock = idp_app.extensions["clock"]
    clock.freeze()
    yield clock
    clock.unfreeze()


def test_lockout_after_repeated_failures_then_unlocks_on_the_lab_clock(
    idp_app, idp_client, simplified_account, frozen_clock
):
    for _ in range(4):  # LOGIN_MAX_FAILURES = 5
        assert log_in(idp_client, "+79123456789", "Wrong+pass1").status_code == 401
    res = log_in(idp_client, "+79123456789", "Wrong+pass1")
    assert res.status_code == 429 and "временно заблокирован" in res.get_data(as_text=True)
    res = log_in(idp_client, "ivan@example.ru", PASSWORD)  # even the right password, by another login
    assert res.status_code == 429
    advance(idp_app, 899)
    assert log_in(idp_client, "+79123456789", PASSWORD).status_code == 429
    advance(idp_app, 2)
    assert log_in(idp_client, "+79123456789", PASSWORD).status_code == 302


def test_success_resets_the_failure_count(idp_client, simplified_account):
    for _ in range(4):
        log_in(idp_client, "+79123456789", "Wrong+pass1")
    assert log_in(idp_client, "+79123456789", PASSWORD).status_code == 302
    for _ in range(4):
        assert log_in(idp_client, "+79123456789", "Wrong+pass1").status_code == 401


def test_lockout_is_shared_by_every_instance_on_the_same_database(idp_app, idp_client, simplified_account):
    from idp import create_app

    other = create_app({key: idp_app.config[key] for key in ("TESTING", "SECRET_KEY", "DATABASE_URL")})
    other_client = other.test_client()
    for client in (idp_client, other_client, idp_client, other_client):
        log_in(client, "+79123456789", "Wrong+pass1")
    assert log_in(other_client, "+79123456789", "Wrong+pass1").status_code == 429
    assert log_in(idp_client, "+79123456789", PASSWORD).status_code == 429


def test_safe_next_is_followed(idp_client, simplified_account):
    target = "/authorize?client_id=diary&response_type=code&state=abc"
    page = idp_client.get("/login", query_string={"next": target}).get_data(as_text=True)
    assert 'name="next" type="hidden" value="/authorize?client_id=diary&amp;response_type=code&amp;state=abc"' in page
    res = log_in(idp_client, "+79123456789", next_=target)
    assert res.status_code == 302 and res.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:x",
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
    ],
)
def test_unsafe_next_is_ignored(idp_client, simplified_account, target):
    res = log_in(idp_client, "+79123456789", next_=target)
    assert res.status_code == 302 and res.headers["Location"] == "/"


def test_next_survives_a_failed_attempt(idp_client, simplified_account):
    target = "/authorize?client_id=diary"
    page = log_in(idp_client, "+79123456789", "Wrong+pass1", next_=target).get_data(as_text=True)
    assert 'value="/authorize?client_id=diary"' in page


def test_login_required_pages_send_people_to_login_with_next(idp_app):
    from flask import url_for

    from idp.auth_session import safe_next

    with idp_app.test_request_context():
        assert url_for("auth.login", next="/authorize?x=1") == "/login?next=/authorize?x%3D1"
        assert safe_next("/authorize?x=1", "/") == "/authorize?x=1"


def test_logout_needs_the_csrf_token_and_ends_the_session(idp_client, simplified_account):
    log_in(idp_client, "+79123456789")
    assert idp_client.post("/logout").status_code == 400
    page = idp_client.get("/login").get_data(as_text=True)
    assert "Выйти" in page
    header = page[page.index('<form class="nav-logout"') :]
    res = idp_client.post("/logout", data={"csrf_token": csrf_token(header)})
    assert res.status_code == 302 and res.headers["Location"] == "/"
    page = idp_client.get("/").get_data(as_text=True)
    assert "Выйти" not in page and "Иванов Иван" not in page


def test_account_without_password_cannot_log_in(idp_app, idp_client):
    with idp_app.app_context():
        create_account(db.session, password_hasher(), last_name="Без", first_name="Пароля", phone="+79990001122")
        db.session.commit()
    assert log_in(idp_client, "+79990001122", "").status_code == 200  # required field
    assert log_in(idp_client, "+79990001122", PASSWORD).status_code == 401


def test_login_hint_prefills_the_login_field_escaped(idp_client):
    page = idp_client.get("/login", query_string={"login_hint": '+79123456789"><script>x</script>'})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.search(r'<input[^>]*name="login"[^>]*value="\+79123456789&#34;&gt;&lt;script&gt;', html)
    assert "<script>x</script>" not in html


def test_login_hint_from_the_authorization_endpoint_reaches_the_form(idp_client, simplified_account):
    page = idp_client.get("/login", query_string={"login_hint": "ivan@example.ru", "next": "/authorize?x=1"})
    assert re.search(r'<input[^>]*name="login"[^>]*value="ivan@example.ru"', page.get_data(as_text=True))
    assert log_in(idp_client, "ivan@example.ru").status_code == 302


def test_login_hint_is_not_used_on_post(idp_client, simplified_account):
    page = idp_client.get("/login").get_data(as_text=True)
    resp = idp_client.post(
        "/login?login_hint=hinted@example.ru", data={"csrf_token": csrf_token(page), "login": "", "password": "x"}
    )
    assert resp.status_code == 200
    assert "hinted@example.ru" not in resp.get_data(as_text=True)
