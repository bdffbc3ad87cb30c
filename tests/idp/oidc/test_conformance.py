"""The 25 checks of CONFORMANCE.md that matter most, one named test each."""

from __future__ import annotations

import time
from datetime import timedelta

from tests.idp.oidc.conftest import ISSUER
from tests.idp.oidc.conftest import REDIRECT
from tests.idp.oidc.conftest import basic
from tests.idp.oidc.conftest import pkce_pair
from tests.idp.oidc.conftest import query_of


def test_check_01_discovery_document(flow):
    resp = flow.client.get("/.well-known/openid-configuration")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = resp.get_json()
    assert doc["issuer"] == ISSUER
    for key in ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri"):
        assert doc[key].startswith(ISSUER + "/")
    assert "code" in doc["response_types_supported"]
    assert doc["subject_types_supported"]
    assert "RS256" in doc["id_token_signing_alg_values_supported"]
    assert "openid" in doc["scopes_supported"]
    assert "S256" in doc["code_challenge_methods_supported"]
    assert doc["authorization_response_iss_parameter_supported"] is True


def test_check_02_jwks_public_keys_only(flow):
    keys = flow.client.get("/jwks.json").get_json()["keys"]
    assert keys
    kids = [k["kid"] for k in keys]
    assert len(kids) == len(set(kids))
    for key in keys:
        assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
        assert key["use"] == "sig" and key["alg"] in ("RS256", "ES256")


def test_check_03_happy_code_flow_echoes_state_and_iss(logged_in):
    resp, sent = logged_in.authorize()
    got = query_of(resp.location)
    assert resp.location.startswith(REDIRECT + "?")
    assert got["code"] and got["state"] == sent["state"] and got["iss"] == ISSUER


def test_check_04_token_response(logged_in):
    code, _ = logged_in.code()
    resp = logged_in.token(code)
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    body = resp.get_json()
    assert body["access_token"] and body["id_token"]
    assert body["token_type"].lower() == "bearer"
    assert isinstance(body["expires_in"], int)
    assert "no-store" in resp.headers["Cache-Control"]


def test_check_05_id_token_claims(logged_in, account):
    body = logged_in.tokens()
    claims = logged_in.id_token_claims(body["id_token"], nonce=body["_sent"]["nonce"])
    now = time.time()
    assert claims["sub"] == str(account.oid)
    assert claims["exp"] > now and claims["iat"] <= now + 1 and claims["iat"] > now - 300
    assert claims["nonce"] == body["_sent"]["nonce"]


def test_check_06_id_token_signature_rs256_with_published_kid(logged_in):
    body = logged_in.tokens()
    claims = logged_in.id_token_claims(body["id_token"])
    assert claims["_header"]["alg"] == "RS256"
    kids = [k["kid"] for k in logged_in.client.get("/jwks.json").get_json()["keys"]]
    assert claims["_header"]["kid"] in kids


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


def test_check_13_unregistered_redirect_uri_shows_page(logged_in):
    resp, _ = logged_in.authorize(redirect_uri="https://evil.example/cb")
    assert resp.status_code == 400 and resp.location is None
    assert "Ошибка входа в приложение" in resp.get_data(as_text=True)


def test_check_14_exact_redirect_uri_match(logged_in):
    for uri in ("https://app.example/cb2?x=2", "https://app.example/cb2?x=1&y=2", "https://app.example/cb/", None):
        resp, _ = logged_in.authorize(redirect_uri=uri)
        assert resp.status_code == 400 and resp.location is None, uri
    resp, _ = logged_in.authorize(redirect_uri="https://app.example/cb2?x=1")
    assert resp.status_code == 302 and resp.location.startswith("https://app.example/cb2?x=1&code=")


def test_check_15_unknown_client_shows_page(logged_in):
    resp, _ = logged_in.authorize(client_id="nobody")
    assert resp.status_code == 400 and resp.location is None


