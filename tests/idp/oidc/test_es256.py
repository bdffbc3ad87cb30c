"""ES256 signing keys: ``fedlab idp keys rotate --alg ES256``, clients registered for ES256 ID tokens
(``fedlab idp client create --id-token-alg ES256`` or dynamic registration), and RS256 clients that keep
RS256 whatever else is rotated.
"""

from __future__ import annotations

import json

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import SECRET
from tests.idp.oidc.helpers import basic

ES_CLIENT = "es-app"


def _cli(app, *args: str) -> dict:
    from idp.cli import idp_cli

    with app.app_context():
        result = app.test_cli_runner().invoke(idp_cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _rotate(app, alg: str) -> dict:
    return _cli(app, "keys", "rotate", "--alg", alg)


def _verify(flow, id_token: str):
    keys = KeySet.import_key_set(flow.client.get("/jwks.json").get_json())
    return jwt.decode(id_token, keys, algorithms=["RS256", "ES256"])


def _tokens_of(flow, client_id: str) -> dict:
    """Run authorize + token for ``client_id`` (secret SECRET) and return the token response."""
    code, _ = flow.code(client_id=client_id)
    response = flow.token(code, headers=basic(client_id, SECRET))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture
def es_client(oidc_app) -> dict:
    """A client registered with ``--id-token-alg ES256`` beside the default (RS256) client ``app``."""
    created = _cli(
        oidc_app,
        "client",
        "create",
        "--client-id",
        ES_CLIENT,
        "--secret",
        SECRET,
        "--redirect-uri",
        REDIRECT,
        "--id-token-alg",
        "ES256",
    )
    assert created["id_token_signed_response_alg"] == "ES256"
    return created


def test_es256_rotation_signs_es256_clients_tokens_that_verify_via_jwks(logged_in, oidc_app, es_client):
    before = logged_in.tokens()  # client "app": signed by the first (RS256) key
    old_header = _verify(logged_in, before["id_token"]).header
    assert old_header["alg"] == "RS256"

    new_key = _rotate(oidc_app, "ES256")
    assert new_key["alg"] == "ES256" and new_key["active"] is True

    published = {k["kid"]: k for k in logged_in.client.get("/jwks.json").get_json()["keys"]}
    assert published[new_key["kid"]]["kty"] == "EC" and published[new_key["kid"]]["crv"] == "P-256"
    assert published[new_key["kid"]]["alg"] == "ES256" and "d" not in published[new_key["kid"]]
    assert published[old_header["kid"]]["alg"] == "RS256"  # the RS256 key is still published

    token = _verify(logged_in, _tokens_of(logged_in, ES_CLIENT)["id_token"])
    assert token.header["alg"] == "ES256" and token.header["kid"] == new_key["kid"]
    assert token.claims["aud"] == ES_CLIENT
    # A token signed before the rotation still verifies.
    assert _verify(logged_in, before["id_token"]).claims["sub"] == token.claims["sub"]


def test_rs256_client_keeps_rs256_after_an_es256_rotation(logged_in, oidc_app, es_client):
    first = _verify(logged_in, logged_in.tokens()["id_token"]).header
    _rotate(oidc_app, "ES256")
    after = _verify(logged_in, logged_in.tokens()["id_token"])
    assert after.header["alg"] == "RS256" and after.header["kid"] == first["kid"]
    assert after.claims["aud"] == "app"
    listed = _cli(oidc_app, "keys", "list")
    assert {(k["alg"], k["active"]) for k in listed} == {("RS256", True), ("ES256", True)}


def test_es256_client_gets_an_es256_key_even_before_any_rotation(logged_in, es_client):
    token = _verify(logged_in, _tokens_of(logged_in, ES_CLIENT)["id_token"])
    assert token.header["alg"] == "ES256"
    assert {k["alg"] for k in logged_in.client.get("/jwks.json").get_json()["keys"]} == {"RS256", "ES256"}


def test_es256_advertised_in_discovery(flow):
    doc = flow.client.get("/.well-known/openid-configuration").get_json()
    assert "ES256" in doc["id_token_signing_alg_values_supported"]


def test_rotating_rs256_retires_only_the_old_rs256_key(logged_in, oidc_app, es_client):
    logged_in.client.get("/jwks.json")  # the first (RS256) key is generated on first use
    es = _rotate(oidc_app, "ES256")
    rs = _rotate(oidc_app, "RS256")
    token = _verify(logged_in, logged_in.tokens()["id_token"])
    assert token.header == {**token.header, "alg": "RS256", "kid": rs["kid"]}
    es_token = _verify(logged_in, _tokens_of(logged_in, ES_CLIENT)["id_token"])
    assert es_token.header["kid"] == es["kid"]  # the ES256 key was not touched
    assert len(logged_in.client.get("/jwks.json").get_json()["keys"]) == 3  # the retired RS256 key too
    active = {(k["alg"], k["kid"]) for k in _cli(oidc_app, "keys", "list") if k["active"]}
    assert active == {("RS256", rs["kid"]), ("ES256", es["kid"])}


def test_dynamically_registered_es256_client(logged_in, account):
    logged_in.app.config.update(DYNAMIC_REGISTRATION=True, DYNAMIC_REGISTRATION_OPEN=True)
    response = logged_in.client.post(
        "/register", json={"redirect_uris": [REDIRECT], "id_token_signed_response_alg": "ES256"}
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["id_token_signed_response_alg"] == "ES256"
    code, _ = logged_in.code(client_id=body["client_id"])
    tokens = logged_in.token(code, headers=basic(body["client_id"], body["client_secret"])).get_json()
    assert _verify(logged_in, tokens["id_token"]).header["alg"] == "ES256"
