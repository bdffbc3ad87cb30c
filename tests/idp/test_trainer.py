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
    assert "Шаг 1" not in html


def test_cli_on_shows_steps_on_registration_and_login(idp_app, idp_client):
    assert json.loads(switch(idp_app, "on").output) == {"trainer": True}
    html = idp_client.get("/registration").get_data(as_text=True)
    assert "Шаг 1: Регистрация на ГосУслугах" in html and "Другой способ регистрации" in html
    assert 'class="guide"' in html
    login = idp_client.get("/login").get_data(as_text=True)
    assert "Шаг 1: Вход в личный кабинет" in login
    from_diary = idp_client.get("/login?next=/authorize%3Fclient_id%3Ddiary").get_data(as_text=True)
    assert "Шаг 2: Вход через ГосУслуги — введите телефон/e-mail/СНИЛС и пароль от ГосУслуг" in from_diary
    # Pages that are no step of the instructions carry no banner.
    assert "Шаг" not in idp_client.get("/lab").get_data(as_text=True)
    assert json.loads(switch(idp_app, "off").output) == {"trainer": False}
    assert "Шаг 1" not in idp_client.get("/registration").get_data(as_text=True)


def test_lab_page_form_switches(idp_client):
    page = idp_client.get("/lab/trainer")
    assert page.status_code == 200 and "выключен" in page.get_data(as_text=True)
    resp = idp_client.post(
        "/lab/trainer",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "enable": "1"},
        follow_redirects=True,
    )
    assert "Режим подсказок включён" in resp.get_data(as_text=True)
    assert "Шаг 1: Регистрация" in idp_client.get("/registration").get_data(as_text=True)
    html = idp_client.get("/lab/trainer").get_data(as_text=True)
    idp_client.post("/lab/trainer", data={"csrf_token": csrf_token(html), "disable": "1"})
    assert "Шаг 1" not in idp_client.get("/registration").get_data(as_text=True)


def test_form_without_csrf_changes_nothing(idp_client):
    idp_client.post("/lab/trainer", data={"enable": "1"})
    assert "Шаг 1" not in idp_client.get("/registration").get_data(as_text=True)


def test_every_registration_step_is_mapped():
    from idp import trainer

    for endpoint in ("registration.start", "registration.confirm", "registration.password", "registration.done"):
        assert str(trainer.step_for(endpoint).title).startswith("Шаг 1")
    assert str(trainer.step_for("auth.login", "/authorize?x=1").title).startswith("Шаг 2")
    assert trainer.step_for("lab.index") is None


def test_hidden_without_lab_mode(tmp_path):
    from idp import create_app

    app = create_app({"TESTING": True, "LAB_MODE": False, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.test_client().get("/lab/trainer").status_code == 404
