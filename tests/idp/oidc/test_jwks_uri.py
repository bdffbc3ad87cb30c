"""``private_key_jwt`` clients registered by ``jwks_uri``: fetch failures are ``invalid_client``, never
500; the fetched key set is cached, refetched at most once per interval for an unknown ``kid``.
"""

from __future__ import annotations

import pytest
import requests
import responses
from joserfc.jwk import RSAKey

from tests.idp.oidc.helpers import JWT_CLIENT
from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import assertion
from tests.idp.oidc.helpers import exchange

JWKS_URI = "https://keys.app.example/jwks.json"


@pytest.fixture
def uri_flow(flow, account):
    """A logged-in flow whose JWT client publishes its keys at :data:`JWKS_URI`."""
    from idp.db import db
    from idp.domain.clients import create_client
    from idp.oidc.client_jwks import forget_cache

    forget_cache()
    with flow.app.app_context():
        create_client(db.session, JWT_CLIENT, None, [REDIRECT], auth_method="private_key_jwt", jwks_uri=JWKS_URI)
        db.session.commit()
    flow.login(account)
    yield flow
    forget_cache()


def _mock():
    return responses.RequestsMock(assert_all_requests_are_fired=False, passthru_prefixes=("http://idp.test",))


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param({"body": requests.ConnectionError("refused")}, id="refused"),
        pytest.param({"body": requests.Timeout("slow")}, id="timeout"),
        pytest.param({"status": 500, "body": "boom"}, id="http-500"),
        pytest.param({"status": 200, "body": "<html>not json</html>"}, id="not-json"),
        pytest.param({"status": 200, "json": {"keys": [{"kty": "nope"}]}}, id="not-a-key-set"),
    ],
)
def test_a_jwks_uri_that_fails_is_invalid_client(uri_flow, client_key, answer):
    with _mock() as rsps:
        rsps.add(responses.GET, JWKS_URI, **answer)
        resp = exchange(uri_flow, assertion(client_key))
    assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_client"


def test_the_key_set_is_fetched_once_then_cached(uri_flow, client_key):
    with _mock() as rsps:
        rsps.add(responses.GET, JWKS_URI, json={"keys": [client_key.as_dict(private=False)]})
        for _ in range(3):
            assert exchange(uri_flow, assertion(client_key)).status_code == 200
        assert len([c for c in rsps.calls if c.request.url == JWKS_URI]) == 1


def test_an_unknown_kid_refetches_once_per_interval(uri_flow, client_key):
    rotated = RSAKey.generate_key(2048, parameters={"kid": "client-2", "use": "sig", "alg": "RS256"}, private=True)
    uri_flow.app.config["OIDC_JWKS_REFETCH_SECONDS"] = 0
    with _mock() as rsps:
        rsps.add(responses.GET, JWKS_URI, json={"keys": [client_key.as_dict(private=False)]})
        assert exchange(uri_flow, assertion(client_key)).status_code == 200
        rsps.replace(responses.GET, JWKS_URI, json={"keys": [rotated.as_dict(private=False)]})
        assert exchange(uri_flow, assertion(rotated)).status_code == 200  # the new kid: one refetch
        uri_flow.app.config["OIDC_JWKS_REFETCH_SECONDS"] = 3600
        calls = len(rsps.calls)
        stranger = RSAKey.generate_key(2048, parameters={"kid": "client-3"}, private=True)
        for _ in range(3):
            assert exchange(uri_flow, assertion(stranger)).status_code == 401
        assert len([c for c in rsps.calls[calls:] if c.request.url == JWKS_URI]) == 0


@pytest.mark.parametrize(
    ("uri", "lab_mode", "problem"),
    [
        ("https://keys.example/jwks", False, None),
        ("http://127.0.0.1:9000/jwks", True, None),
        ("http://rp.localhost/jwks", True, None),
        ("http://127.0.0.1:9000/jwks", False, "uri_scheme"),
        ("http://keys.example/jwks", True, "uri_scheme"),
        ("file:///etc/passwd", True, "uri_format"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", True, "uri_scheme"),
        ("https://keys.example/jwks#x", True, "uri_format"),
    ],
)
def test_jwks_uri_rules(uri, lab_mode, problem):
    from idp.oidc.client_jwks import jwks_uri_problem

    assert jwks_uri_problem(uri, lab_mode=lab_mode) == problem


@pytest.mark.parametrize("uri", ["file:///etc/passwd", "gopher://127.0.0.1:6379/", "ftp://keys.example/k"])
def test_a_client_cannot_be_created_with_a_non_http_jwks_uri(idp_app, uri):
    from idp.db import db
    from idp.domain.clients import ClientInvalid
    from idp.domain.clients import create_client

    with idp_app.app_context(), pytest.raises(ClientInvalid) as refused:
        create_client(db.session, "k", None, [REDIRECT], auth_method="private_key_jwt", jwks_uri=uri)
    assert "jwks_uri" in refused.value.errors
