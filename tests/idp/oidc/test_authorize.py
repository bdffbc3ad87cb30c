"""Authorization endpoint: the code flow's redirect, refusals without a redirect, prompt and max_age,
robust parsing, POST, and error hygiene.
"""

from __future__ import annotations

import time

from tests.idp.oidc.helpers import ISSUER
from tests.idp.oidc.helpers import REDIRECT
from tests.idp.oidc.helpers import basic
from tests.idp.oidc.helpers import query_of


def test_check_03_happy_code_flow_echoes_state_and_iss(logged_in):
    resp, sent = logged_in.authorize()
    got = query_of(resp.location)
    assert resp.location.startswith(REDIRECT + "?")
    assert got["code"] and got["state"] == sent["state"] and got["iss"] == ISSUER


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
