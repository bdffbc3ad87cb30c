"""ESIA cryptography: real RSA and GOST R 34.10-2012 signatures through OpenSSL's GOST engine."""

from __future__ import annotations

import os
import subprocess
import tempfile

import pytest

from shared import esia_crypto as ec

pytestmark = pytest.mark.skipif(not ec.gost_available(), reason="OpenSSL's GOST engine is not installed")

MESSAGE = b"openid fullname2026.12.01 21:00:00 +0000client-1a1b2c3d-state"


@pytest.fixture(scope="module")
def gost() -> ec.KeyPair:
    return ec.generate_gost("Тестовая система ГОСТ")


@pytest.fixture(scope="module")
def gost_other() -> ec.KeyPair:
    return ec.generate_gost("Чужая система")


@pytest.fixture(scope="module")
def rsa() -> ec.KeyPair:
    return ec.generate_rsa("Test system RSA")


@pytest.fixture(scope="module")
def rsa_other() -> ec.KeyPair:
    return ec.generate_rsa("Other system")


@pytest.fixture(params=["gost", "rsa"])
def pair(request, gost, rsa) -> tuple[ec.KeyPair, ec.KeyPair]:
    """A key pair and a certificate of the same algorithm that is not the signer's."""
    if request.param == "gost":
        return gost, request.getfixturevalue("gost_other")
    return rsa, request.getfixturevalue("rsa_other")


def _openssl_hash(cert_pem: str) -> str:
    """The hash exactly as ESIA's documentation computes it, by two piped openssl commands."""
    env = ec.openssl_environment()
    der = subprocess.run(["openssl", "x509", "-outform", "DER"], input=cert_pem.encode(), capture_output=True, env=env)
    out = subprocess.run(["openssl", "dgst", "-md_gost12_256"], input=der.stdout, capture_output=True, env=env)
    return out.stdout.decode().split("= ")[-1].strip().upper()


def test_generated_certificates_name_their_algorithm_and_subject(gost, rsa):
    assert ec.certificate_algorithm(gost.cert_pem) == ec.GOST
    assert ec.certificate_algorithm(rsa.cert_pem) == ec.RSA
    assert ec.key_algorithm(gost.key_pem) == ec.GOST
    assert ec.key_algorithm(rsa.key_pem) == ec.RSA
    assert ec.certificate_subject(gost.cert_pem) == "CN=Тестовая система ГОСТ"


def test_certificate_hash_is_streebog_of_der_in_uppercase_hex(gost, rsa):
    for cert in (gost.cert_pem, rsa.cert_pem):
        digest = ec.certificate_hash(cert)
        assert len(digest) == 64 and digest == digest.upper()
        assert digest == _openssl_hash(cert)
    assert ec.certificate_hash(gost.cert_pem) != ec.certificate_hash(rsa.cert_pem)


def test_streebog_known_answer():
    # GOST R 34.11-2012 test vector M1 (RFC 6986 section 10.1), as the bytes of the ASCII digits.
    m1 = b"012345678901234567890123456789012345678901234567890123456789012"
    assert ec.streebog256(m1).hex() == "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"


def test_split_certificates_reads_several_blocks_and_refuses_none(gost, rsa):
    both = ec.split_certificates("junk\n" + gost.cert_pem + "\n" + rsa.cert_pem)
    assert [ec.certificate_hash(c) for c in both] == [
        ec.certificate_hash(gost.cert_pem),
        ec.certificate_hash(rsa.cert_pem),
    ]
    with pytest.raises(ec.EsiaCryptoError):
        ec.split_certificates("not a certificate")
    with pytest.raises(ec.EsiaCryptoError):
        ec.certificate_hash("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")


@pytest.mark.parametrize("detached", [True, False], ids=["detached", "attached"])
@pytest.mark.parametrize("attrs", [True, False], ids=["attrs", "noattrs"])
def test_pkcs7_variants_verify_only_against_the_signer(pair, detached, attrs):
    signer, other = pair
    signature = ec.sign_pkcs7(MESSAGE, signer.cert_pem, signer.key_pem, detached=detached, signed_attributes=attrs)
    info = ec.pkcs7_info(signature)
    assert (info.attached, info.signed_attributes) == (not detached, attrs)
    assert ec.verify_pkcs7(signature, MESSAGE, signer.cert_pem)
    assert not ec.verify_pkcs7(signature, MESSAGE + b"x", signer.cert_pem)
    # Valid signature, embedded signer certificate, but not the registered one: refused.
    assert not ec.verify_pkcs7(signature, MESSAGE, other.cert_pem)


