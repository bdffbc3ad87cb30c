"""The diary's "Сбросить Дневник" button on its trainer lab page: the diary back to the demo start."""

from __future__ import annotations

from sqlalchemy import select

from rp.extensions import db
from rp.models.people import User
from shared import scenarios
from tests.helpers.forms import csrf_token


def _logins(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(User.login)))


def _load_lesson_state(client) -> None:
    response = client.post("/api/lab/scenario", json=scenarios.load("already-linked").to_document())
    assert response.status_code == 200, response.get_json()


def test_trainer_page_links_to_the_confirmation(rp_client):
    page = rp_client.get("/lab/trainer").get_data(as_text=True)
    assert "Сбросить Дневник" in page
    assert 'href="/lab/demo-reset"' in page


def test_confirmed_reset_returns_the_diary_to_the_demo(rp_app, rp_client):
    _load_lesson_state(rp_client)
    before = _logins(rp_app)
    rp_client.post("/api/lab/reset", json={"demo": True})
    demo = _logins(rp_app)
    _load_lesson_state(rp_client)
    assert _logins(rp_app) == before != demo

    page = rp_client.get("/lab/demo-reset")
    assert "Да, сбросить Дневник" in page.get_data(as_text=True)
    assert _logins(rp_app) == before  # asking changes nothing
    res = rp_client.post("/lab/demo-reset", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert res.status_code == 302 and res.headers["Location"].endswith("/lab/trainer")
    assert _logins(rp_app) == demo
    assert "Дневник вернулся к началу демонстрации." in rp_client.get("/lab/trainer").get_data(as_text=True)


def test_reset_without_csrf_changes_nothing(rp_app, rp_client):
    _load_lesson_state(rp_client)
    before = _logins(rp_app)
    assert rp_client.post("/lab/demo-reset").status_code == 400
    assert _logins(rp_app) == before


def test_reset_page_is_hidden_without_lab_mode(rp_app, rp_client):
    rp_app.config["LAB_MODE"] = False
    assert rp_client.get("/lab/demo-reset").status_code == 404
