"""Scripted claims: overrides for an account, a client, or both, in the ID token and userinfo."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from joserfc import jwt
from joserfc.jwk import KeySet

from fedlab.cli import main
from tests.idp.oidc.helpers import Flow


@pytest.fixture
def app(oidc_app):
    """The IdP with the confidential client ``app``."""
    return oidc_app


@pytest.fixture
def flow(app, account):
    driver = Flow(app, app.test_client())
    driver.login(account)
    return driver


def run(app, *args):
    with app.app_context():
        return CliRunner().invoke(main, ["idp", "claims", *args], catch_exceptions=False)


def login_claims(flow) -> tuple[dict, dict]:
    """Return (ID token claims, userinfo claims) of one login."""
    body = flow.tokens(scope="openid profile email")
    keys = KeySet.import_key_set(flow.client.get("/jwks.json").get_json())
    id_claims = jwt.decode(body["id_token"], keys, algorithms=["RS256"]).claims
    info = flow.client.get("/userinfo", headers={"Authorization": "Bearer " + body["access_token"]}).get_json()
    return id_claims, info


def test_account_override_reaches_id_token_and_userinfo(app, flow, account):
    res = run(app, "set", "--account", str(account.oid), 'family_name="Петрова"', "snils=null", "school=32", "--json")
    assert res.exit_code == 0, res.output
    id_claims, info = login_claims(flow)
    for claims in (id_claims, info):
        assert claims["family_name"] == "Петрова"
        assert claims["school"] == 32
        assert claims["given_name"] == "Мария"  # untouched claims stay


def test_null_removes_a_claim(app, flow, account):
    run(app, "set", "--account", str(account.oid), "email=null")
    id_claims, info = login_claims(flow)
    assert "email" not in id_claims and "email" not in info


def test_client_override_and_specific_wins(app, flow, account):
    run(app, "set", "--client", "app", 'middle_name=""', "note=client")
    run(app, "set", "--client", "app", "--account", str(account.oid), "note=both")
    run(app, "set", "--client", "someone-else", "note=elsewhere")
    id_claims, info = login_claims(flow)
    assert id_claims["middle_name"] == "" and info["note"] == "both"


def test_other_account_is_not_affected(app, flow):
    run(app, "set", "--account", "999999999", "family_name=Другая")
    id_claims, _ = login_claims(flow)
    assert id_claims["family_name"] == "Иванова"


def test_cli_list_clear_and_errors(app, account):
    run(app, "set", "--account", str(account.oid), "a=1", "b=[1,2]")
    listed = json.loads(run(app, "list", "--json").output)
    assert {(o["name"], json.dumps(o["value"])) for o in listed} == {("a", "1"), ("b", "[1, 2]")}
    assert json.loads(run(app, "clear", "--name", "a", "--json").output) == {"cleared": 1}
    assert json.loads(run(app, "clear", "--json").output) == {"cleared": 1}
    assert run(app, "set", "a=1").exit_code == 1  # no target
    assert run(app, "set", "--client", "app", "novalue").exit_code == 1


def test_api_set_list_delete(app, flow, account):
    client = app.test_client()
    resp = client.post("/api/lab/claims", json={"account_oid": account.oid, "claims": {"given_name": "Марья"}})
    assert resp.status_code == 201
    [created] = resp.get_json()["claims"]
    assert created["value"] == "Марья" and created["client_id"] is None
    assert login_claims(flow)[1]["given_name"] == "Марья"
    assert client.get("/api/lab/claims").get_json()["claims"][0]["id"] == created["id"]
    assert client.delete(f"/api/lab/claims/{created['id']}").status_code == 204
    assert client.delete(f"/api/lab/claims/{created['id']}").status_code == 404
    assert login_claims(flow)[1]["given_name"] == "Мария"


def test_api_rejects_bad_input(app):
    client = app.test_client()
    assert client.post("/api/lab/claims", json={"claims": {"a": 1}}).status_code == 400
    assert client.post("/api/lab/claims", json={"client_id": "app", "claims": {"bad name": 1}}).status_code == 400
    assert client.post("/api/lab/claims", json={"client_id": "app", "claims": []}).status_code == 400
    resp = client.post("/api/lab/claims", json={"client_id": 5, "claims": {"a": 1}})
    assert resp.status_code == 400 and resp.is_json
    remote = client.get("/api/lab/claims", environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert remote.status_code == 401
