"""Dynamic client registration (RFC 7591) at ``/register`` when ``DYNAMIC_REGISTRATION`` is on."""

from __future__ import annotations

import pytest

from tests.idp.oidc.helpers import ISSUER
from tests.idp.oidc.helpers import basic
from tests.idp.oidc.helpers import query_of

CB = "https://dyn.example/cb"


@pytest.fixture
def dyn(flow):
    """The flow driver on an IdP with dynamic registration switched on."""
    from idp.oidc.registration_policy import initial_access_token

    flow.app.config["DYNAMIC_REGISTRATION"] = True
    flow.client.environ_base["HTTP_AUTHORIZATION"] = "Bearer " + initial_access_token(flow.app.config)
    return flow


def test_off_by_default_gives_404_and_no_metadata(flow):
    resp = flow.client.post("/register", json={"redirect_uris": [CB]})
    assert resp.status_code == 404
    assert "registration_endpoint" not in flow.client.get("/.well-known/openid-configuration").get_json()


def test_registered_client_can_log_in(dyn, account):
    assert dyn.client.get("/.well-known/openid-configuration").get_json()["registration_endpoint"] == (
        ISSUER + "/register"
    )
    resp = dyn.client.post(
        "/register", json={"redirect_uris": [CB], "client_name": "Динамическое приложение", "scope": "openid email"}
    )
    assert resp.status_code == 201
    reg = resp.get_json()
    assert reg["client_id"] and reg["client_secret"] and reg["redirect_uris"] == [CB]
    assert reg["client_secret_expires_at"] == 0

    dyn.login(account)
    consent, _ = dyn.authorize(client_id=reg["client_id"], redirect_uri=CB, scope="openid email", consent=None)
    assert "Динамическое приложение" in consent.get_data(as_text=True)
    authorized, sent = dyn.authorize(client_id=reg["client_id"], redirect_uri=CB, scope="openid email")
    got = query_of(authorized.location)
    assert authorized.location.startswith(CB + "?") and got["state"] == sent["state"]
    token = dyn.client.post(
        "/token",
        data={"grant_type": "authorization_code", "code": got["code"], "redirect_uri": CB},
        headers=basic(reg["client_id"], reg["client_secret"]),
    )
    assert token.status_code == 200, token.get_json()
    userinfo = dyn.client.get("/userinfo", headers={"Authorization": "Bearer " + token.get_json()["access_token"]})
    assert userinfo.get_json()["email"] == "maria@example.ru"


@pytest.mark.parametrize(
    "uris",
    [["https://dyn.example/cb#frag"], ["not a url"], [], "https://dyn.example/cb", None, [42]],
)
def test_bad_redirect_uris_are_refused(dyn, uris):
    body = {"client_name": "x"} if uris is None else {"redirect_uris": uris}
    resp = dyn.client.post("/register", json=body)
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "invalid_redirect_uri"


@pytest.mark.parametrize(
    "body",
    [
        {"redirect_uris": [CB], "token_endpoint_auth_method": "magic"},
        {"redirect_uris": [CB], "scope": "openid superpowers"},
        {"redirect_uris": [CB], "token_endpoint_auth_method": "private_key_jwt"},  # no keys
        {"redirect_uris": [CB], "post_logout_redirect_uris": ["javascript:alert(1)"]},
    ],
)
def test_bad_metadata_is_refused(dyn, body):
    resp = dyn.client.post("/register", json=body)
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "invalid_client_metadata"


def test_non_json_body_is_refused(dyn):
    resp = dyn.client.post("/register", data="redirect_uris=x", content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 400 and resp.get_json()["error"] == "invalid_client_metadata"


@pytest.mark.parametrize("header", [None, "Bearer wrong", "Basic YTpi", "Bearer "])
def test_registration_needs_the_initial_access_token(flow, header):
    flow.app.config["DYNAMIC_REGISTRATION"] = True
    headers = {"Authorization": header} if header else {}
    resp = flow.client.post("/register", json={"redirect_uris": [CB]}, headers=headers)
    assert resp.status_code == 401 and resp.get_json()["error"] == "invalid_token"


def test_open_registration_is_a_setting(flow):
    flow.app.config.update(DYNAMIC_REGISTRATION=True, DYNAMIC_REGISTRATION_OPEN=True)
    assert flow.client.post("/register", json={"redirect_uris": [CB]}).status_code == 201


def test_the_cli_shows_the_initial_access_token(flow):
    from idp.cli.oidc import client_group
    from idp.oidc.registration_policy import initial_access_token

    with flow.app.app_context():
        result = flow.app.test_cli_runner().invoke(client_group, ["registration-token"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == initial_access_token(flow.app.config)
    flow.app.config["DYNAMIC_REGISTRATION"] = True
    resp = flow.client.post(
        "/register", json={"redirect_uris": [CB]}, headers={"Authorization": "Bearer " + result.output.strip()}
    )
    assert resp.status_code == 201


@pytest.mark.parametrize(
    ("metadata", "error"),
    [
        ({"redirect_uris": ["http://evil.example/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://dyn.example/cb#frag"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["/relative/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["javascript:alert(1)"]}, "invalid_redirect_uri"),
        (
            {"redirect_uris": [CB], "token_endpoint_auth_method": "private_key_jwt", "jwks_uri": "file:///etc/passwd"},
            "invalid_client_metadata",
        ),
        (
            {"redirect_uris": [CB], "token_endpoint_auth_method": "private_key_jwt", "jwks_uri": "http://10.0.0.1/k"},
            "invalid_client_metadata",
        ),
    ],
)
def test_registration_refuses_unsafe_uris(dyn, metadata, error):
    resp = dyn.client.post("/register", json=metadata)
    assert resp.status_code == 400 and resp.get_json()["error"] == error


def test_loopback_redirect_uri_is_allowed_in_lab_mode(dyn):
    resp = dyn.client.post("/register", json={"redirect_uris": ["http://127.0.0.1:8000/cb", "http://rp.localhost/cb"]})
    assert resp.status_code == 201, resp.get_json()


def test_consent_page_shows_the_redirect_host(dyn, account):
    reg = dyn.client.post("/register", json={"redirect_uris": [CB], "client_name": "Госуслуги"}).get_json()
    dyn.login(account)
    consent, _ = dyn.authorize(client_id=reg["client_id"], redirect_uri=CB, consent=None)
    assert "dyn.example" in consent.get_data(as_text=True)
