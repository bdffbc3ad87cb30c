"""Fixtures for ESIA's protocol: clients with GOST and RSA certificates, and a driver that signs requests
the way the real client libraries do (ilimurzin/esia for v2/v3, esia-connector and npm esia for ac/te).
"""

from __future__ import annotations

import re
import secrets
import time
import uuid
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

import pytest

from shared import esia_crypto
from shared import esia_wire
from tests.idp.oidc.helpers import make_account

REDIRECT = "https://rp.example/esia/callback"
SCOPE = "openid fullname birthdate gender snils id_doc contacts"


def _pytest_skip_without_gost():
    return pytest.mark.skipif(not esia_crypto.gost_available(), reason="OpenSSL's GOST engine is not installed")


needs_gost = _pytest_skip_without_gost()


@pytest.fixture(scope="session")
def gost_pair() -> esia_crypto.KeyPair:
    return esia_crypto.generate_gost("Информационная система ГОСТ")


@pytest.fixture(scope="session")
def rsa_pair() -> esia_crypto.KeyPair:
    return esia_crypto.generate_rsa("Information system RSA")


@pytest.fixture(scope="session")
def stranger_gost() -> esia_crypto.KeyPair:
    """A valid GOST key pair that no client registered."""
    return esia_crypto.generate_gost("Чужая система")


def query_of(location: str) -> dict[str, str]:
    """Return the query parameters of a redirect."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def timestamp(shift_seconds: int = 0, offset_hours: int = 3) -> str:
    """Return ESIA's timestamp now (+ shift), written in a +03:00 zone as Moscow clients do."""
    from datetime import timezone

    zone = timezone(timedelta(hours=offset_hours))
    return esia_wire.format_timestamp(datetime.now(UTC).astimezone(zone) + timedelta(seconds=shift_seconds))


def register(app, client_id: str, pairs: list[esia_crypto.KeyPair], **options):
    """Register an ESIA client with these certificates (and options such as min_level, esia_signature_mode)."""
    from idp.db import db
    from idp.domain.clients import create_client

    with app.app_context():
        create_client(
            db.session,
            client_id,
            None,
            [REDIRECT],
            scope=options.pop("scope", SCOPE + " email mobile inn birthplace addresses"),
            name=options.pop("name", "Электронный дневник"),
            esia_certificates=[p.cert_pem for p in pairs],
            post_logout_redirect_uris=["https://rp.example/bye"],
            **options,
        )
        db.session.commit()


