"""Registration of a simplified account through the browser, CSRF on: contacts, code or link, password."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func
from sqlalchemy import select

from idp.db import db
from idp.domain.accounts import AccountTaken
from idp.domain.accounts import create_account
from idp.models.accounts import Account
from idp.models.lab import Message
from idp.models.registration import PendingRegistration
from labkit.web import password_hasher
from shared.validators import make_snils
from tests.idp.code_flow_helpers import CodeSteps
from tests.idp.code_flow_helpers import advance
from tests.idp.code_flow_helpers import post_form

PHONE = "+79123456789"
EMAIL = "ivan@example.ru"
GOOD_PASSWORD = "Qwerty+123"


def start(client, channel: str = "sms", **overrides):
    """Submit step 1 ("Регистрация")."""
    data = {
        "last_name": "Иванов",
        "first_name": "Иван",
        "phone": "8 (912) 345-67-89",
        "email": "Ivan@Example.ru",
        "channel": channel,
        **overrides,
    }
    return post_form(client, "/registration", data)


def inbox(app, recipient: str) -> list[Message]:
    """Messages the lab inbox holds for ``recipient``, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(Message).where(Message.recipient == recipient).order_by(Message.id))
        return [Message(channel=m.channel, recipient=m.recipient, subject=m.subject, body=m.body) for m in rows]


def last_code(app, phone: str = PHONE) -> str:
    """The code from the newest SMS to ``phone``."""
    return re.search(r"\b(\d{6})\b", inbox(app, phone)[-1].body).group(1)


STEPS = CodeSteps("/registration")
enter_code = STEPS.enter_code
set_password = STEPS.set_password
resend = STEPS.resend


def accounts_with_phone(app, phone: str = PHONE) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Account).where(Account.phone == phone))


def make_account(app, **fields) -> None:
    """Create an account directly, as another registration or the CLI would."""
    values = {"last_name": "Петров", "first_name": "Пётр", "phone": PHONE, "email": "petr@example.ru", **fields}
    with app.app_context():
        create_account(db.session, password_hasher(), password=GOOD_PASSWORD, **values)
        db.session.commit()


def test_registration_form_asks_for_the_seed_fields(idp_client):
    window = idp_client.get("/registration").get_data(as_text=True)
    assert 'href="/registration/other"' in window and "Другой способ регистрации" in window
    page = idp_client.get("/registration/other").get_data(as_text=True)
    for text in (
        "Другой способ регистрации",
        "Фамилия",
        "Имя",
        "Мобильный телефон",
        "+7 xxx xxxxxxx",
        "Электронная почта",
    ):
        assert text in page
    assert 'value="sms" checked' in page or 'checked value="sms"' in page or re.search(r'checked[^>]*value="sms"', page)


def test_home_links_to_login_and_registration(idp_client):
    page = idp_client.get("/").get_data(as_text=True)
    assert 'href="/login"' in page and 'href="/registration"' in page


def test_happy_path_by_sms_code(idp_app, idp_client):
    res = start(idp_client)
    assert res.status_code == 302 and res.headers["Location"].endswith("/registration/confirm")
    page = idp_client.get("/registration/confirm").get_data(as_text=True)
    assert "Код подтверждения" in page and "+7 912 345-67-89" in page and "Продолжить" in page

    sms = inbox(idp_app, PHONE)
    assert len(sms) == 1 and sms[0].channel == "sms"
    res = enter_code(idp_client, last_code(idp_app))
    assert res.status_code == 302 and res.headers["Location"].endswith("/registration/password")

    page = idp_client.get("/registration/password").get_data(as_text=True)
    assert "заглавных букв (ABC)" in page and "!&#34;#$%&amp;&#39;()*+,-./:;&lt;=&gt;?@[\\]^_`{|}~" in page
    res = set_password(idp_client, GOOD_PASSWORD)
    assert res.status_code == 302 and res.headers["Location"].endswith("/registration/done")

    done = idp_client.get("/registration/done").get_data(as_text=True)
    assert "Упрощённая учётная запись создана" in done
    assert "14 лет" in done and "личный кабинет" in done.lower() and 'href="/profile' in done
    assert "Иванов Иван" in done and "Выйти" in done  # logged in: the header shows the name
    with idp_app.app_context():
        account = db.session.scalar(select(Account).where(Account.phone == PHONE))
        assert account.level == "simplified" and account.email == EMAIL
        assert account.phone_verified and not account.email_verified
        assert account.password_hash and GOOD_PASSWORD not in account.password_hash
        assert db.session.scalar(select(func.count()).select_from(PendingRegistration)) == 0


