"""Token revocation (RFC 7009): either token of a pair revokes both; client authentication is required."""

from __future__ import annotations

from tests.idp.oidc.helpers import basic


def _userinfo_status(flow, access_token: str) -> int:
    return flow.client.get("/userinfo", headers={"Authorization": f"Bearer {access_token}"}).status_code


def test_revoking_the_access_token_stops_userinfo(logged_in):
    body = logged_in.tokens()
    assert _userinfo_status(logged_in, body["access_token"]) == 200
    resp = logged_in.client.post(
        "/revoke", data={"token": body["access_token"], "token_type_hint": "access_token"}, headers=basic()
    )
    assert resp.status_code == 200
    assert _userinfo_status(logged_in, body["access_token"]) == 401


def test_revoking_the_refresh_token_kills_the_pair(logged_in):
    body = logged_in.tokens(scope="openid offline_access")
    resp = logged_in.client.post("/revoke", data={"token": body["refresh_token"]}, headers=basic())
    assert resp.status_code == 200
    assert _userinfo_status(logged_in, body["access_token"]) == 401
    refresh = logged_in.client.post(
        "/token", data={"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}, headers=basic()
    )
    assert refresh.status_code == 400 and refresh.get_json()["error"] == "invalid_grant"


def test_unknown_token_gives_200(logged_in):
    assert logged_in.client.post("/revoke", data={"token": "never-issued"}, headers=basic()).status_code == 200


def test_revocation_needs_client_authentication(logged_in):
    body = logged_in.tokens()
    resp = logged_in.client.post("/revoke", data={"token": body["access_token"]})
    assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_client"
    assert _userinfo_status(logged_in, body["access_token"]) == 200


def test_another_client_cannot_revoke_the_token(logged_in, oidc_app):
    from idp.db import db
    from idp.domain.clients import create_client

    with oidc_app.app_context():
        create_client(db.session, "other", "other-secret-123", ["https://other.example/cb"])
        db.session.commit()
    body = logged_in.tokens()
    logged_in.client.post("/revoke", data={"token": body["access_token"]}, headers=basic("other", "other-secret-123"))
    assert _userinfo_status(logged_in, body["access_token"]) == 200