class EsiaDriver:
    """Drives the IdP with the Flask test client like a browser plus an ESIA client library."""

    def __init__(self, app, client, client_id: str, pair: esia_crypto.KeyPair):
        self.app = app
        self.client = client
        self.client_id = client_id
        self.pair = pair

    # --- signing ---------------------------------------------------------------------------

    def raw(self, message: str, padded: bool = False) -> str:
        """ilimurzin/esia: a raw signature (GOST 64 bytes or RSA PKCS#1 v1.5), base64url without ``=``."""
        return esia_crypto.b64url_encode(esia_crypto.sign_raw(message.encode(), self.pair.key_pem), padded=padded)

    def pkcs7(self, message: str, detached: bool = True, attrs: bool = True) -> str:
        """esia-connector (detached, signed attributes) / npm esia (attached, no attributes): base64url."""
        der = esia_crypto.sign_pkcs7(
            message.encode(), self.pair.cert_pem, self.pair.key_pem, detached=detached, signed_attributes=attrs
        )
        return esia_crypto.b64url_encode(der, padded=True)

    @property
    def cert_hash(self) -> str:
        return esia_crypto.certificate_hash(self.pair.cert_pem)

    # --- browser ---------------------------------------------------------------------------

    def login(self, account) -> None:
        """Log the person in to the IdP (as its login page would)."""
        with self.client.session_transaction() as s:
            s["account_id"] = account.id
            s["auth_time"] = int(time.time())
            s["amr"] = "pwd"

    def follow(self, response, consent: str | None = "allow"):
        """Answer the consent screen when it shows; return the final response."""
        html = response.get_data(as_text=True)
        if response.status_code == 200 and consent and 'name="allow"' in html:
            action = re.search(r'<form method="post" action="([^"]+)"', html).group(1).replace("&amp;", "&")
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
            response = self.client.post(action, data={"csrf_token": token, consent: "1"})
        return response

    # --- v2/v3 (ilimurzin/esia) -----------------------------------------------------------------

    def v2_params(self, scope: str = SCOPE, scope_org: str = "", **overrides) -> dict[str, str]:
        """The v2/ac query ilimurzin/esia builds, signed over client_id+scope+scope_org+timestamp+state+redirect_uri."""
        state = overrides.pop("state", str(uuid.uuid4()))
        ts = overrides.pop("timestamp", timestamp())
        redirect_uri = overrides.pop("redirect_uri", REDIRECT)
        message = esia_wire.v2_string(self.client_id, scope, scope_org, ts, state, redirect_uri)
        params = {
            "client_id": self.client_id,
            "client_certificate_hash": self.cert_hash,
            "client_secret": self.raw(message),
            "redirect_uri": redirect_uri,
            "scope": scope,
            "scope_org": scope_org,
            "response_type": "code",
            "state": state,
            "access_type": "offline",
            "timestamp": ts,
        }
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    def v2_code(self, **overrides) -> tuple[str, dict[str, str]]:
        """Run v2/ac with consent; return the code and the request sent."""
        params = self.v2_params(**overrides)
        response = self.follow(self.client.get("/aas/oauth2/v2/ac?" + urlencode(params)))
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        got = query_of(response.location)
        assert "code" in got, response.location
        assert got["state"] == params["state"]
        return got["code"], params

    def v3_token(self, code: str, scope: str = SCOPE, **overrides):
        """POST v3/te as ilimurzin/esia does (a fresh state; signed v2 string + code)."""
        state = overrides.pop("state", str(uuid.uuid4()))
        ts = overrides.pop("timestamp", timestamp())
        message = esia_wire.v3_code_string(self.client_id, scope, "", ts, state, REDIRECT, code)
        form = {
            "client_id": self.client_id,
            "code": code,
            "grant_type": "authorization_code",
            "client_certificate_hash": self.cert_hash,
            "client_secret": self.raw(message),
            "state": state,
            "redirect_uri": REDIRECT,
            "scope": scope,
            "scope_org": "",
            "timestamp": ts,
            "token_type": "Bearer",
        }
        form.update(overrides)
        return self.client.post("/aas/oauth2/v3/te", data={k: v for k, v in form.items() if v is not None})

    def v3_refresh(self, refresh_token: str, scope: str = SCOPE, aisgorod: bool = False, **overrides):
        """POST v3/te with grant_type=refresh_token (ilimurzin's string, or AISGorod's)."""
        state = overrides.pop("state", str(uuid.uuid4()))
        ts = overrides.pop("timestamp", timestamp())
        if aisgorod:
            message = esia_wire.v3_refresh_string_aisgorod(self.client_id, scope, ts, state, refresh_token)
        else:
            message = esia_wire.v2_string(self.client_id, scope, "", ts, state, REDIRECT)
        form = {
            "client_id": self.client_id,
            "grant_type": "refresh_token",
            "client_certificate_hash": self.cert_hash,
            "client_secret": self.raw(message),
            "state": state,
            "redirect_uri": REDIRECT,
            "scope": scope,
            "scope_org": "",
            "timestamp": ts,
            "token_type": "Bearer",
            "refresh_token": refresh_token,
        }
        form.update(overrides)
        return self.client.post("/aas/oauth2/v3/te", data={k: v for k, v in form.items() if v is not None})

    # --- legacy ac/te (esia-connector, npm esia) ---------------------------------------------------

    def legacy_params(self, scope: str = SCOPE, detached: bool = True, attrs: bool = True, **overrides):
        """The ac query: client_secret is PKCS#7 over scope+timestamp+client_id+state."""
        state = overrides.pop("state", str(uuid.uuid4()))
        ts = overrides.pop("timestamp", timestamp(offset_hours=0))
        message = esia_wire.legacy_string(scope, ts, self.client_id, state)
        params = {
            "client_id": self.client_id,
            "client_secret": self.pkcs7(message, detached, attrs),
            "redirect_uri": REDIRECT,
            "scope": scope,
            "response_type": "code",
            "state": state,
            "timestamp": ts,
            "access_type": "offline",
        }
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    def legacy_code(self, **overrides) -> tuple[str, dict[str, str]]:
        """Run ac with consent; return the code and the request sent."""
        params = self.legacy_params(**overrides)
        response = self.follow(self.client.get("/aas/oauth2/ac?" + urlencode(params)))
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        got = query_of(response.location)
        assert "code" in got, response.location
        return got["code"], params

    def legacy_token(self, code: str, scope: str = SCOPE, detached: bool = True, attrs: bool = True, **overrides):
        """POST te: a fresh state, PKCS#7 over scope+timestamp+client_id+state."""
        state = overrides.pop("state", str(uuid.uuid4()))
        ts = overrides.pop("timestamp", timestamp(offset_hours=0))
        form = {
            "client_id": self.client_id,
            "code": code,
            "grant_type": "authorization_code",
            "client_secret": self.pkcs7(esia_wire.legacy_string(scope, ts, self.client_id, state), detached, attrs),
            "redirect_uri": REDIRECT,
            "timestamp": ts,
            "token_type": "Bearer",
            "scope": scope,
            "state": state,
        }
        form.update(overrides)
        return self.client.post("/aas/oauth2/te", data={k: v for k, v in form.items() if v is not None})


@pytest.fixture
def esia_app(idp_app, tmp_path, gost_pair, rsa_pair):
    """The IdP with three ESIA clients: GOST (GOST access tokens), RSA, and a strict-mode GOST one."""
    idp_app.config["ESIA_GOST_KEY_FILE"] = str(tmp_path / "idp-gost.key")
    idp_app.config["ESIA_GOST_CERT_FILE"] = str(tmp_path / "idp-gost.pem")
    register(idp_app, "GOST-SYS", [gost_pair], esia_access_token_alg="GOST3410_2012_256")
    register(idp_app, "RSA-SYS", [rsa_pair])
    register(idp_app, "STRICT-SYS", [gost_pair, rsa_pair], esia_signature_mode="strict")
    return idp_app


@pytest.fixture
def person(esia_app):
    """A standard account with passport and SNILS."""
    return make_account(esia_app)


@pytest.fixture
def gost(esia_app, gost_pair, person):
    """A driver for the GOST client, its person logged in."""
    driver = EsiaDriver(esia_app, esia_app.test_client(), "GOST-SYS", gost_pair)
    driver.login(person)
    return driver


@pytest.fixture
def rsa(esia_app, rsa_pair, person):
    """A driver for the RSA client, its person logged in."""
    driver = EsiaDriver(esia_app, esia_app.test_client(), "RSA-SYS", rsa_pair)
    driver.login(person)
    return driver


@pytest.fixture
def strict(esia_app, gost_pair, person):
    """A driver for the strict-mode client (GOST certificate), its person logged in."""
    driver = EsiaDriver(esia_app, esia_app.test_client(), "STRICT-SYS", gost_pair)
    driver.login(person)
    return driver


def fresh_state() -> str:
    return secrets.token_hex(8)
