"""Replay of OAuth credentials at the IdP: a refresh token works once; a code works once."""

from __future__ import annotations

from tests.idp.oidc.helpers import basic


def refresh(flow, refresh_token: str):
    return flow.client.post(
        "/token", data={"grant_type": "refresh_token", "refresh_token": refresh_token}, headers=basic()
    )


def test_refresh_token_replay_is_refused(flow):
    first = flow.tokens(scope="openid offline_access")
    rotated = refresh(flow, first["refresh_token"])
    assert rotated.status_code == 200
    replay = refresh(flow, first["refresh_token"])
    assert replay.status_code == 400
    assert replay.get_json()["error"] == "invalid_grant"
    # A replay means the token leaked: the whole family dies, the pair issued from it included.
    old = flow.client.get("/userinfo", headers={"Authorization": "Bearer " + first["access_token"]})
    assert old.status_code == 401
    new = flow.client.get("/userinfo", headers={"Authorization": "Bearer " + rotated.get_json()["access_token"]})
    assert new.status_code == 401
    again = refresh(flow, rotated.get_json()["refresh_token"])
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"


def test_refresh_before_any_replay_keeps_working(flow):
    first = flow.tokens(scope="openid offline_access")
    second = refresh(flow, first["refresh_token"]).get_json()
    third = refresh(flow, second["refresh_token"])
    assert third.status_code == 200
    new = flow.client.get("/userinfo", headers={"Authorization": "Bearer " + third.get_json()["access_token"]})
    assert new.status_code == 200


def test_refresh_token_of_another_client_is_refused(flow):
    from idp.db import db
    from idp.domain.clients import create_client

    with flow.app.app_context():
        create_client(db.session, "other", "other-secret-0123", ["https://other.example/cb"])
        db.session.commit()
    first = flow.tokens(scope="openid offline_access")
    res = flow.client.post(
        "/token",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
        headers=basic("other", "other-secret-0123"),
    )
    assert res.status_code == 400 and res.get_json()["error"] == "invalid_grant"
    assert refresh(flow, first["refresh_token"]).status_code == 200


def test_code_replay_is_refused(flow):
    code, _ = flow.code()
    assert flow.token(code).status_code == 200
    replay = flow.token(code)
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_grant"
