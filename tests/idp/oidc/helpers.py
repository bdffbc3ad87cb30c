"""Helpers of the OpenID Provider tests: the test client's constants, a flow driver, a standard account."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import time
from datetime import date
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet

from tests.helpers.forms import csrf_token

ISSUER = "http://idp.test"
REDIRECT = "https://app.example/cb"
SECRET = "s3cret-for-tests"
#: The client that authenticates by ``private_key_jwt``.
JWT_CLIENT = "jwt-app"


def pkce_pair() -> tuple[str, str]:
    """Return (verifier, S256 challenge)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def query_of(location: str) -> dict[str, str]:
    """Return the query parameters of a redirect as a flat dict."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def basic(client_id: str = "app", secret: str = SECRET) -> dict[str, str]:
    """Return an HTTP Basic Authorization header."""
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


class Flow:
    """Drives the provider with the Flask test client like a browser plus a relying party."""

    def __init__(self, app, client):
        self.app = app
        self.client = client

    def login(self, account, auth_time: int | None = None) -> None:
        """Log ``account`` in by writing the session, as the login page would."""
        with self.client.session_transaction() as s:
            s["account_id"] = account.id
            s["auth_time"] = auth_time or int(time.time())
            s["amr"] = "pwd"

    def authorize(self, method: str = "GET", consent: str | None = "allow", **params):
        """Send an authorization request; answer the consent page when ``consent`` is set."""
        base = {
            "response_type": "code",
            "client_id": "app",
            "redirect_uri": REDIRECT,
            "scope": "openid profile email",
            "state": secrets.token_urlsafe(8),
            "nonce": secrets.token_urlsafe(8),
        }
        base.update({k: v for k, v in params.items() if v is not None})
        for key in [k for k, v in params.items() if v is None]:
            base.pop(key, None)
        if method == "GET":
            resp = self.client.get("/authorize?" + urlencode(base))
        else:
            resp = self.client.post("/authorize", data=base)
        if resp.status_code == 200 and consent and 'name="allow"' in resp.get_data(as_text=True):  # any language
            html = resp.get_data(as_text=True)
            action = re.search(r'<form method="post" action="([^"]+)"', html).group(1).replace("&amp;", "&")
            token = csrf_token(html)
            resp = self.client.post(action, data={"csrf_token": token, consent: "1"})
        return resp, base

    def code(self, **params) -> tuple[str, dict]:
        """Return a code (and the request parameters) for a logged-in person."""
        resp, sent = self.authorize(**params)
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        got = query_of(resp.location)
        assert "code" in got, resp.location
        return got["code"], sent

    def token(self, code: str, headers=None, **data):
        """Exchange a code at the token endpoint."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, **data}
        return self.client.post("/token", data=form, headers=basic() if headers is None else headers)

    def tokens(self, **params) -> dict:
        """Run authorize + token and return the token response JSON."""
        code, sent = self.code(**params)
        resp = self.token(code)
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        body["_sent"] = sent
        return body

    def id_token_claims(self, id_token: str, nonce: str | None = None) -> dict:
        """Verify an ID token against the published JWKS and return its claims."""
        jwks = KeySet.import_key_set(self.client.get("/jwks.json").get_json())
        token = jwt.decode(id_token, jwks, algorithms=["RS256", "ES256"])
        options = {"iss": {"essential": True, "value": ISSUER}, "aud": {"essential": True, "value": "app"}}
        options["sub"] = {"essential": True}
        options["iat"] = {"essential": True}
        if nonce:
            options["nonce"] = {"essential": True, "value": nonce}
        jwt.JWTClaimsRegistry(**options).validate(token.claims)
        return {"_header": token.header, **token.claims}


def make_account(app, level: str = "standard", **overrides):
    """Create an account (standard by default, with passport and SNILS) and return it detached."""
    from idp.db import db
    from idp.domain.accounts import create_account
    from labkit.web import password_hasher
    from shared.validators import make_snils

    fields = dict(
        last_name="Иванова",
        first_name="Мария",
        middle_name="Петровна",
        phone="+79161234567",
        email="maria@example.ru",
        password="Gosuslugi+2024",
    )
    if level != "simplified":
        fields.update(
            gender="F",
            birth_date=date(1984, 3, 14),
            snils=make_snils("112233445"),
            doc_series="4509",
            doc_number="123456",
            doc_issue_date=date(2004, 4, 1),
            doc_issued_by="ОВД Тверского района г. Москвы",
            doc_department_code="772-001",
            birth_place="г. Москва",
            inn="500100732259",
        )
    fields.update(overrides)
    with app.test_request_context():
        account = create_account(db.session, password_hasher(), level=level, **fields)
        db.session.commit()
        db.session.refresh(account)
        db.session.expunge(account)
    return account


def assertion(key, **overrides) -> str:
    """Return a signed client assertion (valid unless ``overrides`` spoil it)."""
    now = int(time.time())
    claims = {
        "iss": JWT_CLIENT,
        "sub": JWT_CLIENT,
        "aud": ISSUER + "/token",
        "iat": now,
        "exp": now + 60,
        "jti": secrets.token_urlsafe(16),
    }
    claims.update(overrides)
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


def exchange(flow, client_assertion: str):
    """Get a fresh code for the JWT client and exchange it with ``client_assertion``."""
    resp, _ = flow.authorize(client_id=JWT_CLIENT)
    code = query_of(resp.location)["code"]
    return flow.client.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": JWT_CLIENT,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": client_assertion,
        },
    )
