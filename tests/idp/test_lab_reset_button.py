"""The trainer's "Сбросить демо для следующей группы" on the IdP lab page: both apps back to the demo start."""

from __future__ import annotations

import json

import pytest
import requests
import responses
from sqlalchemy import func
from sqlalchemy import select

from idp.db import db
from idp.models import Account
from idp.models import Message
from tests.helpers.forms import csrf_token
from tests.idp.profile_helpers import make_account

RP_URL = "http://diary.test:5002"
RESET_URL = RP_URL + "/api/lab/reset"


@pytest.fixture
def app(idp_app):
    idp_app.config.update(LAB_RP_URL=RP_URL, LAB_TOKEN="the-lab-token")
    make_account(idp_app, last_name="Участникова")  # made during the lesson: must go
    with idp_app.app_context():
        db.session.add(Message(channel="sms", recipient="+79110000000", body="code 123456"))
        db.session.commit()
    return idp_app


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _last_names(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Account.last_name)))


def _confirm(client):
    page = client.get("/lab/demo-reset")
    assert page.status_code == 200
    return client.post("/lab/demo-reset", data={"csrf_token": csrf_token(page.get_data(as_text=True))})


def test_lab_page_links_to_the_confirmation(idp_client):
    page = idp_client.get("/lab").get_data(as_text=True)
    assert "Сбросить демо для следующей группы" in page
    assert 'href="/lab/demo-reset"' in page


def test_confirmation_page_changes_nothing(app, idp_client):
    page = idp_client.get("/lab/demo-reset").get_data(as_text=True)
    assert "Да, сбросить демо" in page
    assert RP_URL in page
    assert "Участникова" in _last_names(app)


@responses.activate
def test_reset_returns_both_apps_to_the_demo(app, idp_client):
    responses.post(RESET_URL, json={"reset": True, "demo": True, "deleted": {}, "seeded": {}})
    res = _confirm(idp_client)
    assert res.status_code == 302 and res.headers["Location"].endswith("/lab")
    assert "Участникова" not in _last_names(app)
    assert _count(app, Account) == 5  # the demo people
    assert _count(app, Message) == 0
    (call,) = responses.calls
    assert call.request.headers["X-Lab-Token"] == "the-lab-token"
    assert json.loads(call.request.body) == {"demo": True}
    page = idp_client.get("/lab").get_data(as_text=True)
    assert "Демо сброшено: госуслуги и Дневник вернулись к началу." in page


@responses.activate
def test_unreachable_diary_is_reported_but_the_idp_is_reset(app, idp_client):
    responses.post(RESET_URL, body=requests.ConnectionError("connection refused"))
    _confirm(idp_client)
    assert "Участникова" not in _last_names(app)
    page = idp_client.get("/lab").get_data(as_text=True)
    assert "Госуслуги сброшены, но Дневник по адресу" in page
    assert RESET_URL in page


@responses.activate
def test_diary_refusing_the_token_is_reported(app, idp_client):
    responses.post(RESET_URL, status=401, json={"error": "lab_token_required"})
    _confirm(idp_client)
    page = idp_client.get("/lab").get_data(as_text=True)
    assert "HTTP 401" in page
    assert _count(app, Account) == 5


@responses.activate
def test_reset_needs_the_csrf_token(app, idp_client):
    assert idp_client.post("/lab/demo-reset").status_code == 400
    assert "Участникова" in _last_names(app)
    assert len(responses.calls) == 0


def test_reset_button_is_hidden_without_lab_mode(idp_app, idp_client):
    idp_app.config["LAB_MODE"] = False
    assert idp_client.get("/lab/demo-reset").status_code == 404
    token = csrf_token(idp_client.get("/login").get_data(as_text=True))  # past the CSRF check, to the lab-mode rule
    assert idp_client.post("/lab/demo-reset", data={"csrf_token": token}).status_code == 404
