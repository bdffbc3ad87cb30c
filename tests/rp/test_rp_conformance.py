"""The OpenID RP certification plan against a misbehaving fake provider.

Each test is named after its module of ``oidcc-client-basic-certification-test-plan``. An accepted
login reaches the linking decision (here: the first-login sequence of an exact match); a refused one
shows the refusal page and links nothing.
"""

from __future__ import annotations

import base64
import time

import pytest
import requests

from tests.rp.fakeop import CLIENT_ID
from tests.rp.fakeop import CLIENT_SECRET
from tests.rp.fakeop import ISSUER
from tests.rp.fakeop import KEY
from tests.rp.fakeop import OTHER_KEY
from tests.rp.fakeop import add_person
from tests.rp.fakeop import follow_outcome
from tests.rp.fakeop import last_record
from tests.rp.fakeop import login
from tests.rp.fakeop import start

REFUSED = "Ответ портала госуслуг не прошёл проверку"


@pytest.fixture(autouse=True)
def ivanova(rp_app):
    return add_person(rp_app)


def accepted(res) -> None:
    assert res.status_code == 302, res.get_data(as_text=True)
    assert res.headers["Location"].endswith("/login/esia/first/person")


def refused(res, app, code_prefix: str, text: str = REFUSED) -> None:
    body = res.get_data(as_text=True)
    assert res.status_code >= 400, body
    assert text in body
    record = last_record(app)
    assert record["outcome"] == "error"
    assert record["detail"].startswith(code_prefix), record["detail"]


def test_oidcc_client_test_happy_path(rp_client, rp_app, op):
    accepted(login(rp_client, op))
    assert last_record(rp_app)["outcome"] == "match"


def test_authorization_request_uses_pkce_s256_state_nonce_and_scopes(rp_client, op):
    params = start(rp_client)
    assert params["response_type"] == "code"
    assert params["client_id"] == CLIENT_ID
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43
    assert params["state"] and params["nonce"]
    assert params["scope"] == "openid fullname birthdate gender snils email mobile"
    assert params["redirect_uri"] == "http://rp.test/login/callback"


def test_oidcc_client_test_invalid_iss(rp_client, rp_app, op):
    op.id_overrides["iss"] = "https://evil.test"
    refused(login(rp_client, op), rp_app, "id_token_claims")


def test_oidcc_client_test_missing_sub(rp_client, rp_app, op):
    op.id_remove.append("sub")
    refused(login(rp_client, op), rp_app, "id_token_claims")


def test_oidcc_client_test_invalid_aud(rp_client, rp_app, op):
    op.id_overrides["aud"] = "someone-else"
    refused(login(rp_client, op), rp_app, "id_token_claims")


def test_azp_of_another_client_is_refused(rp_client, rp_app, op):
    op.id_overrides.update(aud=[CLIENT_ID, "other"], azp="other")
    refused(login(rp_client, op), rp_app, "id_token_claims")


def test_oidcc_client_test_missing_iat(rp_client, rp_app, op):
    op.id_remove.append("iat")
    refused(login(rp_client, op), rp_app, "id_token_claims")


