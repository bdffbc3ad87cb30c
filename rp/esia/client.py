"""ESIA's protocol as the real Dnevnik.ru speaks it: ``/aas/oauth2/v2/ac``, ``/aas/oauth2/v3/te``, ``/rs/prns``.

No Flask here: the views keep ``state`` in the signed session and pass it back in. Every request is
signed the way ESIA wants (raw GOST R 34.10-2012 or RSA signature of the v2/v3 string, base64url
without padding, plus ``client_certificate_hash``) with the region's key via :mod:`shared.esia_crypto`.
Failures raise :class:`rp.oidc.errors.OidcError`, so the OIDC path's error pages and records apply.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import requests

from rp.esia.tokens import verify_access_token
from rp.esia.tokens import verify_id_token
from rp.oidc.errors import PROVIDER_ERRORS
from rp.oidc.errors import OidcError
from shared import esia_crypto
from shared import esia_wire

AUTHORIZE_PATH = "/aas/oauth2/v2/ac"
TOKEN_PATH = "/aas/oauth2/v3/te"
PERSON_PATH = "/rs/prns/{oid}"
#: The person with contacts and documents inline, in one call (ESIA's ``embed``).
PERSON_EMBED = "(contacts.elements,documents.elements)"
#: ESIA's issuer name in its tokens (production and the lab's default).
DEFAULT_TOKEN_ISSUER = "http://esia.gosuslugi.ru/"
#: ESIA codes in ``error_description`` that get a page of their own (by the OIDC path's names).
ESIA_CODES = {"ESIA-007004": "access_denied", "ESIA-007055": "unmet_authentication_requirements"}


@dataclass(frozen=True)
class EsiaConfig:
    """One region's view of its ESIA provider: where it is, who the diary is there, and its key."""

    base_url: str
    client_id: str
    scope: str
    redirect_uri: str
    certificate_pem: str
    key_pem: str
    token_issuer: str
    timeout: float

    def url(self, path: str) -> str:
        """Return the absolute URL of an ESIA path at the provider."""
        return self.base_url.rstrip("/") + path


@dataclass(frozen=True)
class EsiaAuthRequest:
    """An authorization request: the URL to send the browser to and the ``state`` to keep until the callback."""

    url: str
    state: str


@dataclass(frozen=True)
class EsiaLogin:
    """What a successful callback yields: the person's OID, the verified tokens' claims and the person."""

    oid: int
    id_claims: dict[str, Any]
    access_claims: dict[str, Any]
    person: dict[str, Any]

    @property
    def subject(self) -> str:
        """Return the person's OID as the diary stores subjects."""
        return str(self.oid)


def _sign(cfg: EsiaConfig, text: str) -> str:
    """Return the raw signature of ``text`` with the region's key, base64url without padding."""
    try:
        return esia_crypto.b64url_encode(esia_crypto.sign_raw(text.encode("utf-8"), cfg.key_pem))
    except esia_crypto.EsiaCryptoError as exc:
        raise OidcError("esia_signature", f"cannot sign the request: {exc}") from None


def certificate_hash(cfg: EsiaConfig) -> str:
    """Return ``client_certificate_hash``: Streebog-256 of the region's DER certificate, upper-case hex."""
    try:
        return esia_crypto.certificate_hash(cfg.certificate_pem)
    except esia_crypto.EsiaCryptoError as exc:
        raise OidcError("esia_signature", f"cannot hash the certificate: {exc}") from None


def build_auth_request(cfg: EsiaConfig, now: datetime, ui_locales: str | None = None) -> EsiaAuthRequest:
    """Create the v2/ac request signed over ``client_id+scope+scope_org+timestamp+state+redirect_uri``.

    ``ui_locales`` (the diary's language, outside the signed string) is the lab IdP's addition; ESIA ignores it.
    """
    state = str(uuid.uuid4())
    timestamp = esia_wire.format_timestamp(now)
    signed = esia_wire.v2_string(cfg.client_id, cfg.scope, "", timestamp, state, cfg.redirect_uri)
    params = {
        "client_id": cfg.client_id,
        "client_secret": _sign(cfg, signed),
        "client_certificate_hash": certificate_hash(cfg),
        "redirect_uri": cfg.redirect_uri,
        "scope": cfg.scope,
        "response_type": "code",
        "state": state,
        "timestamp": timestamp,
        "access_type": "online",
        **({"ui_locales": ui_locales} if ui_locales else {}),
    }
    return EsiaAuthRequest(url=cfg.url(AUTHORIZE_PATH) + "?" + urlencode(params), state=state)


