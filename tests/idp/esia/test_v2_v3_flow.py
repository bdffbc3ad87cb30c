"""The v2/ac + v3/te protocol signed exactly as ilimurzin/esia signs it, with GOST and RSA certificates."""

from __future__ import annotations

import json
import uuid

import pytest

from shared import esia_crypto
from tests.idp.esia.conftest import REDIRECT
from tests.idp.esia.conftest import needs_gost
from tests.idp.esia.conftest import query_of

pytestmark = needs_gost


def _jwt_parts(token: str) -> tuple[dict, dict, bytes, bytes]:
    header, payload, signature = token.split(".")
    return (
        json.loads(esia_crypto.b64_decode_any(header).data),
        json.loads(esia_crypto.b64_decode_any(payload).data),
        f"{header}.{payload}".encode(),
        esia_crypto.b64_decode_any(signature).data,
    )


def _lab_certificate(client, name: str) -> str:
    response = client.get(f"/esia/certificates/{name}.pem")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("driver_name", ["gost", "rsa"])
def test_full_flow_code_token_refresh_logout(request, driver_name, person):
    driver = request.getfixturevalue(driver_name)
    code, sent = driver.v2_code()
    state = str(uuid.uuid4())
    response = driver.v3_token(code, state=state)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"access_token", "id_token", "refresh_token", "state", "token_type", "expires_in"}
    assert body["state"] == state and body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert response.headers["Cache-Control"] == "no-store"

    header, claims, signed, signature = _jwt_parts(body["access_token"])
    alg = "GOST3410_2012_256" if driver_name == "gost" else "RS256"
    assert header == {"ver": 1, "typ": "JWT", "sbt": "access", "alg": alg}
    assert claims["urn:esia:sbj_id"] == person.oid and isinstance(claims["urn:esia:sbj_id"], int)
    assert claims["client_id"] == driver.client_id
    assert claims["iss"] == "http://esia.gosuslugi.ru/"
    assert claims["exp"] == claims["iat"] + 3600
    assert len(claims["urn:esia:sid"]) == 64
    assert claims["scope"].split()[0] == "openid"
    assert f"fullname?oid={person.oid}" in claims["scope"].split()
    # The lab publishes the certificate the access token verifies with.
    if alg == "RS256":
        assert esia_crypto.verify_raw_rsa(signature, signed, _lab_certificate(driver.client, "rsa"))
    else:
        assert len(signature) == 64
        assert esia_crypto.verify_raw_gost(signature, signed, _lab_certificate(driver.client, "gost"))

    id_header, id_claims, id_signed, id_signature = _jwt_parts(body["id_token"])
    assert id_header["alg"] == "RS256"
    assert esia_crypto.verify_raw_rsa(id_signature, id_signed, _lab_certificate(driver.client, "rsa"))
    assert id_claims["aud"] == driver.client_id and id_claims["sub"] == str(person.oid)
    sbj = id_claims["urn:esia:sbj"]
    assert sbj["urn:esia:sbj:oid"] == person.oid and sbj["urn:esia:sbj:nam"] == f"OID.{person.oid}"
    assert sbj["urn:esia:sbj:typ"] == "P" and sbj["urn:esia:sbj:lvl"] == "P"
    assert "urn:esia:sbj:is_tru" not in sbj  # a standard account is not verified

    person_data = driver.client.get(
        f"/rs/prns/{person.oid}", headers={"Authorization": "Bearer " + body["access_token"]}
    ).get_json()
    assert person_data["lastName"] == "Иванова" and person_data["trusted"] is False

    refreshed = driver.v3_refresh(body["refresh_token"])
    assert refreshed.status_code == 200, refreshed.get_json()
    again = refreshed.get_json()
    assert again["refresh_token"] != body["refresh_token"] and again["access_token"] != body["access_token"]
    _, new_claims, _, _ = _jwt_parts(again["access_token"])
    assert new_claims["urn:esia:sid"] == claims["urn:esia:sid"] and new_claims["scope"] == claims["scope"]
    # The old pair is retired: its refresh token and access token no longer work.
    assert driver.v3_refresh(body["refresh_token"]).get_json()["error_description"].startswith("ESIA-007011")
    old = driver.client.get(f"/rs/prns/{person.oid}", headers={"Authorization": "Bearer " + body["access_token"]})
    assert old.status_code == 401

    logout = driver.client.get(f"/idp/ext/Logout?client_id={driver.client_id}&redirect_url=https://rp.example/bye")
    assert logout.status_code == 302 and logout.location == "https://rp.example/bye"
    # The IdP session is over: the next authorization asks to log in.
    params = driver.v2_params()
    from urllib.parse import urlencode

    after = driver.client.get("/aas/oauth2/v2/ac?" + urlencode(params))
    assert after.status_code == 302 and "/login" in after.location


def test_refresh_with_aisgorod_string(gost):
    code, _ = gost.v2_code()
    body = gost.v3_token(code).get_json()
    refreshed = gost.v3_refresh(body["refresh_token"], aisgorod=True)
    assert refreshed.status_code == 200, refreshed.get_json()


def test_padded_and_standard_base64_secret_accepted_in_lab_mode(rsa):
    from urllib.parse import urlencode

    from shared import esia_wire

    params = rsa.v2_params()
    message = esia_wire.v2_string(
        rsa.client_id, params["scope"], "", params["timestamp"], params["state"], params["redirect_uri"]
    )
    raw = esia_crypto.sign_raw(message.encode(), rsa.pair.key_pem)
    params["client_secret"] = esia_crypto.b64_encode(raw)  # standard alphabet, padded (AISGorod)
    response = rsa.follow(rsa.client.get("/aas/oauth2/v2/ac?" + urlencode(params)))
    assert response.status_code == 302 and "code" in query_of(response.location)


def test_hash_is_case_insensitive(gost):
    code, _ = gost.v2_code(client_certificate_hash=gost.cert_hash.lower())
    assert code


def test_redirect_carries_code_and_state_to_the_registered_uri(gost):
    code, sent = gost.v2_code()
    assert len(code) > 20 and sent["redirect_uri"] == REDIRECT


def test_verified_account_gets_is_tru_and_trusted(esia_app, gost_pair):
    from tests.idp.esia.conftest import EsiaDriver
    from tests.idp.oidc.helpers import make_account

    verified = make_account(esia_app, level="verified", phone="+79160000001", email="v@example.ru")
    driver = EsiaDriver(esia_app, esia_app.test_client(), "GOST-SYS", gost_pair)
    driver.login(verified)
    code, _ = driver.v2_code()
    body = driver.v3_token(code).get_json()
    _, id_claims, _, _ = _jwt_parts(body["id_token"])
    assert id_claims["urn:esia:sbj"]["urn:esia:sbj:is_tru"] is True
    assert id_claims["urn:esia:sbj"]["urn:esia:sbj:lvl"] == "PR"
    data = driver.client.get(
        f"/rs/prns/{verified.oid}", headers={"Authorization": "Bearer " + body["access_token"]}
    ).get_json()
    assert data["trusted"] is True
