"""``private_key_jwt`` client authentication (RFC 7523) against the client's registered JWKS."""

from __future__ import annotations

import time

import pytest
from joserfc.jwk import RSAKey

from tests.idp.oidc.helpers import ISSUER
from tests.idp.oidc.helpers import JWT_CLIENT as CLIENT
from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import assertion
from tests.idp.oidc.helpers import exchange
from tests.idp.oidc.helpers import query_of


def test_signed_assertion_is_accepted(jwt_flow, client_key):
    resp = exchange(jwt_flow, assertion(client_key))
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["access_token"] and resp.get_json()["id_token"]


def test_assertion_with_issuer_as_audience_is_accepted(jwt_flow, client_key):
    resp = exchange(jwt_flow, assertion(client_key, aud=ISSUER))
    assert resp.status_code == 200, resp.get_json()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(
            lambda key: assertion(RSAKey.generate_key(2048, parameters={"kid": "client-1"}, private=True)),
            id="wrong-key",
        ),
        pytest.param(lambda key: assertion(key, iat=int(time.time()) - 600, exp=int(time.time()) - 300), id="expired"),
        pytest.param(lambda key: assertion(key, aud="https://elsewhere.example/token"), id="wrong-audience"),
        pytest.param(lambda key: assertion(key, iss="someone-else", sub="someone-else"), id="other-client"),
        pytest.param(lambda key: "not.a.jwt", id="garbage"),
    ],
)
def test_bad_assertions_are_refused(jwt_flow, client_key, spoil):
    resp = exchange(jwt_flow, spoil(client_key))
    assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_client"
    assert "WWW-Authenticate" in resp.headers
    assert "access_token" not in resp.get_json()


def test_replayed_jti_is_refused(jwt_flow, client_key):
    once = assertion(client_key)
    assert exchange(jwt_flow, once).status_code == 200
    replay = exchange(jwt_flow, once)
    assert replay.status_code == 401 and replay.get_json()["error"] == "invalid_client", replay.get_json()


def test_secret_auth_is_refused_for_a_jwt_client(jwt_flow):
    resp, _ = jwt_flow.authorize(client_id=CLIENT)
    code = query_of(resp.location)["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": CLIENT}
    token = jwt_flow.client.post("/token", data={**form, "client_secret": "guess"})
    assert token.status_code == 401 and token.get_json()["error"] == "invalid_client"