def test_expired_id_token_is_refused(rp_client, rp_app, op):
    op.id_overrides.update(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    refused(login(rp_client, op), rp_app, "id_token_claims")


def test_oidcc_client_test_kid_absent_single_jwks(rp_client, op):
    op.header = {"alg": "RS256"}
    accepted(login(rp_client, op))


def test_oidcc_client_test_kid_absent_multiple_jwks(rp_client, rp_app, op):
    op.header = {"alg": "RS256"}
    op.jwks_keys = [KEY.as_dict(private=False), OTHER_KEY.as_dict(private=False)]
    refused(login(rp_client, op), rp_app, "id_token_kid")


def test_oidcc_client_test_idtoken_sig_rs256(rp_client, op):
    op.header = {"alg": "RS256", "kid": "k1", "typ": "JWT"}
    accepted(login(rp_client, op))


def test_oidcc_client_test_idtoken_sig_none(rp_client, rp_app, op):
    op.sign = "none"
    refused(login(rp_client, op), rp_app, "id_token_alg")


def test_hs256_signed_with_the_public_key_is_refused(rp_client, rp_app, op):
    op.sign = "hs256_public"
    refused(login(rp_client, op), rp_app, "id_token_alg")


def test_oidcc_client_test_invalid_sig_rs256(rp_client, rp_app, op):
    op.sign = "other_key"  # signed by another key, but naming kid k1
    refused(login(rp_client, op), rp_app, "id_token_signature")


def test_unknown_kid_refetches_jwks_after_key_rotation(rp_client, rp_app, op):
    rp_app.config["JWKS_REFETCH_SECONDS"] = 0  # the rotation comes right after the first fetch
    accepted(login(rp_client, op))
    assert op.jwks_requests == 1
    op.header = {"alg": "RS256", "kid": "k2"}
    op.sign = "other_key"
    op.jwks_keys = [KEY.as_dict(private=False), OTHER_KEY.as_dict(private=False)]
    accepted(login(rp_client, op))
    assert op.jwks_requests == 2


def test_oidcc_client_test_userinfo_bearer_header(rp_client, op):
    accepted(login(rp_client, op))
    assert op.userinfo_requests[-1].headers["Authorization"] == "Bearer at-123"


def test_oidcc_client_test_userinfo_invalid_sub(rp_client, rp_app, op):
    op.userinfo_sub = "someone-else"
    refused(login(rp_client, op), rp_app, "userinfo_sub", "Данные пользователя не совпадают с удостоверением")


def test_oidcc_client_test_nonce_invalid(rp_client, rp_app, op):
    op.id_overrides["nonce"] = "not-the-nonce"
    refused(login(rp_client, op), rp_app, "id_token_claims")


def test_oidcc_client_test_scope_userinfo_claims(rp_client, rp_app, op):
    """Claims released only through userinfo (not in the ID token) are the ones used for matching."""
    accepted(login(rp_client, op))
    record = last_record(rp_app)
    assert record["attributes"]["last_name"] == "Иванова"
    assert record["attributes"]["snils"] == "112-***-445 95"


def test_oidcc_client_test_client_secret_basic(rp_client, op):
    accepted(login(rp_client, op))
    request = op.token_requests[-1]
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert "client_secret" not in (request.body or "")
    assert "code_verifier=" in request.body


def test_wrong_iss_response_parameter_is_refused(rp_client, rp_app, op):
    res = login(rp_client, op, iss="https://evil.test")
    refused(res, rp_app, "iss_parameter", "Ответ пришёл не от того портала")
    assert op.token_requests == []


def test_missing_iss_response_parameter_is_refused_when_promised(rp_client, rp_app, op):
    refused(login(rp_client, op, iss=None), rp_app, "iss_parameter", "Ответ пришёл не от того портала")


def test_state_mismatch_is_refused(rp_client, rp_app, op):
    refused(login(rp_client, op, state="forged"), rp_app, "state_mismatch", "Сеанс входа не совпадает")
    assert op.token_requests == []


def test_callback_without_a_started_login_is_refused(rp_client, rp_app, op):
    res = follow_outcome(rp_client, rp_client.get(f"/login/callback?code=x&state=y&iss={ISSUER}"))
    refused(res, rp_app, "no_pending_login", "Сеанс входа устарел")


@pytest.mark.parametrize(
    ("error", "title"),
    [
        ("access_denied", "Вы не разрешили доступ к данным"),
        ("login_required", "Нужно войти на портале госуслуг"),
        ("unmet_authentication_requirements", "Способ входа на госуслугах не подходит"),
        ("server_error", "Портал госуслуг вернул ошибку"),
    ],
)
def test_provider_errors_have_their_own_page_with_a_way_back(rp_client, rp_app, op, error, title):
    res = login(rp_client, op, code=None, error=error)
    body = res.get_data(as_text=True)
    assert title in body
    assert 'href="/login/esia/test"' in body and 'href="/login"' in body
    assert last_record(rp_app)["detail"].startswith(error if error != "server_error" else "provider_error")


@pytest.mark.parametrize(
    ("exc", "status", "title"),
    [
        (requests.ConnectionError("refused"), 502, "Портал госуслуг недоступен"),
        (requests.ReadTimeout("slow"), 504, "Портал госуслуг не ответил вовремя"),
    ],
)
def test_network_failure_and_timeout_of_the_token_endpoint(rp_client, op, exc, status, title):
    op.token_error = exc
    res = login(rp_client, op)
    assert res.status_code == status
    assert title in res.get_data(as_text=True)


def test_token_endpoint_error_is_refused(rp_client, rp_app, op):
    op.token_status = 400
    refused(login(rp_client, op), rp_app, "token_endpoint", "Не удалось получить данные от портала госуслуг")
