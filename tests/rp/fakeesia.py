"""A fake ESIA provider for the diary's tests, served through ``responses`` (mocks ``requests``).

It checks what the diary sends as real ESIA does (the raw signature of the v2/v3 strings against the
diary's certificate, ``client_certificate_hash``, the timestamp) and answers in ESIA's shapes: the te
JSON echoing ``state``, an RS256 id_token with ``urn:esia:sbj``, an access token, and ``/rs/prns``.
"""

from __future__ import annotations

import json
import time
from datetime import UTC
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlparse

import pytest
import responses
from joserfc import jws
from joserfc.jwk import RSAKey

from shared import esia_crypto
from shared import esia_wire
from tests.rp.fakeop import follow_outcome
from tests.rp.fakeop import press_gosuslugi_button

BASE = "https://esia.test"
CLIENT_ID = "DNEVNIK"
TOKEN_ISSUER = "http://esia.gosuslugi.ru/"
OID = 1000000001
KEY = RSAKey.generate_key(2048, parameters={"kid": "esia1", "use": "sig", "alg": "RS256"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "esia2", "use": "sig", "alg": "RS256"})


def default_person() -> dict[str, Any]:
    """Return Ivanova as ESIA's /rs/prns shows her with contacts and documents embedded."""
    return {
        "stateFacts": ["EntityRoot"],
        "eTag": "E1",
        "firstName": "Мария",
        "lastName": "Иванова",
        "middleName": "Петровна",
        "birthDate": "14.03.1984",
        "gender": "F",
        "snils": "112-233-445 95",
        "trusted": False,
        "verifying": False,
        "status": "REGISTERED",
        "citizenship": "RUS",
        "contacts": {
            "stateFacts": ["hasSize"],
            "size": 2,
            "elements": [
                {"type": "MBT", "vrfStu": "VERIFIED", "value": "+7(911)1000001"},
                {"type": "EML", "vrfStu": "VERIFIED", "value": "ivanova@example.test"},
            ],
        },
        "documents": {"stateFacts": ["hasSize"], "size": 0, "elements": []},
    }


def _jwt(header: dict[str, Any], claims: dict[str, Any], key: RSAKey) -> str:
    registry = jws.JWSRegistry(algorithms=["RS256"], strict_check_header=False)
    return jws.serialize_compact(header, json.dumps(claims).encode(), key, registry=registry)


