"""The legacy ac/te protocol with PKCS#7, signed as esia-connector (detached, signed attributes, openssl smime)
and npm esia (attached, no attributes, node-forge) sign it; and what the protocol trace records.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import uuid
from urllib.parse import urlencode

import pytest

from shared import esia_crypto
from shared import esia_wire
from tests.idp.esia.conftest import REDIRECT
from tests.idp.esia.conftest import SCOPE
from tests.idp.esia.conftest import needs_gost
from tests.idp.esia.conftest import query_of
from tests.idp.esia.conftest import timestamp

pytestmark = needs_gost


def _claims(token: str) -> dict:
    return json.loads(esia_crypto.b64_decode_any(token.split(".")[1]).data)


@pytest.mark.parametrize("driver_name", ["gost", "rsa"])
@pytest.mark.parametrize(("detached", "attrs"), [(True, True), (False, False), (True, False), (False, True)])
def test_legacy_flow_with_pkcs7_variants(request, driver_name, detached, attrs, person):
    driver = request.getfixturevalue(driver_name)
    code, _ = driver.legacy_code(detached=detached, attrs=attrs)
    state = str(uuid.uuid4())
    response = driver.legacy_token(code, detached=detached, attrs=attrs, state=state)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == state and isinstance(body["expires_in"], int) and body["refresh_token"]
    id_claims = _claims(body["id_token"])
    assert id_claims["urn:esia:sbj"]["urn:esia:sbj:oid"] == person.oid
    assert id_claims["iss"] == "http://esia.gosuslugi.ru/" and id_claims["aud"] == driver.client_id


def _smime_secret(driver, message: str) -> str:
    """Exactly esia-connector's signing: ``openssl smime -sign -md sha256 … -outform DER``, urlsafe base64."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, content in (("msg", message), ("cert.pem", driver.pair.cert_pem), ("key.pem", driver.pair.key_pem)):
            paths[name] = os.path.join(tmp, name)
            with open(paths[name], "w") as handle:
                handle.write(content)
        out = os.path.join(tmp, "out")
        env = dict(os.environ, OPENSSL_CONF=str(esia_crypto.openssl_config_path()))
        subprocess.run(
            ["openssl", "smime", "-sign", "-md", "sha256", "-in", paths["msg"], "-signer", paths["cert.pem"],
             "-inkey", paths["key.pem"], "-out", out, "-outform", "DER"],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        with open(out, "rb") as handle:
            return esia_crypto.b64url_encode(handle.read(), padded=True)


def test_esia_connector_style_request_with_openssl_smime(rsa, person):
    state = str(uuid.uuid4())
    ts = timestamp(offset_hours=0)
    params = {
        "client_id": rsa.client_id,
        "client_secret": _smime_secret(rsa, esia_wire.legacy_string(SCOPE, ts, rsa.client_id, state)),
        "redirect_uri": REDIRECT,
        "scope": SCOPE,
        "response_type": "code",
        "state": state,
        "timestamp": ts,
        "access_type": "offline",
    }
    response = rsa.follow(rsa.client.get("/aas/oauth2/ac?" + urlencode(sorted(params.items()))))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    code = query_of(response.location)["code"]
    te_state = str(uuid.uuid4())
    te_ts = timestamp(offset_hours=0)
    form = {
        "client_id": rsa.client_id,
        "code": code,
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT,
        "timestamp": te_ts,
        "token_type": "Bearer",
        "scope": SCOPE,
        "state": te_state,
        "client_secret": _smime_secret(rsa, esia_wire.legacy_string(SCOPE, te_ts, rsa.client_id, te_state)),
    }
    body = rsa.client.post("/aas/oauth2/te", data=form).get_json()
    assert body["state"] == te_state and _claims(body["access_token"])["urn:esia:sbj_id"] == person.oid


def test_fr05t1k_style_legacy_string_with_pkcs7_at_v2_in_lab_mode(gost):
    params = gost.legacy_params()
    params["client_certificate_hash"] = gost.cert_hash
    response = gost.follow(gost.client.get("/aas/oauth2/v2/ac?" + urlencode(params)))
    assert response.status_code == 302 and "code" in query_of(response.location)


def test_trace_records_the_variant_that_matched(esia_app, gost):
    code, _ = gost.legacy_code(detached=False, attrs=False)
    gost.legacy_token(code)
    from idp.db import db
    from idp.oidc import trace

    with esia_app.app_context():
        traces = trace.recent_traces(db.session)
        events = trace.trace_events(db.session, traces[0].id)
        records = [json.loads(e.request_json) for e in events]
    signatures = [r["esia"]["signature"] for r in records if "signature" in r.get("esia", {})]
    assert signatures[0]["variant"] == "pkcs7-attached-noattrs" and signatures[0]["signed_string"] == "legacy"
    assert signatures[1]["variant"] == "pkcs7-detached-attrs"
    assert signatures[0]["certificate_hash"] == gost.cert_hash
    steps = [(e.step, e.path) for e in events]
    assert ("authorize", "/aas/oauth2/ac") in steps and ("token", "/aas/oauth2/te") in steps
    assert [r["channel"] for r in records if r.get("esia", {}).get("endpoint") == "/aas/oauth2/te"] == ["server"]
    assert all("client_secret" not in r["params"] or r["params"]["client_secret"].endswith("…") for r in records)


def test_trace_page_shows_an_esia_login(esia_app, rsa, person):
    code, _ = rsa.v2_code()
    token = rsa.v3_token(code).get_json()["access_token"]
    rsa.client.get(f"/rs/prns/{person.oid}/ctts", headers={"Authorization": "Bearer " + token})
    listing = esia_app.test_client().get("/api/lab/traces").get_json()
    trace_id = listing["traces"][0]["id"] if isinstance(listing, dict) else listing[0]["id"]
    detail = esia_app.test_client().get(f"/api/lab/traces/{trace_id}").get_json()
    steps = [x["step"] for x in detail["exchanges"]]
    assert steps[0] == "authorize" and "token" in steps and "prns" in steps
    page = esia_app.test_client().get(f"/lab/traces/{trace_id}")
    assert page.status_code == 200 and "/aas/oauth2/v3/te" in page.get_data(as_text=True)
