"""The whole "Войти через ГосУслуги" flow through the test client against the fake provider."""

from __future__ import annotations

from rp.extensions import db
from rp.models.people import User
from tests.rp.fakeop import ISSUER
from tests.rp.fakeop import add_person
from tests.rp.fakeop import follow_outcome
from tests.rp.fakeop import identities
from tests.rp.fakeop import last_record
from tests.rp.fakeop import login
from tests.rp.fakeop import post_form
from tests.rp.fakeop import press_gosuslugi_button

NOT_FOUND = (
    "К сожалению, мы не смогли найти Ваш профиль Дневник.ру по данным, предоставленным порталом госуслуг. "
    "Пожалуйста, введите логин и пароль от Вашего аккаунта Дневник.ру для его привязки."
)


def first_login_to_page3(client):
    res = client.get("/login/esia/first/person")
    body = res.get_data(as_text=True)
    assert "Иванова" in body and "Петровна" in body and "14.03.1984" in body and "Далее" in body
    assert post_form(client, "/login/esia/first/person").headers["Location"] == "/login/esia/first/contacts"
    res = post_form(client, "/login/esia/first/contacts", {"phone": "", "email": "bad"})
    assert res.status_code == 400
    body = res.get_data(as_text=True)
    assert "Укажите номер телефона." in body and "Адрес электронной почты указан неверно." in body
    res = post_form(client, "/login/esia/first/contacts", {"phone": "8 (912) 345-67-89", "email": "Masha@Mail.RU"})
    assert res.headers["Location"] == "/login/esia/first/password"


def test_unknown_region_is_a_russian_404(rp_client, op):
    res = rp_client.get("/login/esia/atlantis")
    assert res.status_code == 404
    assert "Регион не найден" in res.get_data(as_text=True)


def test_first_login_four_pages_then_link(rp_client, rp_app, op):
    user_id = add_person(rp_app)
    assert login(rp_client, op).headers["Location"] == "/login/esia/first/person"
    first_login_to_page3(rp_client)
    for bad, message in [("abc12", "не короче 6 символов"), ("пароль123", "Только цифры и латинские буквы")]:
        res = post_form(rp_client, "/login/esia/first/password", {"password": bad, "repeat": bad})
        assert message in res.get_data(as_text=True)
    res = post_form(rp_client, "/login/esia/first/password", {"password": "abc123", "repeat": "abc124"})
    assert "Пароли не совпадают." in res.get_data(as_text=True)
    assert identities(rp_app) == []
    res = post_form(rp_client, "/login/esia/first/password", {"password": "newpass7", "repeat": "newpass7"})
    assert res.headers["Location"] == "/login/esia/first/done"
    assert "через кнопку «Вход через ГосУслуги»" in rp_client.get("/login/esia/first/done").get_data(as_text=True)
    assert identities(rp_app) == [(user_id, ISSUER, "1000000001")]
    with rp_app.app_context():
        user = db.session.get(User, user_id)
        assert (user.person.phone, user.person.email) == ("+79123456789", "masha@mail.ru")
    assert last_record(rp_app)["outcome"] == "linked_first_login"
    # the new diary password works, and the next Gosuslugi login signs in straight away
    client2 = rp_app.test_client()
    res = post_form(client2, "/login", {"login": "ivanova.m", "password": "newpass7"})
    assert res.headers["Location"] == "/diary"
    client3 = rp_app.test_client()
    assert login(client3, op).headers["Location"] == "/diary"
    assert last_record(rp_app)["outcome"] == "signed_in"


def test_abandoning_midway_links_nothing(rp_client, rp_app, op):
    add_person(rp_app)
    login(rp_client, op)
    first_login_to_page3(rp_client)
    assert identities(rp_app) == []
    # a fresh browser cannot jump into the sequence
    other = rp_app.test_client()
    assert other.get("/login/esia/first/password").status_code == 400
    # starting again from scratch drops the half-done sequence
    login(rp_client, op, code=None, error="access_denied")
    assert rp_client.get("/login/esia/first/password").status_code == 400
    assert identities(rp_app) == []


def test_pages_cannot_be_skipped(rp_client, rp_app, op):
    add_person(rp_app)
    login(rp_client, op)
    assert rp_client.get("/login/esia/first/password").headers["Location"] == "/login/esia/first/contacts"
    assert rp_client.get("/login/esia/first/contacts").headers["Location"] == "/login/esia/first/person"


def test_not_found_page_then_link_by_diary_login(rp_client, rp_app, op):
    user_id = add_person(rp_app, middle_name="Викторовна")  # patronymic differs
    res = login(rp_client, op)
    assert res.headers["Location"] == "/login/esia/not-found"
    body = rp_client.get("/login/esia/not-found").get_data(as_text=True)
    assert NOT_FOUND in body
    assert 'name="login"' in body and 'name="password"' in body
    assert "классного руководителя" in body and "school32arh@example.test" in body
    assert "Почему?" in body and "Отчество" in body  # lab "why?" panel
    res = post_form(rp_client, "/login/esia/not-found", {"login": "ivanova.m", "password": "dnevnik2024"})
    assert res.headers["Location"] == "/login/esia/confirm"
    assert "Привязать профиль Дневник.ру?" in rp_client.get("/login/esia/confirm").get_data(as_text=True)
    assert identities(rp_app) == []
    res = post_form(rp_client, "/login/esia/confirm")
    assert res.headers["Location"] == "/login/esia/first/done"
    assert identities(rp_app) == [(user_id, ISSUER, "1000000001")]
    assert last_record(rp_app)["outcome"] == "linked_diary_login"


