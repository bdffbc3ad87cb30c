"""A fake OpenID Provider for the diary's tests, served through ``responses`` (mocks ``requests``).

It signs its own tokens and can be told to misbehave (wrong claims, bad signatures, errors).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlparse

import responses
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.helpers.forms import csrf_token

ISSUER = "https://op.test"
CLIENT_ID = "dnevnik"
CLIENT_SECRET = "s3cret-of-dnevnik"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k2", "use": "sig", "alg": "RS256"})


def b64(data: bytes) -> str:
    """Return unpadded base64url text."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def default_claims() -> dict[str, Any]:
    """Return the userinfo claims of Ivanova (an exact match for the diary's test person)."""
    return {
        "family_name": "Иванова",
        "given_name": "Мария",
        "middle_name": "Петровна",
        "birthdate": "1984-03-14",
        "gender": "female",
        "snils": "112-233-445 95",
        "email": "ivanova@example.test",
        "phone_number": "+79111000001",
        "trust_level": "standard",
    }


class FakeOP:
    """A provider whose every answer the test can change before the login."""

    def __init__(self, rsps: responses.RequestsMock) -> None:
        self.subject = "1000000001"
        self.claims = default_claims()
        self.id_overrides: dict[str, Any] = {}
        self.id_remove: list[str] = []
        self.header: dict[str, Any] = {"alg": "RS256", "kid": "k1"}
        self.sign = "rs256"  # rs256 | none | hs256_public | other_key
        self.jwks_keys = [KEY.as_dict(private=False)]
        self.userinfo_sub: str | None = None
        self.token_error: Exception | None = None
        self.token_status = 200
        self.token_body: str | None = None  # a non-JSON answer of the token endpoint (with token_status)
        self.metadata_extra: dict[str, Any] = {}
        self.token_requests: list[Any] = []
        self.userinfo_requests: list[Any] = []
        self.jwks_requests = 0
        self.nonce: str | None = None
        rsps.add_callback(responses.GET, f"{ISSUER}/.well-known/openid-configuration", callback=self._discovery)
        rsps.add_callback(responses.GET, f"{ISSUER}/jwks", callback=self._jwks)
        rsps.add_callback(responses.POST, f"{ISSUER}/token", callback=self._token)
        rsps.add_callback(responses.GET, f"{ISSUER}/userinfo", callback=self._userinfo)

    # endpoints -------------------------------------------------------------
    def _discovery(self, request):
        body = {
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/authorize",
            "token_endpoint": f"{ISSUER}/token",
            "userinfo_endpoint": f"{ISSUER}/userinfo",
            "jwks_uri": f"{ISSUER}/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "authorization_response_iss_parameter_supported": True,
            **self.metadata_extra,
        }
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _jwks(self, request):
        self.jwks_requests += 1
        return 200, {"Content-Type": "application/json"}, json.dumps({"keys": self.jwks_keys})

    def _token(self, request):
        self.token_requests.append(request)
        if self.token_error is not None:
            raise self.token_error
        if self.token_body is not None:
            return self.token_status, {"Content-Type": "text/html"}, self.token_body
        if self.token_status != 200:
            return self.token_status, {"Content-Type": "application/json"}, json.dumps({"error": "invalid_grant"})
        body = {"access_token": "at-123", "token_type": "Bearer", "expires_in": 3600, "id_token": self.id_token()}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _userinfo(self, request):
        self.userinfo_requests.append(request)
        if request.headers.get("Authorization") != "Bearer at-123":
            return 401, {}, ""
        body = {"sub": self.userinfo_sub or self.subject, **self.claims}
        return 200, {"Content-Type": "application/json"}, json.dumps(body, ensure_ascii=False)

    # tokens ----------------------------------------------------------------
    def id_claims(self) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": self.subject,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce,
            "auth_time": now,
        }
        claims.update(self.id_overrides)
        for name in self.id_remove:
            claims.pop(name, None)
        return claims

    def id_token(self) -> str:
        claims = self.id_claims()
        if self.sign == "none":
            header = {"alg": "none", "typ": "JWT"}
            return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}."
        if self.sign == "hs256_public":
            header = {"alg": "HS256", "kid": "k1", "typ": "JWT"}
            signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
            secret = KEY.as_pem(private=False)
            sig = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
            return f"{signing_input}.{b64(sig)}"
        key = OTHER_KEY if self.sign == "other_key" else KEY
        return jwt.encode(dict(self.header), claims, key)


