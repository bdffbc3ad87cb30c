"""ES256 signing keys: ``fedlab idp keys rotate --alg ES256`` and ID tokens that verify via the JWKS."""

from __future__ import annotations

import json

from joserfc import jwt
from joserfc.jwk import KeySet


def _rotate(app, alg: str) -> dict:
    from idp.cli import idp_cli

    with app.app_context():
        result = app.test_cli_runner().invoke(idp_cli, ["keys", "rotate", "--alg", alg, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _verify(flow, id_token: str):
    keys = KeySet.import_key_set(flow.client.get("/jwks.json").get_json())
    return jwt.decode(id_token, keys, algorithms=["RS256", "ES256"])


def test_es256_rotation_signs_id_tokens_that_verify_via_jwks(logged_in, oidc_app):
    before = logged_in.tokens()  # signed by the first (RS256) key
    old_header = _verify(logged_in, before["id_token"]).header
    assert old_header["alg"] == "RS256"

    new_key = _rotate(oidc_app, "ES256")
    assert new_key["alg"] == "ES256" and new_key["active"] is True

    published = {k["kid"]: k for k in logged_in.client.get("/jwks.json").get_json()["keys"]}
    assert published[new_key["kid"]]["kty"] == "EC" and published[new_key["kid"]]["crv"] == "P-256"
    assert published[new_key["kid"]]["alg"] == "ES256" and "d" not in published[new_key["kid"]]
    assert published[old_header["kid"]]["alg"] == "RS256"  # the old key is still published

    after = logged_in.tokens()
    token = _verify(logged_in, after["id_token"])
    assert token.header["alg"] == "ES256" and token.header["kid"] == new_key["kid"]
    assert token.claims["aud"] == "app"
    # A token signed before the rotation still verifies.
    assert _verify(logged_in, before["id_token"]).claims["sub"] == token.claims["sub"]


def test_es256_advertised_in_discovery(flow):
    doc = flow.client.get("/.well-known/openid-configuration").get_json()
    assert "ES256" in doc["id_token_signing_alg_values_supported"]


def test_rotating_back_to_rs256(logged_in, oidc_app):
    logged_in.client.get("/jwks.json")  # the first key is generated on first use
    _rotate(oidc_app, "ES256")
    rs = _rotate(oidc_app, "RS256")
    token = _verify(logged_in, logged_in.tokens()["id_token"])
    assert token.header == {**token.header, "alg": "RS256", "kid": rs["kid"]}
    assert len(logged_in.client.get("/jwks.json").get_json()["keys"]) == 3
