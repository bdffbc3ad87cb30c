"""Userinfo endpoint: GET and POST with a Bearer token, refusals of bad tokens, claims per scope."""

from __future__ import annotations


def test_check_07_userinfo_get_and_post_with_bearer(logged_in):
    body = logged_in.tokens()
    sub = logged_in.id_token_claims(body["id_token"])["sub"]
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    got = logged_in.client.get("/userinfo", headers=headers)
    posted = logged_in.client.post("/userinfo", headers=headers)
    assert got.status_code == posted.status_code == 200
    assert got.get_json()["sub"] == posted.get_json()["sub"] == sub


def test_check_08_userinfo_rejects_bad_tokens(logged_in):
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        resp = logged_in.client.get("/userinfo", headers=headers)
        assert resp.status_code == 401
        assert 'error="invalid_token"' in resp.headers["WWW-Authenticate"]
        assert resp.headers["WWW-Authenticate"].startswith("Bearer")


def test_check_09_scope_to_claims(logged_in):
    body = logged_in.tokens(scope="openid email")
    info = logged_in.client.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}).get_json()
    assert info["email"] == "maria@example.ru" and info["email_verified"] is True
    assert "family_name" not in info and "snils" not in info
    body = logged_in.tokens(scope="openid profile")
    info = logged_in.client.get("/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}).get_json()
    assert info["family_name"] == "Иванова" and "email" not in info
