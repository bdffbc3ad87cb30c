"""ESIA clients: registered with certificates (no secret), their Streebog hashes shown, options checked."""

from __future__ import annotations

import json

import pytest

from shared import esia_crypto

pytestmark = pytest.mark.skipif(not esia_crypto.gost_available(), reason="OpenSSL's GOST engine is not installed")


def _run(app, *args):
    from idp.cli import idp_cli

    with app.app_context():
        return app.test_cli_runner().invoke(idp_cli, list(args))


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    directory = tmp_path_factory.mktemp("certs")
    gost = esia_crypto.generate_gost("Система ГОСТ")
    rsa = esia_crypto.generate_rsa("RSA system")
    (directory / "gost.pem").write_text(gost.cert_pem)
    (directory / "rsa.pem").write_text(rsa.cert_pem)
    (directory / "junk.pem").write_text("not a certificate")
    return directory, gost, rsa


def test_client_create_with_two_certificates_and_no_secret(idp_app, certs):
    directory, gost, rsa = certs
    result = _run(
        idp_app,
        *("client", "create", "--client-id", "ESIA-SYS", "--redirect-uri", "https://rp.example/esia/cb"),
        *("--esia-certificate", str(directory / "gost.pem"), "--esia-certificate", str(directory / "rsa.pem")),
        *("--scope", "openid fullname snils addresses", "--min-level", "2"),
        *("--esia-access-token-alg", "GOST3410_2012_256", "--esia-signature-mode", "strict", "--json"),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    esia = data["esia"]
    assert [c["hash"] for c in esia["certificates"]] == [
        esia_crypto.certificate_hash(gost.cert_pem),
        esia_crypto.certificate_hash(rsa.cert_pem),
    ]
    assert [c["algorithm"] for c in esia["certificates"]] == ["GOST3410_2012_256", "RSA"]
    assert esia["certificates"][0]["subject"] == "CN=Система ГОСТ"
    assert esia["access_token_alg"] == "GOST3410_2012_256" and esia["signature_mode"] == "strict"
    assert data["min_level"] == 2 and data["scope"] == "openid fullname snils addresses"
    listed = json.loads(_run(idp_app, "client", "list", "--json").output)
    assert listed[0]["esia"]["certificates"][1]["algorithm"] == "RSA"


def test_client_without_certificate_or_secret_is_refused(idp_app):
    result = _run(idp_app, "client", "create", "--client-id", "x", "--redirect-uri", "https://rp.example/cb", "--json")
    assert result.exit_code == 1 and json.loads(result.output)["fields"]["client_secret"] == "required"


def test_client_with_a_file_that_is_no_certificate_is_refused(idp_app, certs):
    directory, _, _ = certs
    result = _run(
        idp_app,
        *("client", "create", "--client-id", "x", "--redirect-uri", "https://rp.example/cb"),
        *("--esia-certificate", str(directory / "junk.pem"), "--json"),
    )
    assert result.exit_code == 1
    assert json.loads(result.output)["fields"]["esia_certificates"].startswith("invalid")
    assert json.loads(_run(idp_app, "client", "list", "--json").output) == []


def test_client_with_the_same_certificate_twice_is_refused(idp_app, certs):
    directory, _, _ = certs
    result = _run(
        idp_app,
        *("client", "create", "--client-id", "x", "--redirect-uri", "https://rp.example/cb"),
        *("--esia-certificate", str(directory / "gost.pem"), "--esia-certificate", str(directory / "gost.pem")),
        "--json",
    )
    assert result.exit_code == 1 and "twice" in json.loads(result.output)["fields"]["esia_certificates"]


def test_client_with_oidc_secret_and_esia_certificate(idp_app, certs):
    directory, _, _ = certs
    result = _run(
        idp_app,
        *("client", "create", "--client-id", "both", "--secret", "s" * 20, "--redirect-uri", "https://rp.example/cb"),
        *("--esia-certificate", str(directory / "rsa.pem"), "--json"),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["token_endpoint_auth_method"] == "client_secret_basic"
    assert data["esia"]["access_token_alg"] == "RS256" and data["esia"]["signature_mode"] == "lab"


def test_ensure_client_registers_and_updates_esia_certificates(idp_app, certs):
    from idp.db import db
    from idp.domain.clients import client_json
    from idp.domain.clients import ensure_client

    _, gost, rsa = certs
    with idp_app.app_context():
        ensure_client(db.session, "demo", None, ["https://rp.example/cb"], esia_certificates=[gost.cert_pem])
        db.session.commit()
        again = ensure_client(
            db.session,
            "demo",
            None,
            ["https://rp.example/cb"],
            esia_certificates=[rsa.cert_pem],
            esia_access_token_alg="GOST3410_2012_256",
        )
        db.session.commit()
        data = client_json(again)
        assert [c["algorithm"] for c in data["esia"]["certificates"]] == ["RSA"]
        assert data["esia"]["access_token_alg"] == "GOST3410_2012_256"
        kept = ensure_client(db.session, "demo", None, ["https://rp.example/cb2"])  # certificates untouched
        assert client_json(kept)["esia"]["certificates"][0]["algorithm"] == "RSA"
