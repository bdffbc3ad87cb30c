"""The operator's ESIA systems page: register a system with its certificate, see its hash, remove it."""

from __future__ import annotations

from shared import esia_crypto
from tests.helpers.forms import csrf_token as csrf
from tests.idp.esia.conftest import REDIRECT
from tests.idp.esia.conftest import needs_gost

pytestmark = needs_gost


def _operator(app):
    client = app.test_client()
    with client.session_transaction() as s:
        s["operator"] = True
    return client


def test_operator_registers_and_removes_a_system(esia_app, stranger_gost):
    client = _operator(esia_app)
    page = client.get("/operator/esia")
    assert page.status_code == 200 and "GOST-SYS" in page.get_data(as_text=True)
    token = csrf(page.get_data(as_text=True))
    created = client.post(
        "/operator/esia",
        data={
            "csrf_token": token,
            "client_id": "OPER-SYS",
            "client_name": "Школьный портал",
            "redirect_uris": REDIRECT + "\n",
            "scope": "openid fullname",
            "min_level": "2",
            "access_token_alg": "GOST3410_2012_256",
            "signature_mode": "lab",
            "certificates": stranger_gost.cert_pem,
        },
        follow_redirects=True,
    )
    html = created.get_data(as_text=True)
    assert created.status_code == 200 and "OPER-SYS" in html
    assert esia_crypto.certificate_hash(stranger_gost.cert_pem) in html
    removed = client.post("/operator/esia/OPER-SYS/remove", data={"csrf_token": token}, follow_redirects=True)
    html = removed.get_data(as_text=True)
    assert "<code>OPER-SYS</code>" not in html and "OPER-SYS" in html  # gone from the table; the notice names it


def test_operator_form_refuses_a_bad_certificate_and_keeps_the_input(esia_app):
    client = _operator(esia_app)
    token = csrf(client.get("/operator/esia").get_data(as_text=True))
    data = {"csrf_token": token, "client_id": "BAD-SYS", "redirect_uris": REDIRECT, "scope": "openid"}
    data |= {"min_level": "1", "access_token_alg": "RS256", "signature_mode": "lab", "certificates": "not a cert"}
    refused = client.post("/operator/esia", data=data)
    assert refused.status_code == 400 and 'value="BAD-SYS"' in refused.get_data(as_text=True)
    assert "esia_certificates" in refused.get_data(as_text=True)


def test_operator_page_needs_the_operator(esia_app):
    response = esia_app.test_client().get("/operator/esia")
    assert response.status_code == 302 and "/operator/login" in response.location