def test_pkcs7_made_by_openssl_smime_as_esia_connector_does(gost):
    with tempfile.TemporaryDirectory() as tmp:
        paths = {name: os.path.join(tmp, name) for name in ("msg", "cert.pem", "key.pem")}
        for name, content in (
            ("msg", MESSAGE),
            ("cert.pem", gost.cert_pem.encode()),
            ("key.pem", gost.key_pem.encode()),
        ):
            with open(paths[name], "wb") as handle:
                handle.write(content)
        signature = ec.run_openssl(
            [
                "smime",
                "-sign",
                "-md",
                "md_gost12_256",
                "-signer",
                paths["cert.pem"],
                "-inkey",
                paths["key.pem"],
                "-in",
                paths["msg"],
                "-outform",
                "DER",
            ]
        )
    assert ec.pkcs7_info(signature).variant == "pkcs7-detached-attrs"
    assert ec.verify_pkcs7(signature, MESSAGE, gost.cert_pem)


def test_pkcs7_garbage_is_refused(gost):
    assert not ec.verify_pkcs7(b"", MESSAGE, gost.cert_pem)
    assert not ec.verify_pkcs7(b"\x30\x03\x02\x01\x01", MESSAGE, gost.cert_pem)
    with pytest.raises(ec.EsiaCryptoError):
        ec.pkcs7_info(b"\x30\x03\x02\x01\x01")


def test_raw_gost_is_64_bytes_and_verifies_only_with_its_certificate(gost, gost_other, rsa):
    signature = ec.sign_raw(MESSAGE, gost.key_pem)
    assert len(signature) == 64
    assert ec.verify_raw(signature, MESSAGE, gost.cert_pem)
    assert ec.verify_raw_gost(signature, MESSAGE, gost.cert_pem)
    assert not ec.verify_raw(signature, MESSAGE + b"x", gost.cert_pem)
    assert not ec.verify_raw(signature, MESSAGE, gost_other.cert_pem)
    assert not ec.verify_raw(signature, MESSAGE, rsa.cert_pem)
    assert not ec.verify_raw(signature[::-1], MESSAGE, gost.cert_pem)
    assert not ec.verify_raw(signature[:63], MESSAGE, gost.cert_pem)


def test_raw_gost_agrees_with_openssl_dgst_verify(gost):
    signature = ec.sign_raw_gost(MESSAGE, gost.key_pem)
    with tempfile.TemporaryDirectory() as tmp:
        pub, sig = os.path.join(tmp, "pub.pem"), os.path.join(tmp, "sig")
        with open(pub, "w") as handle:
            handle.write(ec.public_key_pem(gost.cert_pem))
        with open(sig, "wb") as handle:
            handle.write(signature)
        out = ec.run_openssl(["dgst", "-md_gost12_256", "-verify", pub, "-signature", sig], MESSAGE)
    assert b"Verified OK" in out


def test_raw_rsa_is_pkcs1v15_sha256(rsa, rsa_other, gost):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    signature = ec.sign_raw(MESSAGE, rsa.key_pem)
    assert len(signature) == 256
    key = serialization.load_pem_private_key(rsa.key_pem.encode(), password=None)
    key.public_key().verify(signature, MESSAGE, padding.PKCS1v15(), hashes.SHA256())
    assert ec.verify_raw(signature, MESSAGE, rsa.cert_pem)
    assert not ec.verify_raw(signature, MESSAGE + b"x", rsa.cert_pem)
    assert not ec.verify_raw(signature, MESSAGE, rsa_other.cert_pem)
    assert not ec.verify_raw(signature, MESSAGE, gost.cert_pem)


def test_generate_keypair_by_name_and_unknown_algorithm():
    assert ec.generate_keypair(ec.GOST, "x").algorithm == ec.GOST
    with pytest.raises(ec.EsiaCryptoError):
        ec.generate_keypair("DSA", "x")


@pytest.mark.parametrize("data", [b"", b"\xfb\xff", b"\xfb\xff\xfe", bytes(range(256)), bytes(range(255, 191, -1))])
def test_base64_round_trips_every_variant(data):
    if not data:
        with pytest.raises(ec.EsiaCryptoError):
            ec.b64_decode_any(ec.b64url_encode(data))
        return
    for text, variant in (
        (ec.b64url_encode(data), "base64url"),
        (ec.b64url_encode(data, padded=True), "base64url"),
        (ec.b64_encode(data), "base64"),
        (ec.b64_encode(data, padded=False), "base64"),
    ):
        decoded = ec.b64_decode_any(text)
        assert decoded.data == data
        if "-" in text or "_" in text or "+" in text or "/" in text:
            assert decoded.variant.startswith(variant + "-")
        assert decoded.padded == text.endswith("=")


def test_base64_encoders_use_their_alphabet():
    data = b"\xfb\xff\xfe"
    assert ec.b64url_encode(data) == "-__-"
    assert ec.b64_encode(data) == "+//+"
    assert ec.b64url_encode(b"ab") == "YWI"
    assert ec.b64url_encode(b"ab", padded=True) == "YWI="


def test_base64_space_counts_as_plus():
    assert ec.b64_decode_any("+//+").data == ec.b64_decode_any(" //+").data == b"\xfb\xff\xfe"


@pytest.mark.parametrize("text", ["", "\n", "A", "AB=C", "-_+/", "YW=I", "YWI==", "éé"])
def test_base64_malformed_is_refused(text):
    with pytest.raises(ec.EsiaCryptoError):
        ec.b64_decode_any(text)