def _link_path(app) -> str:
    mail = inbox(app, EMAIL)[-1]
    assert mail.channel == "email" and mail.subject
    url = re.search(r"https?://\S+", mail.body).group(0)
    assert url.startswith("http://idp.test/registration/link/")  # absolute, to the IdP (its ISSUER)
    return urlsplit(url).path


def test_happy_path_by_email_link_opened_in_another_browser(idp_app, idp_client):
    res = start(idp_client, channel="email")
    assert res.status_code == 302
    page = idp_client.get("/registration/confirm").get_data(as_text=True)
    assert EMAIL in page and "Перейдите по ссылке" in page
    assert inbox(idp_app, PHONE) == []

    other_browser = idp_app.test_client()
    res = other_browser.get(_link_path(idp_app))
    assert res.status_code == 302 and res.headers["Location"].endswith("/registration/password")
    assert set_password(other_browser, GOOD_PASSWORD).status_code == 302
    with idp_app.app_context():
        account = db.session.scalar(select(Account).where(Account.email == EMAIL))
        assert account.email_verified and not account.phone_verified


def test_email_link_works_once_and_a_forged_link_is_refused(idp_app, idp_client):
    start(idp_client, channel="email")
    path = _link_path(idp_app)
    assert idp_client.get("/registration/link/forged-token").status_code == 400
    assert idp_client.get(path).status_code == 302
    assert set_password(idp_client, GOOD_PASSWORD).status_code == 302
    res = idp_client.get(path)
    assert res.status_code == 400 and "Ссылка" in res.get_data(as_text=True)


def test_expired_email_link_is_refused_and_a_new_one_works(idp_app, idp_client):
    start(idp_client, channel="email")
    old = _link_path(idp_app)
    advance(idp_app, 301)
    res = idp_client.get(old)
    assert res.status_code == 400 and "истёк" in res.get_data(as_text=True)
    resend(idp_client)
    new = _link_path(idp_app)
    assert new != old
    assert idp_client.get(old).status_code == 400
    assert idp_client.get(new).status_code == 302


def test_three_wrong_codes_kill_the_code_and_a_new_one_is_needed(idp_app, idp_client):
    start(idp_client)
    code = last_code(idp_app)
    wrong = "000000" if code != "000000" else "111111"
    assert "Осталось попыток: 2" in enter_code(idp_client, wrong).get_data(as_text=True)
    assert "Осталось попыток: 1" in enter_code(idp_client, wrong).get_data(as_text=True)
    page = enter_code(idp_client, wrong).get_data(as_text=True)
    assert "больше не действует" in page and "Запросите новый код" in page
    page = enter_code(idp_client, code).get_data(as_text=True)  # even the right one is dead now
    assert "больше не действует" in page
    assert idp_client.get("/registration/password").status_code == 302  # not confirmed

    advance(idp_app, 60)
    resend(idp_client)
    new_code = last_code(idp_app)
    res = enter_code(idp_client, new_code)
    assert res.status_code == 302 and res.headers["Location"].endswith("/registration/password")


def test_expired_code_is_refused(idp_app, idp_client):
    start(idp_client)
    code = last_code(idp_app)
    advance(idp_app, 301)
    res = enter_code(idp_client, code)
    assert res.status_code == 200 and "Срок действия кода истёк" in res.get_data(as_text=True)


def test_code_with_spaces_is_accepted(idp_app, idp_client):
    start(idp_client)
    code = last_code(idp_app)
    assert enter_code(idp_client, f" {code[:3]} {code[3:]} ").status_code == 302