def start(client, region: str = "test", **query) -> dict[str, str]:
    """Open the region's entry point and return the authorization request's parameters."""
    res = press_gosuslugi_button(client, region, **query)
    assert res.status_code == 302, res.get_data(as_text=True)
    url = urlparse(res.headers["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/authorize"
    return {k: v[0] for k, v in parse_qs(url.query).items()}


def press_gosuslugi_button(client, region: str = "test", **query):
    """Open the region's login page and press "Войти через ГосУслуги" (a POST with the page's CSRF token)."""
    page = client.get(f"/login/esia/{region}" + (f"?{urlencode(query)}" if query else ""))
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    next_value = re.search(
        r'<form method="post" action="/login/esia/[^"]*" class="esia-start">(.*?)</form>', html, re.S
    )
    data = {"csrf_token": csrf_token(html)}
    hidden = re.search(r'name="next" value="([^"]*)"', next_value.group(1)) if next_value else None
    if hidden:
        data["next"] = unescape(hidden.group(1))
    return client.post(f"/login/esia/{region}", data=data)


def follow_outcome(client, res):
    """Follow the callback's redirect to its outcome page (``/login/outcome/<id>``), if it is one."""
    if res.status_code == 302 and res.headers["Location"].startswith("/login/outcome/"):
        return client.get(res.headers["Location"])
    return res


def login(client, op: FakeOP, region: str = "test", follow: bool = True, **callback_overrides):
    """Run a whole Gosuslugi login against the fake provider; return the callback response (or its outcome page)."""
    params = start(client, region)
    op.nonce = params["nonce"]
    query = {"code": "the-code", "state": params["state"], "iss": ISSUER, **callback_overrides}
    query = {k: v for k, v in query.items() if v is not None}
    res = client.get("/login/callback?" + urlencode(query))
    return follow_outcome(client, res) if follow else res


def add_person(app, login_name: str | None = "ivanova.m", password: str = "dnevnik2024", **fields) -> int:
    """Create a diary person (Ivanova unless overridden) with a diary login; return the user id (or person id)."""
    from datetime import date

    from labkit.web import password_hasher
    from rp.extensions import db
    from rp.models.people import Person
    from rp.models.people import User

    values = {
        "last_name": "Иванова",
        "first_name": "Мария",
        "middle_name": "Петровна",
        "gender": "F",
        "birth_date": date(1984, 3, 14),
        "snils": "11223344595",
        **fields,
    }
    with app.test_request_context():
        person = Person(**values)
        db.session.add(person)
        if login_name is None:
            db.session.commit()
            return person.id
        user = User(person=person, login=login_name, password_hash=password_hasher().hash(password))
        db.session.add(user)
        db.session.commit()
        return user.id


@contextmanager
def fake_op(rp_app) -> Iterator[FakeOP]:
    """Run the fake provider, with a region ``test`` of the diary pointing at it."""
    from rp.domain.regions import ensure_region
    from rp.extensions import db

    with rp_app.app_context():
        ensure_region(db.session, "test", "Тестовая область", ISSUER, CLIENT_ID, CLIENT_SECRET)
        db.session.commit()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield FakeOP(rsps)


def post_form(client, url: str, data: dict[str, str] | None = None, **kwargs):
    """GET a page, then POST its form with the CSRF token and ``data``."""
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)


def identities(app) -> list[tuple[int, str, str]]:
    """Return every stored link as (user id, issuer, subject)."""
    from rp.extensions import db
    from rp.models.people import Identity

    with app.app_context():
        return [(i.user_id, i.issuer, i.subject) for i in db.session.query(Identity).order_by(Identity.id)]


def last_record(app) -> dict[str, Any]:
    """Return the latest linking record as JSON."""
    from rp.extensions import db
    from rp.models.linking import LinkingRecord

    with app.app_context():
        record = db.session.query(LinkingRecord).order_by(LinkingRecord.id.desc()).first()
        return record.to_dict()