class FakeEsia:
    """An ESIA provider whose every answer the test can change before the login."""

    def __init__(self, rsps: responses.RequestsMock, pair: esia_crypto.KeyPair) -> None:
        self.pair = pair
        self.oid = OID
        self.person = default_person()
        self.id_overrides: dict[str, Any] = {}
        self.access_overrides: dict[str, Any] = {}
        self.sign_with = KEY
        self.token_status = 200
        self.echo_state = True
        self.prns_status = 200
        self.token_requests: list[dict[str, str]] = []
        self.prns_requests: list[Any] = []
        self.signature_ok: list[bool] = []
        rsps.add_callback(responses.GET, f"{BASE}/.well-known/openid-configuration", callback=self._discovery)
        rsps.add_callback(responses.GET, f"{BASE}/jwks.json", callback=self._jwks)
        rsps.add(responses.GET, f"{BASE}/esia/certificates/rsa.pem", status=404)
        rsps.add(responses.GET, f"{BASE}/esia/certificates/gost.pem", status=404)
        rsps.add_callback(responses.POST, f"{BASE}/aas/oauth2/v3/te", callback=self._token)
        rsps.add_callback(responses.GET, f"{BASE}/rs/prns/{OID}", callback=self._prns)

    def _discovery(self, request):
        body = {"issuer": BASE, "jwks_uri": f"{BASE}/jwks.json"}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _jwks(self, request):
        return 200, {"Content-Type": "application/json"}, json.dumps({"keys": [KEY.as_dict(private=False)]})

    def verify(self, params: dict[str, str], signed: str) -> bool:
        """Check a request's signature and certificate hash as ESIA does."""
        ok = params.get("client_certificate_hash", "").upper() == esia_crypto.certificate_hash(self.pair.cert_pem)
        signature = esia_crypto.b64_decode_any(params["client_secret"]).data
        ok = ok and esia_crypto.verify_raw(signature, signed.encode(), self.pair.cert_pem)
        sent = esia_wire.parse_timestamp(params["timestamp"]).replace(tzinfo=UTC).timestamp()
        ok = ok and abs(time.time() - sent) < 300
        self.signature_ok.append(ok)
        return ok

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        self.token_requests.append(form)
        signed = esia_wire.v3_code_string(
            form["client_id"], form["scope"], "", form["timestamp"], form["state"], form["redirect_uri"], form["code"]
        )
        if not self.verify(form, signed):
            body = {"error": "invalid_client", "error_description": "ESIA-007053: bad secret", "state": form["state"]}
            return 400, {"Content-Type": "application/json"}, json.dumps(body)
        if self.token_status != 200:
            body = {"error": "invalid_grant", "error_description": "ESIA-007011: code", "state": form["state"]}
            return self.token_status, {"Content-Type": "application/json"}, json.dumps(body)
        now = int(time.time())
        sid = "ab" * 32
        id_claims = {
            "iss": TOKEN_ISSUER,
            "aud": CLIENT_ID,
            "sub": self.oid,
            "nbf": now,
            "iat": now,
            "exp": now + 3600,
            "auth_time": now,
            "amr": "PWD",
            "urn:esia:sid": sid,
            "urn:esia:sbj": {
                "urn:esia:sbj:typ": "P",
                "urn:esia:sbj:oid": self.oid,
                "urn:esia:sbj:nam": f"OID.{self.oid}",
            },
            **self.id_overrides,
        }
        access_claims = {
            "nbf": now,
            "iat": now,
            "exp": now + 3600,
            "iss": TOKEN_ISSUER,
            "client_id": CLIENT_ID,
            "urn:esia:sid": sid,
            "urn:esia:sbj_id": self.oid,
            "scope": f"openid?oid={self.oid} fullname?oid={self.oid}",
            **self.access_overrides,
        }
        body = {
            "access_token": _jwt(
                {"ver": 1, "typ": "JWT", "sbt": "access", "alg": "RS256"}, access_claims, self.sign_with
            ),
            "id_token": _jwt({"typ": "JWT", "alg": "RS256"}, id_claims, self.sign_with),
            "refresh_token": "r-1",
            "state": form["state"] if self.echo_state else "other",
            "token_type": "Bearer",
            "expires_in": 3600,
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _prns(self, request):
        self.prns_requests.append(request)
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return 401, {}, ""
        if self.prns_status != 200:
            return self.prns_status, {}, ""
        return 200, {"Content-Type": "application/json"}, json.dumps(self.person, ensure_ascii=False)


def start(client, region: str = "esia") -> dict[str, str]:
    """Open the region's entry point and return the v2/ac request's parameters."""
    res = press_gosuslugi_button(client, region)
    assert res.status_code == 302, res.get_data(as_text=True)
    url = urlparse(res.headers["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{BASE}/aas/oauth2/v2/ac"
    return {k: v[0] for k, v in parse_qs(url.query).items()}


def login(client, fake: FakeEsia, region: str = "esia", **callback_overrides):
    """Run a whole ESIA login against the fake provider and return the callback response."""
    params = start(client, region)
    query = {"code": "the-code", "state": params["state"], **callback_overrides}
    query = {k: v for k, v in query.items() if v is not None}
    return follow_outcome(client, client.get("/login/callback?" + urlencode(query)))


@pytest.fixture(scope="session", params=[esia_crypto.RSA, esia_crypto.GOST])
def diary_pair(request) -> esia_crypto.KeyPair:
    """The diary's certificate and key at the fake ESIA: RSA, then GOST R 34.10-2012."""
    return esia_crypto.generate_keypair(request.param, "Dnevnik test")


@pytest.fixture
def esia_op(rp_app, diary_pair):
    """The fake ESIA provider, and a region ``esia`` of the diary pointing at it over ESIA's protocol."""
    from rp.domain.regions import EsiaSettings
    from rp.domain.regions import ensure_region
    from rp.extensions import db

    with rp_app.app_context():
        ensure_region(
            db.session,
            "esia",
            "Архангельская область",
            BASE,
            CLIENT_ID,
            None,
            protocol="esia",
            esia=EsiaSettings(diary_pair.cert_pem, diary_pair.key_pem),
        )
        db.session.commit()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeEsia(rsps, diary_pair)
