"""The in-process IdP (no port, no process) behind clients nobody here wrote: Authlib's and requests-oauthlib's.

``responses`` hands each ``requests`` call to the IdP's WSGI app; the front channel (login and consent pages)
is driven by fedlab's ``drive()`` over the same mocked ``requests``. A fault and the clock change what the
clients see.
"""

from __future__ import annotations

import pytest
import requests
from authlib.integrations.requests_client import OAuth2Session as AuthlibSession
from joserfc import jwt
from joserfc.errors import InvalidClaimError
from joserfc.jwk import KeySet
from oauthlib.oauth2.rfc6749.errors import OAuth2Error
from requests_oauthlib import OAuth2Session as OAuthlibSession

from fedlab.testing.browser import drive
from fedlab.testing.inprocess import INPROCESS_ISSUER
from fedlab.testing.inprocess import create_inprocess_idp

CALLBACK = "http://rp.team.test/callback"


@pytest.fixture(scope="module")
def idp_app():
    import shutil

    idp = create_inprocess_idp()
    idp.prepare(None)
    yield idp
    with idp.context():
        idp.app.extensions["sqlalchemy"].engine.dispose()
    shutil.rmtree(idp.workdir, ignore_errors=True)


@pytest.fixture
def idp(idp_app):
    idp_app.reset()
    with idp_app.active():
        yield idp_app


def _browser_to_callback(idp, url, person) -> str:
    query = drive(requests.Session(), url, CALLBACK, person)
    return CALLBACK + "?" + "&".join(f"{k}={requests.utils.quote(v)}" for k, v in query.items())


def _verify_id_token(idp, id_token: str, client_id: str, nonce: str):
    jwks = requests.get(f"{idp.url}/.well-known/openid-configuration", timeout=5).json()["jwks_uri"]
    token = jwt.decode(id_token, KeySet.import_key_set(requests.get(jwks, timeout=5).json()))
    expected = jwt.JWTClaimsRegistry(iss={"essential": True, "value": INPROCESS_ISSUER}, aud={"value": client_id})
    expected.validate(token.claims)
    assert token.claims["nonce"] == nonce
    return token.claims


def test_authlib_logs_in_and_verifies_the_id_token(idp):
    client = idp.client(redirect_uri=CALLBACK, scope="openid fullname snils")
    person = idp.account(level=2, last_name="Смирнова", first_name="Ольга")
    oauth = AuthlibSession(client.client_id, client.secret, scope=client.scope, redirect_uri=CALLBACK)
    url, state = oauth.create_authorization_url(f"{idp.url}/authorize", nonce="n-0S6")
    token = oauth.fetch_token(f"{idp.url}/token", authorization_response=_browser_to_callback(idp, url, person))
    claims = _verify_id_token(idp, token["id_token"], client.client_id, "n-0S6")
    assert claims["sub"] == person.sub and claims["family_name"] == "Смирнова"
    assert oauth.get(f"{idp.url}/userinfo").json()["snils"] == person.data["snils"]


def test_authlib_sees_a_wrong_issuer_fault_and_a_token_error(idp):
    client = idp.client(redirect_uri=CALLBACK)
    person = idp.account()
    idp.fault("id_token_wrong_iss", count=1)
    oauth = AuthlibSession(client.client_id, client.secret, scope="openid", redirect_uri=CALLBACK)
    url, _ = oauth.create_authorization_url(f"{idp.url}/authorize", nonce="n1")
    token = oauth.fetch_token(f"{idp.url}/token", authorization_response=_browser_to_callback(idp, url, person))
    with pytest.raises(InvalidClaimError, match="iss"):
        _verify_id_token(idp, token["id_token"], client.client_id, "n1")

    idp.fault("token_error", count=1, error="temporarily_unavailable")
    url, _ = oauth.create_authorization_url(f"{idp.url}/authorize", nonce="n2")
    with pytest.raises(requests.HTTPError) as refused:  # Authlib raises for the 503 before reading the body
        oauth.fetch_token(f"{idp.url}/token", authorization_response=_browser_to_callback(idp, url, person))
    assert refused.value.response.json()["error"] == "temporarily_unavailable"


def test_requests_oauthlib_logs_in_with_pkce_and_its_token_expires_when_the_clock_moves(idp, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the in-process IdP's address is http
    client = idp.client(redirect_uri=CALLBACK, scope="openid fullname")
    person = idp.account(level=3, last_name="Орлов", first_name="Павел", gender="M")
    idp.clock.freeze()
    oauth = OAuthlibSession(client.client_id, redirect_uri=CALLBACK, scope=["openid", "fullname"], pkce="S256")
    url, _ = oauth.authorization_url(f"{idp.url}/authorize")
    oauth.fetch_token(
        f"{idp.url}/token", authorization_response=_browser_to_callback(idp, url, person), client_secret=client.secret
    )
    assert oauth.get(f"{idp.url}/userinfo").json()["family_name"] == "Орлов"
    idp.clock.tick("2h")  # past the access token's hour
    assert oauth.get(f"{idp.url}/userinfo").status_code == 401


def test_requests_oauthlib_sees_an_injected_token_error(idp, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    client = idp.client(redirect_uri=CALLBACK, scope="openid")
    person = idp.account(level=1)
    idp.fault("token_error", count=1, client=client)
    oauth = OAuthlibSession(client.client_id, redirect_uri=CALLBACK, scope=["openid"])
    url, _ = oauth.authorization_url(f"{idp.url}/authorize")
    with pytest.raises(OAuth2Error):
        oauth.fetch_token(
            f"{idp.url}/token",
            authorization_response=_browser_to_callback(idp, url, person),
            client_secret=client.secret,
        )
    assert idp.faults() == []  # the fault fired once and is used up


def test_the_lab_clock_moves_business_time_and_a_reset_puts_it_back(idp):
    before = idp.clock.now()
    assert (idp.clock.advance("5d") - before).days == 5
    idp.reset()
    assert (idp.clock.now() - before).days == 0


def test_nothing_else_passes_through_to_the_network(idp):
    with pytest.raises(requests.ConnectionError):
        requests.get("http://elsewhere.test/", timeout=5)
