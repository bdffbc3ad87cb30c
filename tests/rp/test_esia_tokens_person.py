"""ESIA's tokens as the diary checks them (RS256 by JWKS or certificate, GOST by certificate) and ESIA's
person as linking reads it.
"""

from __future__ import annotations

import base64
import json
import time

import pytest

from rp.esia.person import person_claims
from rp.esia.person import trust_level
from rp.esia.tokens import verify_access_token
from rp.oidc.errors import OidcError
from shared import esia_crypto
from tests.rp.fakeesia import default_person


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def provider_gost():
    return esia_crypto.generate_keypair(esia_crypto.GOST, "ESIA lab GOST")


def gost_token(pair, **overrides) -> str:
    now = int(time.time())
    header = {"ver": 1, "typ": "JWT", "sbt": "access", "alg": "GOST3410_2012_256"}
    claims = {"nbf": now, "iat": now, "exp": now + 3600, "client_id": "DNEVNIK", "urn:esia:sbj_id": 7, **overrides}
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return signing_input + "." + _b64(esia_crypto.sign_raw(signing_input.encode(), pair.key_pem))


def test_gost_access_token_verifies_against_the_published_gost_certificate(provider_gost):
    keys = {"keys": [], "certificates": [provider_gost.cert_pem]}
    claims = verify_access_token(gost_token(provider_gost), lambda force: keys, client_id="DNEVNIK", oid=7)
    assert claims["urn:esia:sbj_id"] == 7


def test_gost_access_token_by_another_key_is_refused_even_after_a_refetch(provider_gost):
    other = esia_crypto.generate_keypair(esia_crypto.GOST, "someone else")
    fetched = []

    def load(force: bool):
        fetched.append(force)
        return {"keys": [], "certificates": [other.cert_pem]}

    with pytest.raises(OidcError) as exc:
        verify_access_token(gost_token(provider_gost), load, client_id="DNEVNIK", oid=7)
    assert exc.value.code == "id_token_signature" and fetched == [False, True]


def test_expired_or_unsigned_access_tokens_are_refused(provider_gost):
    keys = {"keys": [], "certificates": [provider_gost.cert_pem]}
    with pytest.raises(OidcError) as exc:
        verify_access_token(gost_token(provider_gost, exp=1), lambda f: keys, client_id="DNEVNIK", oid=7)
    assert exc.value.code == "id_token_claims"
    none = _b64(b'{"alg":"none"}') + "." + _b64(b'{"client_id":"DNEVNIK","urn:esia:sbj_id":7}') + "."
    with pytest.raises(OidcError) as exc:
        verify_access_token(none, lambda f: keys, client_id="DNEVNIK", oid=7)
    assert exc.value.code == "id_token_alg"


def test_person_claims_take_the_first_mobile_and_email_and_the_level():
    claims = person_claims(default_person())
    assert claims["lastName"] == "Иванова" and claims["birthDate"] == "14.03.1984"
    assert (claims["MBT"], claims["EML"]) == ("+7(911)1000001", "ivanova@example.test")
    assert claims["trust_level"] == "standard"


@pytest.mark.parametrize(
    ("changes", "level"),
    [
        ({"trusted": True}, "verified"),
        ({"verifying": True}, "simplified"),
        ({"snils": None}, "simplified"),
        ({}, "standard"),
    ],
)
def test_trust_level_from_esia_person(changes, level):
    person = {**default_person(), **changes}
    assert trust_level(person) == level
