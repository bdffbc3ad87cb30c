"""``fedlab rp region set --protocol esia``: an ESIA region with the diary's certificate and key."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from fedlab.cli import main
from shared import esia_crypto


@pytest.fixture
def run(rp_app):
    runner = CliRunner()

    def invoke(*args: str):
        with rp_app.app_context():
            return runner.invoke(main, ["rp", "region", *args], catch_exceptions=False)

    return invoke


@pytest.fixture(scope="module")
def pair_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("esia-pair")
    pair = esia_crypto.generate_keypair(esia_crypto.GOST, "Dnevnik CLI")
    other = esia_crypto.generate_keypair(esia_crypto.RSA, "Other")
    for name, text in (("cert.pem", pair.cert_pem), ("key.pem", pair.key_pem), ("other.key", other.key_pem)):
        (folder / name).write_text(text)
    return folder, pair


def test_esia_region_is_saved_with_its_certificate_hash_and_never_shows_the_key(run, pair_files):
    folder, pair = pair_files
    res = run(
        "set", "gost", "--protocol", "esia", "--issuer-url", "http://127.0.0.1:6150", "--client-id", "DNEVNIK",
        "--certificate", str(folder / "cert.pem"), "--key", str(folder / "key.pem"), "--json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["protocol"] == "esia" and data["client_id"] == "DNEVNIK"
    assert data["certificate_hash"] == esia_crypto.certificate_hash(pair.cert_pem)
    assert data["redirect_uri"] == "http://rp.test/login/callback"
    assert "PRIVATE KEY" not in res.output
    listed = run("list")
    assert "gost\tesia\thttp://127.0.0.1:6150\tDNEVNIK" in listed.output


def test_oidc_stays_the_default(run):
    res = run("set", "plain", "--issuer", "http://127.0.0.1:6151", "--client-id", "d", "--client-secret", "s", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["protocol"] == "oidc"
    assert run("set", "nosecret", "--issuer", "http://127.0.0.1:6151", "--client-id", "d").exit_code != 0


def test_esia_region_refuses_a_missing_or_foreign_key(run, pair_files):
    folder, _ = pair_files
    base = ["set", "bad", "--protocol", "esia", "--issuer-url", "http://127.0.0.1:6150", "--client-id", "D"]
    res = run(*base)
    assert res.exit_code != 0 and "certificate and key" in res.output
    res = run(*base, "--certificate", str(folder / "cert.pem"))
    assert res.exit_code != 0 and "both --certificate and --key" in res.output
    res = run(*base, "--certificate", str(folder / "cert.pem"), "--key", str(folder / "other.key"))
    assert res.exit_code != 0 and "different algorithms" in res.output
    assert "bad" not in run("list").output
