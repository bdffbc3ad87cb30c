"""The lab's faults on ESIA's protocol: authorization error, failing or slow token endpoint, bad token signature,
wrong claims.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import pytest

from shared import esia_crypto
from tests.idp.esia.conftest import needs_gost
from tests.idp.esia.conftest import query_of

pytestmark = needs_gost


def _fault(app, kind: str, **params) -> None:
    from idp.db import db
    from idp.domain import faults

    with app.app_context():
        faults.add_fault(db.session, kind, count=1, **params)
        db.session.commit()


def _remaining(app) -> int:
    from idp.db import db
    from idp.domain import faults

    with app.app_context():
        return len(faults.active_faults(db.session))


def _parts(token: str):
    header, payload, signature = token.split(".")
    claims = json.loads(esia_crypto.b64_decode_any(payload).data)
    return claims, f"{header}.{payload}".encode(), esia_crypto.b64_decode_any(signature).data


@pytest.mark.parametrize(
    ("error", "code"), [("access_denied", "ESIA-007004"), ("temporarily_unavailable", "ESIA-007008")]
)
def test_authorize_error_fault_redirects_an_esia_error(esia_app, gost, error, code):
    _fault(esia_app, "authorize_error", client_id="GOST-SYS", error=error)
    params = gost.v2_params()
    response = gost.client.get("/aas/oauth2/v2/ac?" + urlencode(params))
    got = query_of(response.location)
    assert got["error"] == error and got["error_description"].startswith(code + ":")
    assert got["state"] == params["state"]
    assert _remaining(esia_app) == 0
    assert gost.v2_code()[0]  # used up: the next login works


def test_token_error_fault_default_is_500(esia_app, gost):
    code, _ = gost.v2_code()
    _fault(esia_app, "token_error")
    state = str(uuid.uuid4())
    response = gost.v3_token(code, state=state)
    assert response.status_code == 500
    body = response.get_json()
    assert body["error"] == "server_error" and body["error_description"].startswith("ESIA-007008:")
    assert body["state"] == state
    assert gost.v3_token(code).status_code == 200  # the code was not spent


def test_token_error_fault_with_an_oauth_error(esia_app, rsa):
    code, _ = rsa.v2_code()
    _fault(esia_app, "token_error", error="invalid_grant", client_id="RSA-SYS")
    response = rsa.v3_token(code)
    assert response.status_code == 400 and response.get_json()["error_description"].startswith("ESIA-007011:")


def test_slow_token_fault_still_answers(esia_app, gost):
    code, _ = gost.v2_code()
    _fault(esia_app, "token_slow", delay="10ms")
    assert gost.v3_token(code).status_code == 200
    assert _remaining(esia_app) == 0


@pytest.mark.parametrize("driver_name", ["gost", "rsa"])
def test_unknown_key_fault_breaks_both_signatures(esia_app, request, driver_name):
    driver = request.getfixturevalue(driver_name)
    code, _ = driver.v2_code()
    _fault(esia_app, "id_token_unknown_key")
    body = driver.v3_token(code).get_json()
    rsa_cert = driver.client.get("/esia/certificates/rsa.pem").get_data(as_text=True)
    gost_cert = driver.client.get("/esia/certificates/gost.pem").get_data(as_text=True)
    _, signed, signature = _parts(body["id_token"])
    assert not esia_crypto.verify_raw_rsa(signature, signed, rsa_cert)
    _, signed, signature = _parts(body["access_token"])
    if driver_name == "gost":
        assert not esia_crypto.verify_raw_gost(signature, signed, gost_cert)
    else:
        assert not esia_crypto.verify_raw_rsa(signature, signed, rsa_cert)


def test_wrong_claims_faults(esia_app, gost):
    for kind, params in (
        ("id_token_wrong_iss", {}),
        ("id_token_wrong_aud", {}),
        ("id_token_expired", {}),
        ("id_token_missing_claims", {"claims": "urn:esia:sbj,urn:esia:sbj_id"}),
    ):
        code, _ = gost.v2_code()
        _fault(esia_app, kind, **params)
        body = gost.v3_token(code).get_json()
        id_claims, _, _ = _parts(body["id_token"])
        access, _, _ = _parts(body["access_token"])
        if kind == "id_token_wrong_iss":
            assert id_claims["iss"] != "http://esia.gosuslugi.ru/" and access["iss"] != "http://esia.gosuslugi.ru/"
        elif kind == "id_token_wrong_aud":
            assert id_claims["aud"] != "GOST-SYS" and access["client_id"] != "GOST-SYS"
        elif kind == "id_token_expired":
            import time

            assert id_claims["exp"] < time.time() and access["exp"] < time.time()
        else:
            assert "urn:esia:sbj" not in id_claims and "urn:esia:sbj_id" not in access