def test_check_16_missing_or_bad_response_type(logged_in):
    for value in (None, "token"):
        resp, sent = logged_in.authorize(response_type=value)
        assert resp.status_code == 302
        got = query_of(resp.location)
        assert got["error"] in ("unsupported_response_type", "invalid_request")
        assert got["state"] == sent["state"] and "code" not in got
    body = logged_in.tokens(scope="profile")  # no openid: plain OAuth 2.0, no ID token
    assert "id_token" not in body and body["access_token"]


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
        create_client(db.session, "postapp", "post-secret", [REDIRECT], auth_method="client_secret_post")
        db.session.commit()
    code, _ = logged_in.code(client_id="postapp")
    resp = logged_in.token(code, headers={}, client_id="postapp", client_secret="post-secret")
    assert resp.status_code == 200
    code, _ = logged_in.code()
    bad = logged_in.token(code, headers=basic(secret="wrong"))
    assert bad.status_code == 401 and bad.get_json()["error"] == "invalid_client"
    assert "WWW-Authenticate" in bad.headers


def test_check_19_nonce_optional(logged_in):
    body = logged_in.tokens(nonce=None)
    assert "nonce" not in logged_in.id_token_claims(body["id_token"])


def test_check_20_prompt_none(flow, account):
    resp, sent = flow.authorize(prompt="none")
    got = query_of(resp.location)
    assert got["error"] == "login_required" and got["state"] == sent["state"]
    flow.login(account)
    first = flow.tokens()
    resp, _ = flow.authorize(prompt="none", consent=None)
    code = query_of(resp.location)["code"]
    second = flow.token(code).get_json()
    assert flow.id_token_claims(second["id_token"])["sub"] == flow.id_token_claims(first["id_token"])["sub"]


def test_check_21_prompt_login_and_max_age_force_reauthentication(flow, account):
    flow.login(account, auth_time=int(time.time()) - 100)
    first = flow.id_token_claims(flow.tokens()["id_token"])
    for params in ({"prompt": "login"}, {"max_age": "1"}):
        resp, _ = flow.authorize(**params)
        assert resp.status_code == 302 and "/login" in resp.location and "next=" in resp.location
    resp, _ = flow.authorize(max_age="10000", consent=None)
    assert query_of(resp.location)["code"]
    flow.login(account)  # the person logs in again
    again = flow.id_token_claims(flow.tokens(max_age="1")["id_token"])
    assert again["auth_time"] > first["auth_time"]


def test_check_22_robust_parsing(logged_in):
    resp, sent = logged_in.authorize(
        scope="email openid profile",
        extra="foobar",
        display="popup",
        ui_locales="en",
        login_hint="maria@example.ru",
        claims_locales="ru",
        acr_values="1 2",
    )
    assert resp.status_code == 302 and query_of(resp.location)["state"] == sent["state"]
    assert "code" in query_of(resp.location)


def test_check_23_post_to_authorization_endpoint(logged_in):
    resp, sent = logged_in.authorize(method="POST")
    assert resp.status_code == 302 and query_of(resp.location)["code"]


def test_check_24_error_hygiene(flow, logged_in):
    resp, _ = logged_in.authorize(prompt="none", consent=None)
    got = query_of(resp.location)
    assert set(got) <= {"error", "error_description", "state", "iss"}
    assert not any(c in got.get("error_description", "") for c in "\r\n\t")
    bad = logged_in.client.post("/token", data={"grant_type": "authorization_code", "code": "x"}, headers=basic())
    assert bad.status_code == 400 and bad.get_json()["error"] == "invalid_grant"
    unknown = logged_in.client.post(
        "/token", data={"grant_type": "authorization_code", "code": "x"}, headers=basic(client_id="nobody")
    )
    assert unknown.status_code == 401 and "WWW-Authenticate" in unknown.headers


def test_check_25_refresh_token_rotates_and_is_bound(logged_in, oidc_app):
    from idp.db import db
    from idp.domain.clients import create_client

    body = logged_in.tokens(scope="openid offline_access")
    refresh = body["refresh_token"]
    data = {"grant_type": "refresh_token", "refresh_token": refresh}
    with oidc_app.app_context():
        create_client(db.session, "other", "other-secret", [REDIRECT])
        db.session.commit()
    stolen = logged_in.client.post("/token", data=data, headers=basic("other", "other-secret"))
    assert stolen.status_code == 400 and stolen.get_json()["error"] == "invalid_grant"
    first = logged_in.client.post("/token", data=data, headers=basic())
    assert first.status_code == 200 and first.get_json()["refresh_token"] != refresh
    again = logged_in.client.post("/token", data=data, headers=basic())
    assert again.status_code == 400 and again.get_json()["error"] == "invalid_grant"
