"""Access recovery through the browser, CSRF on: login -> code -> new password -> log in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from idp.db import db
from idp.models.lab import Message
from idp.models.recovery import PendingRecovery
from shared.validators import make_snils
from tests.helpers.forms import csrf_token
from tests.idp.code_flow_helpers import CodeSteps
from tests.idp.code_flow_helpers import advance
from tests.idp.code_flow_helpers import post_form
from tests.idp.helpers import EMAIL
from tests.idp.helpers import PASSWORD as OLD_PASSWORD
from tests.idp.helpers import PHONE
from tests.idp.helpers import SNILS
from tests.idp.helpers import make_simplified_account

NEW_PASSWORD = "Nov0e-Parol!"


def messages(app) -> list[tuple[str, str, str]]:
    """Every message in the lab inbox as (channel, recipient, body), oldest first."""
    with app.app_context():
        return [(m.channel, m.recipient, m.body) for m in db.session.scalars(select(Message).order_by(Message.id))]


def last_code(app) -> str:
    return re.search(r"\b(\d{6})\b", messages(app)[-1][2]).group(1)


STEPS = CodeSteps("/recovery")
enter_code = STEPS.enter_code
set_password = STEPS.set_password
resend = STEPS.resend


def start(client, login: str):
    return post_form(client, "/recovery", {"login": login})


def log_in(client, login: str, password: str):
    return post_form(client, "/login", {"login": login, "password": password})


def without_tokens(html: str) -> str:
    """The page with the per-request CSRF tokens removed, to compare two pages."""
    return re.sub(r'value="[^"]+"', 'value=""', html)


def test_login_and_registration_pages_link_to_recovery(idp_client):
    assert 'href="/recovery"' in idp_client.get("/login").get_data(as_text=True)
    assert 'href="/recovery"' in idp_client.get("/registration").get_data(as_text=True)
    page = idp_client.get("/recovery").get_data(as_text=True)
    assert "Восстановление доступа" in page and "Телефон / Email / СНИЛС" in page


def test_registration_taken_page_offers_recovery_and_login(idp_app, idp_client, simplified_account):
    from tests.idp.test_registration import enter_code as reg_enter_code
    from tests.idp.test_registration import last_code as reg_last_code
    from tests.idp.test_registration import set_password as reg_set_password
    from tests.idp.test_registration import start as reg_start

    with idp_app.app_context():
        other = make_snils("998877665")
    reg_start(idp_client, phone="+7 999 1112233", email="other@example.ru")
    reg_enter_code(idp_client, reg_last_code(idp_app, "+79991112233"))
    make_simplified_account(idp_app, phone="+79991112233", email="third@example.ru", snils=other)
    res = reg_set_password(idp_client, OLD_PASSWORD)
    page = res.get_data(as_text=True)
    assert res.status_code == 409
    assert 'href="/recovery"' in page and "Восстановить доступ" in page and 'href="/login"' in page


@pytest.mark.parametrize("login, channel", [("8 (912) 345-67-89", "sms"), ("IVAN@example.ru", "sms"), (SNILS, "sms")])
def test_full_recovery_by_any_login(idp_app, idp_client, simplified_account, login, channel):
    res = start(idp_client, login)
    assert res.status_code == 302 and res.headers["Location"].endswith("/recovery/confirm")
    sent = messages(idp_app)
    assert len(sent) == 1 and sent[0][0] == channel and sent[0][1] == PHONE and "восстановления" in sent[0][2]
    res = enter_code(idp_client, last_code(idp_app))
    assert res.status_code == 302 and res.headers["Location"].endswith("/recovery/password")
    res = set_password(idp_client, NEW_PASSWORD)
    assert res.status_code == 302 and res.headers["Location"].endswith("/login")
    assert "Пароль изменён" in idp_client.get("/login").get_data(as_text=True)

    assert log_in(idp_client, PHONE, OLD_PASSWORD).status_code == 401
    assert log_in(idp_client, EMAIL, NEW_PASSWORD).status_code == 302
    with idp_app.app_context():
        assert db.session.scalars(select(PendingRecovery)).all() == []


def test_account_without_phone_gets_the_code_by_email(idp_app, idp_client):
    make_simplified_account(idp_app, phone=None, snils=None)
    start(idp_client, EMAIL)
    sent = messages(idp_app)
    assert [(c, r) for c, r, _ in sent] == [("email", EMAIL)]
    assert enter_code(idp_client, last_code(idp_app)).status_code == 302
    assert set_password(idp_client, NEW_PASSWORD).status_code == 302
    assert log_in(idp_client, EMAIL, NEW_PASSWORD).status_code == 302


def test_found_and_not_found_look_the_same(idp_app, simplified_account):
    pages = []
    for login in (PHONE, "+7 999 0000000"):
        client = idp_app.test_client()
        res = start(client, login)
        assert res.status_code == 302 and res.headers["Location"].endswith("/recovery/confirm")
        confirm = client.get("/recovery/confirm").get_data(as_text=True)
        wrong = enter_code(client, "000000" if last_code(idp_app) != "000000" else "111111")
        pages.append((without_tokens(confirm), wrong.status_code, without_tokens(wrong.get_data(as_text=True))))
    assert pages[0] == pages[1]
    assert "Если учётная запись с такими данными существует" in pages[0][0]
    assert "Неверный код. Осталось попыток: 2." in pages[0][2]
    assert len(messages(idp_app)) == 1  # nothing was sent for the unknown login


def test_unknown_login_never_reaches_the_password_step(idp_app, idp_client, simplified_account):
    start(idp_client, "nobody@example.ru")
    assert messages(idp_app) == []
    for _ in range(3):
        enter_code(idp_client, "123456")
    page = enter_code(idp_client, "123456").get_data(as_text=True)
    assert "больше не действует" in page
    res = idp_client.get("/recovery/password")
    assert res.status_code == 302 and res.headers["Location"].endswith("/recovery/confirm")


def test_three_wrong_codes_kill_the_code_and_a_new_one_works(idp_app, idp_client, simplified_account):
    start(idp_client, PHONE)
    code = last_code(idp_app)
    wrong = "000000" if code != "000000" else "111111"
    assert "Осталось попыток: 2" in enter_code(idp_client, wrong).get_data(as_text=True)
    assert "Осталось попыток: 1" in enter_code(idp_client, wrong).get_data(as_text=True)
    assert "больше не действует" in enter_code(idp_client, wrong).get_data(as_text=True)
    page = enter_code(idp_client, code).get_data(as_text=True)  # even the right one is dead now
    assert "больше не действует" in page
    advance(idp_app, 60)
    resend(idp_client)
    assert len(messages(idp_app)) == 2
    assert enter_code(idp_client, last_code(idp_app)).status_code == 302


def test_expired_code_is_refused(idp_app, idp_client, simplified_account):
    start(idp_client, PHONE)
    code = last_code(idp_app)
    advance(idp_app, 301)
    res = enter_code(idp_client, code)
    assert res.status_code == 200 and "Срок действия кода истёк" in res.get_data(as_text=True)


def test_resend_is_rate_limited_for_found_and_unknown_logins_alike(idp_app, simplified_account):
    for login in (PHONE, "+7 999 0000000"):
        client = idp_app.test_client()
        start(client, login)
        resend(client)
        assert "можно запросить через" in client.get("/recovery/confirm").get_data(as_text=True)
    assert len(messages(idp_app)) == 1


def test_too_many_requests_for_one_login_are_refused_whether_it_exists_or_not(idp_app, simplified_account):
    for login in (PHONE, "+7 999 0000000"):
        client = idp_app.test_client()
        for _ in range(5):  # CODE_MAX_SENDS
            assert start(client, login).status_code == 302
        res = start(client, login)
        assert res.status_code == 200 and "Слишком много запросов" in res.get_data(as_text=True)
    assert len(messages(idp_app)) == 5
    advance(idp_app, 3601)
    assert start(idp_app.test_client(), PHONE).status_code == 302


@pytest.mark.parametrize(
    "password, texts",
    [
        ("abc", ["не короче 8 символов", "заглавную латинскую букву", "Добавьте цифру", "Добавьте знак"]),
        ("Пароль+123Qw", ["русской раскладке"]),
        ("Qwerty +123", ["без пробелов"]),
    ],
)
def test_new_password_rules_are_each_named(idp_app, idp_client, simplified_account, password, texts):
    start(idp_client, PHONE)
    enter_code(idp_client, last_code(idp_app))
    res = set_password(idp_client, password)
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "Придумайте новый пароль" in page
    for text in texts:
        assert text in page
    assert log_in(idp_app.test_client(), PHONE, OLD_PASSWORD).status_code == 302  # unchanged


def test_new_password_repeat_must_match(idp_app, idp_client, simplified_account):
    start(idp_client, PHONE)
    enter_code(idp_client, last_code(idp_app))
    page = set_password(idp_client, NEW_PASSWORD, "Other+123x").get_data(as_text=True)
    assert "Пароли не совпадают" in page


def test_new_password_clears_the_login_lockout(idp_app, idp_client, simplified_account):
    other = idp_app.test_client()
    for _ in range(5):  # LOGIN_MAX_FAILURES
        res = log_in(other, PHONE, "Wrong+pass1")
    assert res.status_code == 429
    assert log_in(other, PHONE, OLD_PASSWORD).status_code == 429
    start(idp_client, PHONE)
    enter_code(idp_client, last_code(idp_app))
    set_password(idp_client, NEW_PASSWORD)
    assert log_in(other, PHONE, NEW_PASSWORD).status_code == 302


def test_old_codes_stop_working_after_the_password_is_changed(idp_app, simplified_account):
    first, second = idp_app.test_client(), idp_app.test_client()
    start(first, PHONE)
    first_code = last_code(idp_app)
    start(second, EMAIL)
    enter_code(second, last_code(idp_app))
    set_password(second, NEW_PASSWORD)
    token = csrf_token(first.get("/recovery").get_data(as_text=True))
    res = first.post("/recovery/confirm", data={"csrf_token": token, "code": first_code})
    assert res.status_code == 302 and res.headers["Location"].endswith("/recovery")
    assert log_in(first, PHONE, NEW_PASSWORD).status_code == 302


def test_steps_without_a_recovery_go_back_to_the_start(idp_client):
    for path in ("/recovery/confirm", "/recovery/password"):
        res = idp_client.get(path)
        assert res.status_code == 302 and res.headers["Location"].endswith("/recovery")


def test_empty_login_is_refused_with_a_message(idp_app, idp_client):
    res = start(idp_client, "   ")
    assert res.status_code == 200 and "Заполните это поле" in res.get_data(as_text=True)


def test_recovery_forms_refuse_a_missing_csrf_token(idp_app, idp_client, simplified_account):
    assert idp_client.post("/recovery", data={"login": PHONE}).status_code == 400
    assert messages(idp_app) == []