def test_resend_is_rate_limited_and_capped(idp_app, idp_client):
    start(idp_client)
    res = resend(idp_client)
    assert res.status_code == 302
    page = idp_client.get("/registration/confirm").get_data(as_text=True)
    assert "можно запросить через" in page
    assert len(inbox(idp_app, PHONE)) == 1
    for _ in range(4):  # CODE_MAX_SENDS = 5 in all
        advance(idp_app, 60)
        resend(idp_client)
    assert len(inbox(idp_app, PHONE)) == 5
    advance(idp_app, 60)
    resend(idp_client)
    page = idp_client.get("/registration/confirm").get_data(as_text=True)
    assert "слишком много раз" in page
    assert len(inbox(idp_app, PHONE)) == 5


def test_old_code_stops_working_after_resend(idp_app, idp_client):
    start(idp_client)
    old = last_code(idp_app)
    advance(idp_app, 60)
    resend(idp_client)
    new = last_code(idp_app)
    if old != new:
        assert "Неверный код" in enter_code(idp_client, old).get_data(as_text=True)
    assert enter_code(idp_client, new).status_code == 302


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("phone", "+7 812 1234567", "начинается с 9"),
        ("phone", "12345", "+7 xxx xxxxxxx"),
        ("phone", "+7 912 345 67 89 0", "+7 xxx xxxxxxx"),
        ("phone", "", "мобильного телефона"),
        ("email", "ivan@", "почты указан неверно"),
        ("email", "", "Укажите адрес электронной почты"),
        ("last_name", "", "Заполните это поле"),
        ("first_name", "Иван2", "только буквы"),
    ],
)
def test_step_one_refusals_reshow_what_was_typed(idp_app, idp_client, field, value, message):
    res = start(idp_client, **{field: value})
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and message in page
    assert "Иванов" in page or field == "last_name"  # what was typed is kept
    assert inbox(idp_app, PHONE) == []


@pytest.mark.parametrize("phone", ["+7 912 3456789", "89123456789", "9123456789", "+7 (912) 345-67-89"])
def test_any_reasonable_phone_typing_is_normalised(idp_app, idp_client, phone):
    assert start(idp_client, phone=phone).status_code == 302
    assert len(inbox(idp_app, PHONE)) == 1


@pytest.mark.parametrize(
    "password, messages",
    [
        ("Qw+1", ["не короче 8 символов"]),
        ("qwerty+123", ["заглавную латинскую букву"]),
        ("QWERTY+123", ["строчную латинскую букву"]),
        ("Qwerty+abc", ["Добавьте цифру"]),
        ("Qwerty1234", ["Добавьте знак"]),
        ("Пароль+123Qw", ["русской раскладке", "английскую (EN)"]),
        ("Qwerty +123", ["без пробелов"]),
        ("Qwerty+123№", ["без пробелов"]),
        ("abc", ["не короче 8 символов", "заглавную латинскую букву", "Добавьте цифру", "Добавьте знак"]),
    ],
)
def test_each_password_rule_is_named_when_refused(idp_app, idp_client, password, messages):
    start(idp_client)
    enter_code(idp_client, last_code(idp_app))
    res = set_password(idp_client, password)
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "Придумайте пароль" in page
    for message in messages:
        assert message in page
    assert accounts_with_phone(idp_app) == 0
    assert set_password(idp_client, GOOD_PASSWORD).status_code == 302  # the form can be retried


def test_password_repeat_must_match(idp_app, idp_client):
    start(idp_client)
    enter_code(idp_client, last_code(idp_app))
    res = set_password(idp_client, GOOD_PASSWORD, repeat=GOOD_PASSWORD + "x")
    assert res.status_code == 200 and "Пароли не совпадают" in res.get_data(as_text=True)
    assert accounts_with_phone(idp_app) == 0


def test_password_step_needs_a_confirmed_contact(idp_client):
    start(idp_client)
    res = idp_client.get("/registration/password")
    assert res.status_code == 302 and res.headers["Location"].endswith("/registration/confirm")


def test_steps_without_a_registration_go_back_to_the_start(idp_client):
    for path in ("/registration/confirm", "/registration/password"):
        res = idp_client.get(path)
        assert res.status_code == 302 and res.headers["Location"].endswith("/registration")