def check_callback(params: Mapping[str, str], expected_state: str) -> str:
    """Check the redirect back from ESIA (state, ``error`` with its ESIA-0070xx code) and return the code."""
    if params.get("state") != expected_state:
        raise OidcError("state_mismatch", f"state {params.get('state')!r} does not match the pending login")
    error = params.get("error")
    if error:
        description = params.get("error_description", "")
        code = next((name for esia, name in ESIA_CODES.items() if description.startswith(esia)), None)
        if code is None:
            code = error if error in PROVIDER_ERRORS else "provider_error"
        raise OidcError(code, f"{error}: {description}".strip())
    code_value = params.get("code")
    if not code_value:
        raise OidcError("provider_error", "callback without code")
    return code_value


def _json(resp: requests.Response, what: str) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError:
        raise OidcError("provider_http", f"{what}: HTTP {resp.status_code}, not JSON") from None
    if not isinstance(data, dict):
        raise OidcError("provider_http", f"{what}: JSON is not an object")
    return data


def _request(method: str, url: str, what: str, timeout: float, **kwargs: Any) -> requests.Response:
    try:
        return requests.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout as exc:
        raise OidcError("timeout", f"{what}: {exc}") from None
    except requests.RequestException as exc:
        raise OidcError("network", f"{what}: {exc}") from None


def exchange_code(cfg: EsiaConfig, code: str, now: datetime) -> dict[str, Any]:
    """Exchange the code at v3/te (signed v2 string + ``code``, a fresh ``state`` the answer must echo)."""
    state = str(uuid.uuid4())
    timestamp = esia_wire.format_timestamp(now)
    signed = esia_wire.v3_code_string(cfg.client_id, cfg.scope, "", timestamp, state, cfg.redirect_uri, code)
    form = {
        "client_id": cfg.client_id,
        "code": code,
        "grant_type": "authorization_code",
        "client_secret": _sign(cfg, signed),
        "client_certificate_hash": certificate_hash(cfg),
        "state": state,
        "redirect_uri": cfg.redirect_uri,
        "scope": cfg.scope,
        "timestamp": timestamp,
        "token_type": "Bearer",
    }
    resp = _request("POST", cfg.url(TOKEN_PATH), "token endpoint", cfg.timeout, data=form)
    data = _json(resp, "token endpoint")
    if resp.status_code != 200:
        detail = f"{data.get('error')}: {data.get('error_description')}"
        raise OidcError("token_endpoint", f"HTTP {resp.status_code}: {detail}")
    if data.get("state") != state:
        raise OidcError("token_endpoint", f"the token response echoes state {data.get('state')!r}, sent {state!r}")
    for name in ("access_token", "id_token"):
        if not isinstance(data.get(name), str) or not data[name]:
            raise OidcError("id_token_missing" if name == "id_token" else "token_endpoint", f"no {name} in the answer")
    return data


def fetch_person(cfg: EsiaConfig, access_token: str, oid: int) -> dict[str, Any]:
    """Read the person from ``/rs/prns/{oid}`` with contacts and documents embedded."""
    url = cfg.url(PERSON_PATH.format(oid=oid))
    headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
    resp = _request("GET", url, "person", cfg.timeout, params={"embed": PERSON_EMBED}, headers=headers)
    if resp.status_code != 200:
        raise OidcError("userinfo", f"/rs/prns: HTTP {resp.status_code}")
    return _json(resp, "/rs/prns")


def finish_login(
    cfg: EsiaConfig, code: str, now: datetime, *, load_keys: Callable[[bool], dict[str, Any]]
) -> EsiaLogin:
    """Exchange the code, verify both tokens (signature, issuer, audience, OID) and read the person."""
    tokens = exchange_code(cfg, code, now)
    at = now.replace(tzinfo=UTC).timestamp() if now.tzinfo is None else now.timestamp()
    id_claims = verify_id_token(tokens["id_token"], load_keys, issuer=cfg.token_issuer, client_id=cfg.client_id, now=at)
    oid = id_claims["urn:esia:sbj"]["urn:esia:sbj:oid"]
    access_claims = verify_access_token(tokens["access_token"], load_keys, client_id=cfg.client_id, oid=oid, now=at)
    person = fetch_person(cfg, tokens["access_token"], oid)
    return EsiaLogin(oid=oid, id_claims=id_claims, access_claims=access_claims, person=person)
