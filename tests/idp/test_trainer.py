"""The IdP's guided mode: a banner naming the step of the instructions on registration and login screens."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fedlab.cli import main
from tests.helpers.forms import csrf_token


def switch(app, state: str):
    with app.app_context():
        return CliRunner().invoke(main, ["idp", "trainer", state, "--json"], catch_exceptions=False)


def test_off_by_default_no_banner(idp_client):
    html = idp_client.get("/registration").get_data(as_text=True)
    assert 'class="guide"' not in html


def test_cli_on_shows_steps_on_registration_and_login(idp_app, idp_client):
    assert json.loads(switch(idp_app, "on").output) == {"trainer": True}
    html = idp_client.get("/registration").get_data(as_text=True)
    assert "Регистрация, шаг 1 из 7: окно «Регистрация» — выберите ниже «Другой способ регистрации»" in html
    assert 'class="guide"' in html
    login = idp_client.get("/login").get_data(as_text=True)
    assert "Регистрация, шаг 6 из 7: личный кабинет" in login
    from_diary = idp_client.get("/login?next=/authorize%3Fclient_id%3Ddiary").get_data(as_text=True)
    assert "Вход в Дневник.ру через ГосУслуги, шаг 4 из 5: окно авторизации ГосУслуг" in from_diary
    # Pages that are no step of the instructions carry no banner.
    assert 'class="guide"' not in idp_client.get("/lab").get_data(as_text=True)
    assert json.loads(switch(idp_app, "off").output) == {"trainer": False}
    assert 'class="guide"' not in idp_client.get("/registration").get_data(as_text=True)


def test_lab_page_form_switches(idp_client):
    page = idp_client.get("/lab/trainer")
    assert page.status_code == 200 and "выключен" in page.get_data(as_text=True)
    resp = idp_client.post(
        "/lab/trainer",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "enable": "1"},
        follow_redirects=True,
    )
    assert "Режим подсказок включён" in resp.get_data(as_text=True)
    assert "Регистрация, шаг 1 из 7" in idp_client.get("/registration").get_data(as_text=True)
    html = idp_client.get("/lab/trainer").get_data(as_text=True)
    idp_client.post("/lab/trainer", data={"csrf_token": csrf_token(html), "disable": "1"})
    assert 'class="guide"' not in idp_client.get("/registration").get_data(as_text=True)


def test_form_without_csrf_changes_nothing(idp_client):
    idp_client.post("/lab/trainer", data={"enable": "1"})
    assert 'class="guide"' not in idp_client.get("/registration").get_data(as_text=True)


def test_every_registration_step_is_mapped_in_journey_order(idp_app):
    from idp import trainer

    screens = (
        "registration.start",
        "registration.other",
        "registration.confirm",
        "registration.password",
        "registration.done",
        "profile.edit",
        "profile.index",
    )
    with idp_app.test_request_context():
        titles = [str(trainer.step_for(endpoint).title) for endpoint in screens]
        assert titles == [title for title in titles if title.startswith("Регистрация, шаг ")]
        assert [t.split(":")[0] for t in titles] == [f"Регистрация, шаг {n} из 7" for n in range(1, 8)]
        assert str(trainer.step_for("registration.link").title) == titles[2]  # the e-mail link is step 3 too
        login = str(trainer.step_for("auth.login", "/authorize?x=1").title)
        assert login.startswith("Вход в Дневник.ру через ГосУслуги, шаг 4 из 5")
        esia = str(trainer.step_for("auth.login", "/aas/oauth2/v2/ac?client_id=x").title)
        assert esia == login
        assert str(trainer.step_for("oidc.authorization.authorize").title).startswith(
            "Вход в Дневник.ру через ГосУслуги, шаг 5 из 5"
        )
        assert trainer.step_for("lab.index") is None


def test_the_banner_speaks_english_too(idp_app, idp_client):
    switch(idp_app, "on")
    html = idp_client.get("/registration/other?lang=en").get_data(as_text=True)
    assert "Registration, step 2 of 7: " in html


def test_the_other_way_registers_with_phone_and_email(idp_app, idp_client):
    from tests.idp.code_flow_helpers import post_form

    data = {"last_name": "Иванов", "first_name": "Иван", "phone": "+7 912 3456789", "email": "", "channel": "sms"}
    refused = post_form(idp_client, "/registration/other", data)
    assert refused.status_code == 200 and "Другой способ регистрации" in refused.get_data(as_text=True)
    assert 'id="email"' in refused.get_data(as_text=True)  # the other way's form again, with its reason
    ok = post_form(idp_client, "/registration/other", {**data, "email": "ivan@example.ru", "channel": "email"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/registration/confirm")


def test_registration_by_phone_alone_needs_no_email(idp_app, idp_client):
    from sqlalchemy import select

    from idp.db import db
    from idp.models.accounts import Account
    from tests.idp.code_flow_helpers import post_form
    from tests.idp.test_registration import GOOD_PASSWORD
    from tests.idp.test_registration import enter_code
    from tests.idp.test_registration import last_code
    from tests.idp.test_registration import set_password

    page = idp_client.get("/registration").get_data(as_text=True)
    assert 'id="email"' not in page and 'id="phone"' in page
    res = post_form(
        idp_client, "/registration", {"last_name": "Иванов", "first_name": "Иван", "phone": "8 912 345 67 89"}
    )
    assert res.status_code == 302 and res.headers["Location"].endswith("/registration/confirm")
    assert enter_code(idp_client, last_code(idp_app)).status_code == 302
    assert set_password(idp_client, GOOD_PASSWORD).status_code == 302
    with idp_app.app_context():
        account = db.session.scalar(select(Account).where(Account.phone == "+79123456789"))
        assert account.email is None and account.phone_verified


def test_hidden_without_lab_mode(tmp_path):
    from idp import create_app

    app = create_app({"TESTING": True, "LAB_MODE": False, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.test_client().get("/lab/trainer").status_code == 404
