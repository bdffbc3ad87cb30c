"""ID token: its claims, its signature by a published key, and the optional nonce."""

from __future__ import annotations

import time


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


def test_check_19_nonce_optional(logged_in):
    body = logged_in.tokens(nonce=None)
    assert "nonce" not in logged_in.id_token_claims(body["id_token"])
