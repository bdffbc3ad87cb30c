"""Token endpoint: the code exchange and its response, single-use and expiring codes bound to their client and
redirect URI, PKCE, client authentication.
"""

from __future__ import annotations

from datetime import timedelta

from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import basic
from tests.idp.oidc.helpers import pkce_pair
from tests.idp.oidc.helpers import query_of


def test_happy_code_flow_returns_tokens(logged_in):
    body = logged_in.tokens()
    assert body["token_type"].lower() == "bearer"
    assert "id_token" in body and "access_token" in body


def test_consent_denied_returns_access_denied(logged_in):
    resp, sent = logged_in.authorize(consent="deny")
    assert resp.status_code == 302
    got = query_of(resp.location)
    assert got["error"] == "access_denied" and got["state"] == sent["state"]


def test_check_04_token_response(logged_in):
    code, _ = logged_in.code()
    resp = logged_in.token(code)
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["access_token"] and body["id_token"]
    assert body["token_type"].lower() == "bearer"
    assert isinstance(body["expires_in"], int)
    assert "no-store" in resp.headers["Cache-Control"]


def test_check_10_code_is_single_use(logged_in):
    code, _ = logged_in.code()
    assert logged_in.token(code).status_code == 200
    again = logged_in.token(code)
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"


def test_check_11_code_reuse_revokes_tokens(logged_in):
    code, _ = logged_in.code()
    access = logged_in.token(code).get_json()["access_token"]
    assert logged_in.token(code).status_code == 400
    resp = logged_in.client.get("/userinfo", headers={"Authorization": f"Bearer {access}"})
    assert resp.status_code == 401


def test_check_12_code_expiry_and_binding(logged_in):
    from idp.db import db
    from idp.domain import labstate

    code, _ = logged_in.code()
    wrong_uri = logged_in.token(code, redirect_uri="https://app.example/cb2?x=1")
    assert wrong_uri.status_code == 400 and wrong_uri.get_json()["error"] == "invalid_grant"

    code, _ = logged_in.code()
    with logged_in.app.app_context():
        labstate.advance_clock(db.session, timedelta(minutes=11))
        db.session.commit()
    expired = logged_in.token(code)
    assert expired.status_code == 400 and expired.get_json()["error"] == "invalid_grant"


def test_check_17_pkce(logged_in):
    verifier, challenge = pkce_pair()
    code, _ = logged_in.code(code_challenge=challenge, code_challenge_method="S256")
    assert logged_in.token(code, code_verifier=verifier).status_code == 200
    for bad in ("x" * 50, None):
        code, _ = logged_in.code(code_challenge=challenge, code_challenge_method="S256")
        extra = {"code_verifier": bad} if bad else {}
        resp = logged_in.token(code, **extra)
        assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_grant"


def test_check_18_client_authentication(logged_in, oidc_app):
    from idp.db import db
    from idp.domain.clients import create_client

    with oidc_app.app_context():
        create_client(db.session, "postapp", "post-secret-01234", [REDIRECT], auth_method="client_secret_post")
        db.session.commit()
    code, _ = logged_in.code(client_id="postapp")
    resp = logged_in.token(code, headers={}, client_id="postapp", client_secret="post-secret-01234")
    assert resp.status_code == 200
    code, _ = logged_in.code()
    bad = logged_in.token(code, headers=basic(secret="wrong"))
    assert bad.status_code == 401 and bad.get_json()["error"] == "invalid_client"
    assert "WWW-Authenticate" in bad.headers
