"""Token introspection (RFC 7662): active and inactive tokens, client authentication required."""

from __future__ import annotations

from tests.idp.oidc.helpers import ISSUER
from tests.idp.oidc.helpers import basic


def _other_client(app) -> None:
    from idp.db import db
    from idp.domain.clients import create_client

    with app.app_context():
        create_client(db.session, "other", "other-secret-123", ["https://other.example/cb"])
        db.session.commit()


def test_active_access_token_is_described(logged_in, account):
    body = logged_in.tokens(scope="openid email")
    resp = logged_in.client.post("/introspect", data={"token": body["access_token"]}, headers=basic())
    assert resp.status_code == 200
    info = resp.get_json()
    assert info["active"] is True
    assert info["client_id"] == "app" and info["sub"] == str(account.oid) and info["iss"] == ISSUER
    assert info["scope"].split() == ["openid", "email"]
    assert info["exp"] > info["iat"]


def test_refresh_token_is_active_with_hint(logged_in):
    body = logged_in.tokens(scope="openid offline_access")
    data = {"token": body["refresh_token"], "token_type_hint": "refresh_token"}
    assert logged_in.client.post("/introspect", data=data, headers=basic()).get_json()["active"] is True


def test_revoked_and_unknown_tokens_are_inactive(logged_in):
    body = logged_in.tokens()
    assert logged_in.client.post("/revoke", data={"token": body["access_token"]}, headers=basic()).status_code == 200
    revoked = logged_in.client.post("/introspect", data={"token": body["access_token"]}, headers=basic())
    unknown = logged_in.client.post("/introspect", data={"token": "no-such-token"}, headers=basic())
    assert revoked.status_code == 200 and revoked.get_json() == {"active": False}
    assert unknown.status_code == 200 and unknown.get_json() == {"active": False}


def test_client_authentication_is_required(logged_in):
    body = logged_in.tokens()
    anonymous = logged_in.client.post("/introspect", data={"token": body["access_token"]})
    wrong = logged_in.client.post("/introspect", data={"token": body["access_token"]}, headers=basic(secret="bad"))
    for resp in (anonymous, wrong):
        assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_client"
        assert "active" not in resp.get_json()


def test_another_client_cannot_introspect_the_token(logged_in, oidc_app):
    _other_client(oidc_app)
    body = logged_in.tokens()
    resp = logged_in.client.post(
        "/introspect", data={"token": body["access_token"]}, headers=basic("other", "other-secret-123")
    )
    assert resp.get_json().get("active") is not True
    assert "sub" not in resp.get_json()
