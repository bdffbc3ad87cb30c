"""The IdP's lab API: reset, apply a scenario's IdP side, lab token off loopback, 404 without lab mode."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy import select

from idp.db import db
from idp.models import Account
from idp.models import LabSetting
from idp.models import Message
from idp.models import OAuth2Client
from idp.models import RegistryCitizen
from idp.models import VerificationCheck
from shared import scenarios
from tests.helpers.forms import csrf_token

REMOTE = {"REMOTE_ADDR": "203.0.113.7"}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def seed_some_state(app) -> None:
    from idp.domain.clients import ensure_client

    with app.app_context():
        ensure_client(db.session, "dnevnik", "s3cret-of-dnevnik", ["http://rp.test/login/callback"], name="Дневник.ру")
        db.session.add(LabSetting(key="clock_offset_seconds", value="86400"))
        db.session.add(Message(channel="sms", recipient="+79110000000", body="code 123456"))
        db.session.commit()


def test_reset_wipes_the_lab_but_keeps_clients(idp_app, idp_client):
    seed_some_state(idp_app)
    response = idp_client.post("/api/lab/reset", json={"demo": True})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["seeded"]["accounts"] == 5
    assert count(idp_app, Account) == 5 and count(idp_app, RegistryCitizen) > 5
    assert count(idp_app, Message) == 0 and count(idp_app, LabSetting) == 0
    assert count(idp_app, OAuth2Client) == 1

    response = idp_client.post("/api/lab/reset", json={"demo": False, "keep_clients": False})
    assert response.get_json() == {**response.get_json(), "reset": True, "demo": False}
    assert count(idp_app, Account) == 0 and count(idp_app, OAuth2Client) == 0


def test_scenario_creates_exactly_its_accounts_and_registry(idp_app, idp_client):
    idp_client.post("/api/lab/reset", json={"demo": True})
    document = scenarios.load("verification-pending").to_document()
    response = idp_client.post("/api/lab/scenario", json=document)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["accounts"] == [
        {"key": "volkova", "oid": 1100000012, "login": "+79112000012", "level": "simplified"}
    ]
    with idp_app.app_context():
        account = db.session.scalar(select(Account))
        assert (account.oid, account.level, account.profile_status, account.snils) == (
            1100000012,
            "simplified",
            "pending",
            "20010131342",
        )
        assert db.session.scalar(select(VerificationCheck)).status == "pending"
    assert count(idp_app, Account) == 1 and count(idp_app, RegistryCitizen) == 1


def test_the_scenario_account_can_log_in_with_its_password(idp_app, idp_client):
    document = scenarios.load("exact-match-first-login").to_document()
    assert idp_client.post("/api/lab/scenario", json=document).status_code == 200
    page = idp_client.get("/login").get_data(as_text=True)
    token = csrf_token(page)
    response = idp_client.post(
        "/login", data={"csrf_token": token, "login": "+79112000001", "password": "Gosuslugi+2024", "next": ""}
    )
    assert response.status_code == 302


def test_a_bad_document_is_400_and_writes_nothing(idp_app, idp_client):
    idp_client.post("/api/lab/reset", json={"demo": True})
    document = scenarios.load("exact-match-first-login").to_document()
    document["expect"]["outcome"] = "found"
    response = idp_client.post("/api/lab/scenario", json=document)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_scenario" and "expect.outcome" in body["error_description"]
    assert count(idp_app, Account) == 5


def test_an_account_the_idp_refuses_rolls_everything_back(idp_app, idp_client):
    idp_client.post("/api/lab/reset", json={"demo": True})
    document = scenarios.load("two-profiles-match").to_document()
    document["idp"]["accounts"][0]["password"] = "short"  # against the IdP password policy
    response = idp_client.post("/api/lab/scenario", json=document)
    assert response.status_code == 400
    assert "idp.accounts[0] (morozov): password" in response.get_json()["error_description"]
    assert count(idp_app, Account) == 5  # the wipe was rolled back too


def test_not_json_and_not_an_object_are_400(idp_client):
    response = idp_client.post("/api/lab/scenario", data="title: x", content_type="text/yaml")
    assert response.status_code == 415 and response.get_json()["error"] == "unsupported_media_type"
    response = idp_client.post("/api/lab/scenario", data="title: x", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_request"
    assert idp_client.post("/api/lab/scenario", json=[1, 2]).get_json()["error"] == "invalid_scenario"
    assert idp_client.post("/api/lab/reset", json={"demo": "yes"}).get_json()["error"] == "invalid_request"


def test_off_loopback_the_lab_token_is_required(idp_app, idp_client):
    response = idp_client.post("/api/lab/reset", json={"demo": False}, environ_base=REMOTE)
    assert response.status_code == 401
    assert response.get_json()["error"] == "lab_token_required"
    wrong = idp_client.post(
        "/api/lab/reset", json={"demo": False}, environ_base=REMOTE, headers={"X-Lab-Token": "nope"}
    )
    assert wrong.status_code == 401
    right = idp_client.post(
        "/api/lab/reset",
        json={"demo": False},
        environ_base=REMOTE,
        headers={"X-Lab-Token": idp_app.config["LAB_TOKEN"]},
    )
    assert right.status_code == 200


def test_without_lab_mode_the_api_is_404(idp_app, idp_client):
    idp_app.config["LAB_MODE"] = False
    assert idp_client.post("/api/lab/reset", json={}).status_code == 404
    assert idp_client.post("/api/lab/scenario", json={}).status_code == 404