def test_several_candidates_show_the_not_found_page(rp_client, rp_app, op):
    add_person(rp_app, login_name="a")
    add_person(rp_app, login_name="b")
    assert login(rp_client, op).headers["Location"] == "/login/esia/not-found"
    assert last_record(rp_app)["outcome"] == "ambiguous"


def test_wrong_diary_password_on_not_found_page_is_limited(rp_client, rp_app, op):
    rp_app.config["LOGIN_MAX_FAILURES"] = 2
    add_person(rp_app, snils="12345678964")
    login(rp_client, op)
    res = post_form(rp_client, "/login/esia/not-found", {"login": "ivanova.m", "password": "wrong11"})
    assert res.status_code == 400 and "Неверный логин или пароль." in res.get_data(as_text=True)
    res = post_form(rp_client, "/login/esia/not-found", {"login": "nobody", "password": "wrong11"})
    assert res.status_code == 429
    body = res.get_data(as_text=True)
    assert "Исчерпано число попыток" in body and 'name="password"' not in body
    assert identities(rp_app) == []
    assert last_record(rp_app)["legacy_attempts"] == 2


def test_insufficient_data_page(rp_client, rp_app, op):
    add_person(rp_app)
    op.claims.pop("snils")
    op.claims["trust_level"] = "simplified"
    res = login(rp_client, op)
    assert res.status_code == 403
    body = res.get_data(as_text=True)
    assert "упрощённая учётная запись" in body and "СНИЛС" in body and "заполните профиль" in body
    assert identities(rp_app) == []


def test_conflict_profile_already_linked_to_another_gosuslugi_account(rp_client, rp_app, op):
    user_id = add_person(rp_app)
    with rp_app.app_context():
        from rp.models.people import Identity

        db.session.add(Identity(user_id=user_id, issuer=ISSUER, subject="someone-else"))
        db.session.commit()
    res = login(rp_client, op)
    assert res.status_code == 409
    assert "уже привязан к другой учётной записи госуслуг" in res.get_data(as_text=True)
    assert identities(rp_app) == [(user_id, ISSUER, "someone-else")]


def test_conflict_gosuslugi_account_linked_meanwhile(rp_client, rp_app, op):
    """A concurrent first login linked this Gosuslugi account to another profile before we finished."""
    add_person(rp_app, middle_name="Викторовна")
    other = add_person(rp_app, login_name="other", snils="12345678964", birth_date=None)
    login(rp_client, op)
    post_form(rp_client, "/login/esia/not-found", {"login": "ivanova.m", "password": "dnevnik2024"})
    with rp_app.app_context():
        from rp.models.people import Identity

        db.session.add(Identity(user_id=other, issuer=ISSUER, subject="1000000001"))
        db.session.commit()
    res = post_form(rp_client, "/login/esia/confirm")
    assert res.status_code == 409
    assert "уже привязана к другому профилю" in res.get_data(as_text=True)
    assert identities(rp_app) == [(other, ISSUER, "1000000001")]


def test_unlink_from_settings_and_relink(rp_client, rp_app, op):
    user_id = add_person(rp_app)
    with rp_app.app_context():
        from rp.models.people import Identity

        db.session.add(Identity(user_id=user_id, issuer=ISSUER, subject="1000000001"))
        db.session.commit()
    assert login(rp_client, op).headers["Location"] == "/diary"
    assert "Привязана учётная запись госуслуг" in rp_client.get("/settings").get_data(as_text=True)
    post_form(rp_client, "/settings")
    assert identities(rp_app) == []
    assert login(rp_client, op).headers["Location"] == "/login/esia/first/person"


def test_lab_pages_and_json(rp_client, rp_app, op):
    add_person(rp_app, last_name="Иванов")
    login(rp_client, op)
    record_id = last_record(rp_app)["id"]
    assert "not_found" in rp_client.get("/lab/linking").get_data(as_text=True)
    page = rp_client.get(f"/lab/linking/{record_id}").get_data(as_text=True)
    # the received surname's extra letter is marked and named
    assert 'иванов<mark class="char-diff" title="кириллическая а">а</mark>' in page and "«кириллическая а»" in page
    data = rp_client.get(f"/api/lab/linking/{record_id}").get_json()
    assert data["outcome"] == "not_found"
    row = data["candidates"][0]["fields"][0]
    assert row == {
        "field": "last_name",
        "received": "Иванова",
        "received_normalized": "иванова",
        "diary": "Иванов",
        "diary_normalized": "иванов",
        "equal": False,
    }
    rp_app.config["LAB_MODE"] = False
    assert rp_client.get("/lab/linking").status_code == 404
    assert rp_client.get(f"/api/lab/linking/{record_id}").status_code == 404


def test_network_failure_at_discovery(rp_client, rp_app, op):
    import requests
    import responses

    op_url = f"{ISSUER}/.well-known/openid-configuration"
    with responses.RequestsMock() as rsps:
        rsps.add(responses.GET, op_url, body=requests.ConnectionError("down"))
        res = follow_outcome(rp_client, press_gosuslugi_button(rp_client))
    assert res.status_code == 502
    body = res.get_data(as_text=True)
    assert "Портал госуслуг недоступен" in body and 'href="/login"' in body
