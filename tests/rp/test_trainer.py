"""The diary's guided mode: banners naming the step on the login, first-login and not-found pages."""

from __future__ import annotations

import json

from click.testing import CliRunner

from fedlab.cli import main
from tests.helpers.forms import csrf_token
from tests.rp.fakeop import add_person
from tests.rp.fakeop import login


def switch(app, state: str):
    with app.app_context():
        return CliRunner().invoke(main, ["rp", "trainer", state, "--json"], catch_exceptions=False)


def test_off_by_default(rp_client):
    assert "Шаг 2" not in rp_client.get("/login").get_data(as_text=True)


def test_login_page_step(rp_app, rp_client):
    assert json.loads(switch(rp_app, "on").output) == {"trainer": True}
    html = rp_client.get("/login").get_data(as_text=True)
    assert "Шаг 2: Как зайти в Дневник.ру" in html and 'class="guide"' in html
    assert json.loads(switch(rp_app, "status").output) == {"trainer": True}
    switch(rp_app, "off")
    assert "Шаг 2" not in rp_client.get("/login").get_data(as_text=True)


def test_first_login_pages_have_steps(rp_app, rp_client, op):
    add_person(rp_app)
    switch(rp_app, "on")
    assert login(rp_client, op).headers["Location"] == "/login/esia/first/person"
    html = rp_client.get("/login/esia/first/person").get_data(as_text=True)
    assert "Шаг 2: Первый вход — проверьте данные о себе" in html


def test_not_found_page_has_step(rp_app, rp_client, op):
    switch(rp_app, "on")
    location = login(rp_client, op).headers["Location"]
    html = rp_client.get(location).get_data(as_text=True)
    assert "Шаг 2: Профиль не найден" in html and "классного руководителя" in html


def test_lab_form_switches_and_is_independent_of_the_idp(rp_app, rp_client, idp_app, idp_client):
    page = rp_client.get("/lab/trainer")
    assert page.status_code == 200
    rp_client.post("/lab/trainer", data={"csrf_token": csrf_token(page.get_data(as_text=True)), "enable": "1"})
    assert "Шаг 2: Как зайти" in rp_client.get("/login").get_data(as_text=True)
    assert "Шаг" not in idp_client.get("/registration").get_data(as_text=True)


def test_every_first_login_page_is_mapped():
    from rp import trainer

    for endpoint in ("esia.first_person", "esia.first_contacts", "esia.first_password", "esia.first_done"):
        assert str(trainer.step_for(endpoint).title).startswith("Шаг 2")
    assert trainer.step_for("esia.not_found") is not None
    assert trainer.step_for("diary.week") is None