@pytest.mark.parametrize(
    "existing, typed, message",
    [
        ({"phone": "+79123456789", "email": "other@example.ru"}, {}, "Этот номер телефона уже используется"),
        ({"phone": "+79990000000", "email": "ivan@example.ru"}, {}, "Эта электронная почта уже используется"),
    ],
)
def test_phone_or_email_in_use_is_refused_at_step_one(idp_app, idp_client, existing, typed, message):
    make_account(idp_app, **existing)
    res = start(idp_client, **typed)
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and message in page and "восстановлением доступа" in page
    assert inbox(idp_app, PHONE) == [] and inbox(idp_app, EMAIL) == []


def test_snils_in_use_is_refused_for_a_second_account(idp_app):
    snils = make_snils("112233445")
    make_account(idp_app, snils=snils)
    with idp_app.app_context():
        with pytest.raises(AccountTaken) as exc:
            create_account(
                db.session,
                password_hasher(),
                last_name="Сидоров",
                first_name="Сидор",
                phone="+79990001122",
                snils=snils,
            )
        assert exc.value.field == "snils"
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Account)) == 1


def test_race_lost_between_step_one_and_password_gives_a_clear_message(idp_app, idp_client):
    start(idp_client)
    enter_code(idp_client, last_code(idp_app))
    make_account(idp_app, email="someone@example.ru")  # another registration with the same phone finishes first
    res = set_password(idp_client, GOOD_PASSWORD)
    page = res.get_data(as_text=True)
    assert res.status_code == 409
    assert "Этот номер телефона уже используется" in page and "восстановлением доступа" in page
    assert accounts_with_phone(idp_app) == 1
    with idp_app.app_context():
        assert db.session.scalar(select(Account).where(Account.phone == PHONE)).first_name == "Пётр"
    res = idp_client.get("/registration/password")  # the registration cannot be retried into a second account
    assert res.status_code == 302 and res.headers["Location"].endswith("/registration")


def test_race_lost_at_the_unique_constraint_gives_a_clear_message(idp_app, idp_client, monkeypatch):
    start(idp_client)
    enter_code(idp_client, last_code(idp_app))
    make_account(idp_app, email="someone@example.ru")
    # The concurrent insert lands after the uniqueness check: only the database constraint notices.
    monkeypatch.setattr("idp.domain.accounts.taken_field", lambda *args, **kwargs: None)
    res = set_password(idp_client, GOOD_PASSWORD)
    assert res.status_code == 409 and "уже используется" in res.get_data(as_text=True)
    assert accounts_with_phone(idp_app) == 1


def test_forms_refuse_a_missing_csrf_token(idp_app, idp_client):
    res = idp_client.post(
        "/registration",
        data={"last_name": "Иванов", "first_name": "Иван", "phone": PHONE, "email": EMAIL, "channel": "sms"},
    )
    assert res.status_code == 400
    assert inbox(idp_app, PHONE) == []


@pytest.mark.parametrize("channel, recipient", [("sms", PHONE), ("email", EMAIL)])
def test_codes_to_one_recipient_are_limited_per_hour_across_registrations(idp_app, channel, recipient):
    for i in range(5):  # CODE_MAX_SENDS, each from a new browser with other contacts beside the recipient
        other = {"email": f"p{i}@example.ru"} if channel == "sms" else {"phone": f"+7 912 000000{i}"}
        assert start(idp_app.test_client(), channel=channel, **other).status_code == 302
    assert len(inbox(idp_app, recipient)) == 5
    client = idp_app.test_client()
    res = start(client, channel=channel, email="last@example.ru" if channel == "sms" else EMAIL)
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "уже отправлено слишком много кодов" in page
    assert len(inbox(idp_app, recipient)) == 5
    advance(idp_app, 3601)
    assert start(client, channel=channel).status_code == 302
    assert len(inbox(idp_app, recipient)) == 6


def test_resending_counts_towards_the_recipient_limit(idp_app, idp_client):
    start(idp_client)
    for _ in range(3):
        advance(idp_app, 60)
        resend(idp_client)
    assert start(idp_app.test_client(), email="b@example.ru").status_code == 302  # the 5th code
    advance(idp_app, 60)
    resend(idp_client)
    page = idp_client.get("/registration/confirm").get_data(as_text=True)
    assert "уже отправлено слишком много кодов" in page
    assert len(inbox(idp_app, PHONE)) == 5
