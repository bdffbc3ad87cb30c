"""Discovery and JWKS: the provider's metadata and its public signing keys."""

from __future__ import annotations

from tests.idp.oidc.helpers import ISSUER


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
