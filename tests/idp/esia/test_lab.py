"""The lab's ESIA page, verification PEMs, and the client registry API (/api/lab/clients, /api/lab/esia)."""

from __future__ import annotations

import pytest

from shared import esia_crypto
from tests.idp.esia.conftest import REDIRECT
from tests.idp.esia.conftest import needs_gost
from tests.test_openapi import assert_matches
from tests.test_openapi import load_spec

pytestmark = needs_gost


def test_certificates_are_published_as_pem(esia_app):
    client = esia_app.test_client()
    rsa = client.get("/esia/certificates/rsa.pem")
    gost = client.get("/esia/certificates/gost.pem")
    assert rsa.status_code == gost.status_code == 200 and rsa.mimetype == "application/x-pem-file"
    assert esia_crypto.certificate_algorithm(rsa.get_data(as_text=True)) == "RSA"
    assert esia_crypto.certificate_algorithm(gost.get_data(as_text=True)) == "GOST3410_2012_256"
    assert client.get("/esia/certificates/rsa-public-key.pem").get_data(as_text=True).startswith("-----BEGIN PUBLIC")
    assert client.get("/esia/certificates/gost-public-key.pem").status_code == 200
    assert client.get("/esia/certificates/other.pem").status_code == 404
    # Stable: the same key and certificate on every request (and the RSA one is the JWKS key).
    assert client.get("/esia/certificates/gost.pem").get_data() == gost.get_data()
    assert client.get("/esia/certificates/rsa.pem").get_data() == rsa.get_data()


def test_the_rsa_certificate_holds_the_jwks_key(esia_app):
    import base64

    from cryptography import x509

    client = esia_app.test_client()
    cert = x509.load_pem_x509_certificate(client.get("/esia/certificates/rsa.pem").get_data())
    jwk = client.get("/jwks.json").get_json()["keys"][0]
    modulus = int.from_bytes(base64.urlsafe_b64decode(jwk["n"] + "=" * (-len(jwk["n"]) % 4)), "big")
    assert cert.public_key().public_numbers().n == modulus


def test_the_gost_key_is_kept_in_the_configured_files(esia_app, tmp_path):
    esia_app.test_client().get("/esia/certificates/gost.pem")
    assert (tmp_path / "idp-gost.key").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert (tmp_path / "idp-gost.pem").read_text().startswith("-----BEGIN CERTIFICATE-----")


def test_lab_page_shows_keys_and_clients(esia_app, gost_pair):
    html = esia_app.test_client().get("/lab/esia").get_data(as_text=True)
    assert "http://esia.gosuslugi.ru/" in html and "/esia/certificates/gost.pem" in html
    assert "GOST-SYS" in html and esia_crypto.certificate_hash(gost_pair.cert_pem) in html


def test_lab_page_is_lab_only(esia_app):
    esia_app.config["LAB_MODE"] = False
    assert esia_app.test_client().get("/lab/esia").status_code == 404
    assert esia_app.test_client().get("/api/lab/clients").status_code == 404
    assert esia_app.test_client().get("/esia/certificates/rsa.pem").status_code == 200


def test_api_registers_lists_and_removes_an_esia_client(esia_app, rsa_pair):
    spec = load_spec("idp")
    client = esia_app.test_client()
    created = client.post(
        "/api/lab/clients",
        json={
            "client_id": "API-SYS",
            "redirect_uris": [REDIRECT],
            "esia_certificates": [rsa_pair.cert_pem],
            "scope": "openid fullname",
            "min_level": 2,
            "esia_signature_mode": "strict",
        },
    )
    assert created.status_code == 201, created.get_json()
    assert_matches(spec, "/api/lab/clients", "post", created)
    body = created.get_json()
    assert body["esia"]["certificates"][0]["hash"] == esia_crypto.certificate_hash(rsa_pair.cert_pem)
    assert body["esia"]["signature_mode"] == "strict" and body["min_level"] == 2
    listed = client.get("/api/lab/clients")
    assert_matches(spec, "/api/lab/clients", "get", listed)
    assert "API-SYS" in [c["client_id"] for c in listed.get_json()]
    removed = client.delete("/api/lab/clients/API-SYS")
    assert removed.status_code == 200
    assert_matches(spec, "/api/lab/clients/{client_id}", "delete", removed)
    gone = client.delete("/api/lab/clients/API-SYS")
    assert gone.status_code == 404
    assert_matches(spec, "/api/lab/clients/{client_id}", "delete", gone)


@pytest.mark.parametrize(
    "document",
    [
        {"client_id": "X", "redirect_uris": [REDIRECT], "esia_certificates": ["junk"]},
        {"client_id": "X", "redirect_uris": [REDIRECT]},
        {"client_id": "X", "redirect_uris": "not a list"},
        {"client_id": "X\x00", "redirect_uris": [REDIRECT], "client_secret": "s"},
        {"client_id": "X", "client_name": "Я" * 300, "redirect_uris": [REDIRECT], "client_secret": "s"},
        {"client_id": "X", "redirect_uris": [REDIRECT], "client_secret": "s", "min_level": "3"},
        {"client_id": "X", "redirect_uris": [REDIRECT], "client_secret": "s", "esia_access_token_alg": "HS256"},
        [],
    ],
)
def test_api_refuses_bad_registrations_and_writes_nothing(esia_app, document):
    spec = load_spec("idp")
    client = esia_app.test_client()
    before = len(client.get("/api/lab/clients").get_json())
    refused = client.post("/api/lab/clients", json=document)
    assert refused.status_code == 400
    assert_matches(spec, "/api/lab/clients", "post", refused)
    assert len(client.get("/api/lab/clients").get_json()) == before


def test_api_esia_info(esia_app):
    spec = load_spec("idp")
    response = esia_app.test_client().get("/api/lab/esia")
    assert_matches(spec, "/api/lab/esia", "get", response)
    data = response.get_json()
    assert data["issuer"] == "http://esia.gosuslugi.ru/" and data["keys"]["gost"]["alg"] == "GOST3410_2012_256"
    remote = esia_app.test_client().get("/api/lab/esia", environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert remote.status_code == 401
