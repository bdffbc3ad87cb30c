"""ESIA's errors: every ESIA-0070xx code where a client meets it, replayed and foreign codes, stale timestamps,
unregistered certificates and redirect URIs, and strict versus lab signature mode.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlencode

import pytest

from shared import esia_crypto
from shared import esia_wire
from tests.idp.code_flow_helpers import advance
from tests.idp.esia.conftest import REDIRECT
from tests.idp.esia.conftest import EsiaDriver
from tests.idp.esia.conftest import needs_gost
from tests.idp.esia.conftest import query_of
from tests.idp.esia.conftest import register
from tests.idp.esia.conftest import timestamp

pytestmark = needs_gost


def _ac(driver, params: dict, path: str = "/aas/oauth2/v2/ac"):
    return driver.client.get(path + "?" + urlencode(params))


def _redirected_error(response, code: str, state: str | None = None) -> dict:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert response.location.startswith(REDIRECT + "?")
    got = query_of(response.location)
    assert got["error_description"].startswith(code + ":"), got
    assert "code" not in got
    if state is not None:
        assert got["state"] == state
    return got


def _token_error(response, code: str, state: str | None) -> dict:
    assert response.status_code == 400, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body["error_description"].startswith(code + ":"), body
    assert body.get("state") == state
    assert "access_token" not in body
    return body


# --- the authorization endpoint ------------------------------------------------------------------


def test_unknown_client_gets_a_page_never_a_redirect(gost):
    response = _ac(gost, gost.v2_params(client_id="NOBODY"))
    assert response.status_code == 400 and response.location is None
    assert "ESIA-007002" in response.get_data(as_text=True)


def test_unregistered_redirect_uri_gets_a_page_never_a_redirect(gost):
    response = _ac(gost, gost.v2_params(redirect_uri="https://evil.example/cb"))
    assert response.status_code == 400 and response.location is None
    assert "ESIA-007023" in response.get_data(as_text=True)
    prefix = _ac(gost, gost.v2_params(redirect_uri=REDIRECT + "/more"))
    assert prefix.status_code == 400 and prefix.location is None


def test_missing_redirect_uri_or_client_id_gets_a_page(gost):
    for missing in ("redirect_uri", "client_id"):
        params = gost.v2_params()
        params.pop(missing)
        response = _ac(gost, params)
        assert response.status_code == 400 and "ESIA-007014" in response.get_data(as_text=True)


def test_client_without_certificate_gets_007002(esia_app, gost):
    from idp.db import db
    from idp.domain.clients import create_client

    with esia_app.app_context():
        create_client(db.session, "OIDC-ONLY", "s" * 20, [REDIRECT], scope="openid fullname")
        db.session.commit()
    params = gost.v2_params(client_id="OIDC-ONLY")
    _redirected_error(_ac(gost, params), "ESIA-007002", params["state"])


def test_repeated_parameter_gets_007003(gost):
    params = list(gost.v2_params().items()) + [("scope", "openid")]
    response = gost.client.get("/aas/oauth2/v2/ac?" + urlencode(params))
    _redirected_error(response, "ESIA-007003")


def test_wrong_response_type_gets_007003(gost):
    params = gost.v2_params(response_type="token")
    _redirected_error(_ac(gost, params), "ESIA-007003", params["state"])


def test_denied_consent_gets_007004(gost):
    params = gost.v2_params()
    response = gost.follow(_ac(gost, params), consent="deny")
    got = _redirected_error(response, "ESIA-007004", params["state"])
    assert got["error"] == "access_denied"


@pytest.mark.parametrize("scope", ["openid medical_doc", "openid profile", "openid kid_doc"])
def test_unknown_or_unregistered_scope_gets_007006(esia_app, gost_pair, person, scope):
    register(esia_app, "NARROW", [gost_pair], scope="openid fullname")
    driver = EsiaDriver(esia_app, esia_app.test_client(), "NARROW", gost_pair)
    driver.login(person)
    params = driver.v2_params(scope=scope)
    _redirected_error(_ac(driver, params), "ESIA-007006", params["state"])
    assert driver.v2_code(scope="openid fullname")[0]


def test_missing_scope_gets_007013(gost):
    params = gost.v2_params(scope="")
    _redirected_error(_ac(gost, params), "ESIA-007013", params["state"])


@pytest.mark.parametrize("missing", ["timestamp", "client_secret", "state", "response_type"])
def test_missing_parameter_gets_007014(gost, missing):
    params = gost.v2_params()
    params.pop(missing)
    _redirected_error(_ac(gost, params), "ESIA-007014")


@pytest.mark.parametrize("shift", [-330, 330, -3600 * 5])  # 30 s clear of the 300 s window: signing takes time
def test_stale_timestamp_gets_007015(gost, shift):
    params = gost.v2_params(timestamp=timestamp(shift))
    _redirected_error(_ac(gost, params), "ESIA-007015", params["state"])


@pytest.mark.parametrize("bad", ["2026-12-01 10:00:00 +0000", "yesterday", "2026.12.01 10:00:00"])
def test_timestamp_in_another_format_gets_007015(gost, bad):
    params = gost.v2_params(timestamp=bad)
    _redirected_error(_ac(gost, params), "ESIA-007015", params["state"])


def test_timestamp_window_is_a_setting(esia_app, gost):
    esia_app.config["ESIA_TIMESTAMP_WINDOW_SECONDS"] = 900
    assert gost.v2_code(timestamp=timestamp(-600))[0]
    esia_app.config["ESIA_TIMESTAMP_WINDOW_SECONDS"] = 60
    params = gost.v2_params(timestamp=timestamp(-90))
    _redirected_error(_ac(gost, params), "ESIA-007015", params["state"])


def test_tampered_signature_gets_007053(gost):
    params = gost.v2_params()
    raw = bytearray(esia_crypto.b64_decode_any(params["client_secret"]).data)
    raw[10] ^= 0x01
    params["client_secret"] = esia_crypto.b64url_encode(bytes(raw))
    _redirected_error(_ac(gost, params), "ESIA-007053", params["state"])


def test_signature_over_other_values_gets_007053(gost):
    params = gost.v2_params()
    params["state"] = str(uuid.uuid4())  # signed string no longer matches
    _redirected_error(_ac(gost, params), "ESIA-007053", params["state"])


def test_valid_signature_by_an_unregistered_certificate_gets_007053(esia_app, stranger_gost, person):
    driver = EsiaDriver(esia_app, esia_app.test_client(), "GOST-SYS", stranger_gost)
    driver.login(person)
    params = driver.v2_params()  # a correct signature, with the stranger's own hash
    _redirected_error(_ac(driver, params), "ESIA-007053", params["state"])
    registered_hash = esia_crypto.certificate_hash
    params = driver.v2_params(client_certificate_hash=None)
    _redirected_error(_ac(driver, params), "ESIA-007053", params["state"])
    legacy = driver.legacy_params()  # PKCS#7 carrying the stranger's certificate inside
    _redirected_error(_ac(driver, legacy, "/aas/oauth2/ac"), "ESIA-007053", legacy["state"])
    assert registered_hash  # the certificate module stayed importable


def test_hash_of_another_clients_certificate_gets_007053(gost, rsa_pair):
    params = gost.v2_params(client_certificate_hash=esia_crypto.certificate_hash(rsa_pair.cert_pem))
    _redirected_error(_ac(gost, params), "ESIA-007053", params["state"])


def test_hash_of_the_pem_text_instead_of_der_gets_007053(gost, gost_pair):
    pem_hash = esia_crypto.streebog256(gost_pair.cert_pem.encode()).hex().upper()
    params = gost.v2_params(client_certificate_hash=pem_hash)
    _redirected_error(_ac(gost, params), "ESIA-007053", params["state"])


def test_garbage_secret_gets_007053(gost):
    for secret in ("not base64!!", "AAAA", "-" * 10):
        params = gost.v2_params(client_secret=secret)
        _redirected_error(_ac(gost, params), "ESIA-007053", params["state"])


def test_account_below_the_clients_minimum_level_gets_007055(esia_app, gost_pair, person):
    register(esia_app, "LEVEL3", [gost_pair], min_level=3)
    driver = EsiaDriver(esia_app, esia_app.test_client(), "LEVEL3", gost_pair)
    driver.login(person)
    params = driver.v2_params()
    response = _ac(driver, params)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    back = [part for part in html.split('href="') if part.startswith(REDIRECT)][0].split('"')[0].replace("&amp;", "&")
    got = query_of(back)
    assert got["error_description"].startswith("ESIA-007055:") and got["state"] == params["state"]


def test_not_logged_in_goes_through_the_login_page_and_back(esia_app, gost_pair, person):
    from tests.helpers.forms import csrf_token as csrf

    driver = EsiaDriver(esia_app, esia_app.test_client(), "GOST-SYS", gost_pair)
    params = driver.v2_params()
    response = _ac(driver, params)
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    page = driver.client.get(response.location)
    next_url = re.search(r'name="next" type="hidden" value="([^"]*)"', page.get_data(as_text=True)).group(1)
    logged_in = driver.client.post(
        "/login",
        data={
            "csrf_token": csrf(page.get_data(as_text=True)),
            "login": "+79161234567",
            "password": "Gosuslugi+2024",
            "next": next_url.replace("&amp;", "&"),
        },
    )
    assert logged_in.status_code == 302 and "/aas/oauth2/lab/continue/" in logged_in.location
    final = driver.follow(driver.client.get(logged_in.location))
    assert final.status_code == 302 and query_of(final.location)["state"] == params["state"]
    # The continuation is used up in this browser; a forged one is refused.
    assert driver.client.get(logged_in.location).status_code == 400
    assert driver.client.get("/aas/oauth2/lab/continue/forged.ticket").status_code == 400


# --- strict versus lab mode ----------------------------------------------------------------------


def test_strict_mode_takes_raw_gost_with_hash_at_v2(strict):
    code, _ = strict.v2_code()
    assert strict.v3_token(code).status_code == 200


def test_strict_mode_refuses_what_only_lab_mode_takes(esia_app, strict, rsa_pair, person):
    params = strict.legacy_params()
    params["client_certificate_hash"] = strict.cert_hash
    _redirected_error(_ac(strict, params), "ESIA-007053", params["state"])  # PKCS#7 at v2
    params = strict.v2_params(client_certificate_hash=None)
    _redirected_error(_ac(strict, params), "ESIA-007014", params["state"])  # no hash
    rsa_driver = EsiaDriver(esia_app, esia_app.test_client(), "STRICT-SYS", rsa_pair)
    rsa_driver.login(person)
    params = rsa_driver.v2_params()
    _redirected_error(_ac(rsa_driver, params), "ESIA-007053", params["state"])  # raw RSA
    ts, state = timestamp(), str(uuid.uuid4())
    raw = strict.raw(esia_wire.legacy_string("openid", ts, "STRICT-SYS", state))
    legacy_raw = strict.legacy_params(scope="openid", timestamp=ts, state=state, client_secret=raw)
    _redirected_error(_ac(strict, legacy_raw, "/aas/oauth2/ac"), "ESIA-007053", state)  # raw at ac


def test_strict_mode_takes_pkcs7_at_legacy_ac(strict):
    code, _ = strict.legacy_code()
    assert strict.legacy_token(code).status_code == 200


def test_lab_mode_takes_byte_reversed_gost(gost):
    params = gost.v2_params()
    raw = esia_crypto.b64_decode_any(params["client_secret"]).data
    params["client_secret"] = esia_crypto.b64url_encode(raw[::-1])
    response = gost.follow(_ac(gost, params))
    assert response.status_code == 302 and "code" in query_of(response.location)


# --- the token endpoint -------------------------------------------------------------------------


def test_replayed_code_gets_007011_and_revokes_the_first_tokens(gost, person):
    code, _ = gost.v2_code()
    first = gost.v3_token(code).get_json()
    state = str(uuid.uuid4())
    _token_error(gost.v3_token(code, state=state), "ESIA-007011", state)
    response = gost.client.get(f"/rs/prns/{person.oid}", headers={"Authorization": "Bearer " + first["access_token"]})
    assert response.status_code == 401
    assert gost.v3_refresh(first["refresh_token"]).status_code == 400


def test_foreign_code_gets_007011(gost, rsa):
    code, _ = gost.v2_code()
    state = str(uuid.uuid4())
    _token_error(rsa.v3_token(code, state=state), "ESIA-007011", state)
    assert gost.v3_token(code).status_code == 200  # the foreign attempt did not spend it


def test_expired_code_gets_007011(esia_app, gost):
    code, _ = gost.v2_code()
    advance(esia_app, 61)
    state = str(uuid.uuid4())
    _token_error(gost.v3_token(code, state=state), "ESIA-007011", state)


def test_code_for_another_redirect_uri_gets_007011(esia_app, gost):
    from idp.db import db
    from idp.domain.clients import find_client

    with esia_app.app_context():
        client = find_client(db.session, "GOST-SYS")
        client.redirect_uris_json = f'["{REDIRECT}", "https://rp.example/other"]'
        db.session.commit()
    code, _ = gost.v2_code()
    state = str(uuid.uuid4())
    response = gost.legacy_token(code, state=state, redirect_uri="https://rp.example/other")
    _token_error(response, "ESIA-007011", state)


def test_unknown_code_and_refresh_token_get_007011(gost):
    state = str(uuid.uuid4())
    _token_error(gost.v3_token("made-up-code", state=state), "ESIA-007011", state)
    _token_error(gost.v3_refresh("made-up-refresh", state=state), "ESIA-007011", state)


def test_unknown_client_at_te_gets_007002(gost):
    state = str(uuid.uuid4())
    _token_error(gost.v3_token("x", client_id="NOBODY", state=state), "ESIA-007002", state)


def test_unsupported_grant_gets_007009(gost):
    state = str(uuid.uuid4())
    _token_error(gost.v3_token("x", grant_type="password", state=state), "ESIA-007009", state)


def test_missing_code_gets_007014(gost):
    state = str(uuid.uuid4())
    _token_error(gost.v3_token("", state=state), "ESIA-007014", state)


def test_stale_timestamp_at_te_gets_007015(gost):
    code, _ = gost.v2_code()
    state = str(uuid.uuid4())
    _token_error(gost.v3_token(code, state=state, timestamp=timestamp(-1000)), "ESIA-007015", state)
    assert gost.v3_token(code).status_code == 200


def test_bad_secret_at_te_gets_007053_and_keeps_the_code(gost):
    code, _ = gost.v2_code()
    state = str(uuid.uuid4())
    other = gost.raw("GOST-SYSopenid" + timestamp() + state + REDIRECT + code)  # signed another scope
    _token_error(gost.v3_token(code, state=state, client_secret=other), "ESIA-007053", state)
    assert gost.v3_token(code).status_code == 200


def test_repeated_parameter_at_te_gets_007003(gost):
    code, _ = gost.v2_code()
    form = {"client_id": "GOST-SYS", "code": [code, code], "grant_type": "authorization_code", "state": "s"}
    _token_error(gost.client.post("/aas/oauth2/v3/te", data=form), "ESIA-007003", "s")


def test_issued_scope_is_the_codes_not_the_te_scope(gost, person):
    code, _ = gost.v2_code(scope="openid fullname")
    body = gost.v3_token(code, scope="openid fullname snils").get_json()
    import json

    claims = json.loads(esia_crypto.b64_decode_any(body["access_token"].split(".")[1]).data)
    assert claims["scope"] == f"openid fullname?oid={person.oid}"
