"""A complete login with ``idpyoidc``, a Relying Party library written independently of Authlib.

The IdP is served by gunicorn on a free loopback port (``tests.helpers.served_idp``); the library does
discovery, PKCE S256, nonce, the code exchange, ID token validation against the JWKS and userinfo.
"""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import requests

from tests.helpers.served_idp import PASSWORD
from tests.helpers.served_idp import PHONE
from tests.helpers.served_idp import browser_login
from tests.helpers.served_idp import serve_idp

pytestmark = pytest.mark.integration

REDIRECT = "http://127.0.0.1:9/callback"
SECRET = "library-secret-0123456789"
SCOPES = ["openid", "profile", "email", "phone"]


@pytest.fixture(scope="module")
def lab():
    """The IdP served by gunicorn with one account and the client ``rp-lib``."""
    with serve_idp() as lab:
        lab.create_account()
        lab.create_client("rp-lib", SECRET, REDIRECT, "--name", "Независимое приложение")
        lab.create_client("rp-lib-post", SECRET, REDIRECT, "--auth-method", "client_secret_post")
        yield lab


def _rp_client(lab, client_id: str = "rp-lib", auth_method: str = "client_secret_basic"):
    from cryptojwt.key_jar import KeyJar
    from idpyoidc.client.rp_handler import RPHandler

    config = {
        "lab": {
            "issuer": lab.base_url,
            "client_id": client_id,
            "client_secret": SECRET,
            "redirect_uris": [REDIRECT],
            "client_type": "oidc",
            "client_authn_methods": [auth_method],
            "preference": {
                "response_types_supported": ["code"],
                "token_endpoint_auth_methods_supported": [auth_method],
                "scopes_supported": SCOPES,
                "id_token_signing_alg_values_supported": ["RS256"],
            },
            "add_ons": {
                "pkce": {
                    "function": "idpyoidc.client.oauth2.add_on.pkce.add_support",
                    "kwargs": {"code_challenge_length": 64, "code_challenge_method": "S256"},
                }
            },
        }
    }
    handler = RPHandler(base_url="http://127.0.0.1:9", client_configs=config, keyjar=KeyJar())
    return handler.client_setup("lab")  # runs discovery


def _login(lab, client) -> tuple[dict, str]:
    """Drive the IdP's pages for the library's authorization URL; return the callback query and the URL."""
    url = client.init_authorization(req_args={"scope": SCOPES})
    response = browser_login(requests.Session(), url, REDIRECT, PHONE, PASSWORD)
    location = response.headers["Location"]
    assert location.startswith(REDIRECT + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}, url


def test_idpyoidc_full_login_with_discovery_pkce_nonce_and_userinfo(lab):
    client = _rp_client(lab)
    context = client.get_context()
    assert context.provider_info["issuer"] == lab.base_url
    assert context.provider_info["token_endpoint"] == lab.base_url + "/token"

    callback, url = _login(lab, client)
    sent = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert sent["code_challenge_method"] == "S256" and sent["nonce"]
    assert callback["iss"] == lab.base_url and callback["state"] == sent["state"]

    result = client.finalize(callback)

    assert "error" not in result, result
    id_token = result["id_token"]
    assert id_token["iss"] == lab.base_url
    assert id_token["aud"] == ["rp-lib"]
    assert id_token["nonce"] == sent["nonce"]
    assert id_token["sub"] == str(lab.account["oid"])
    # idpyoidc verified the signature with the key it fetched from jwks_uri.
    assert id_token.jws_header["alg"] == "RS256"
    jwks_kids = {k["kid"] for k in requests.get(lab.base_url + "/jwks.json", timeout=10).json()["keys"]}
    assert id_token.jws_header["kid"] in jwks_kids
    assert client.keyjar.get_signing_key("RSA", issuer_id=lab.base_url, kid=id_token.jws_header["kid"])
    # PKCE: the verifier went along with the code exchange.
    assert client.get_context().cstate.get_set(sent["state"], claim=["code_verifier"])["code_verifier"]

    userinfo = result["userinfo"]
    assert userinfo["sub"] == id_token["sub"]
    assert userinfo["family_name"] == "Иванова" and userinfo["given_name"] == "Мария"
    assert userinfo["email"] == "maria@example.ru"
    assert userinfo["phone_number"] == PHONE


def test_idpyoidc_login_with_client_secret_post(lab):
    client = _rp_client(lab, client_id="rp-lib-post", auth_method="client_secret_post")
    callback, _ = _login(lab, client)
    result = client.finalize(callback)
    assert "error" not in result, result
    assert result["id_token"]["aud"] == ["rp-lib-post"]
    assert result["userinfo"]["sub"] == result["id_token"]["sub"] == str(lab.account["oid"])
