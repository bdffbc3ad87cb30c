"""The diary's OpenID Connect client: discovery, authorization request with PKCE, callback checks.

No Flask here: the views keep ``state``/``nonce``/``code_verifier`` in the signed session and
pass them back in. HTTP goes through Authlib's ``OAuth2Session`` (a ``requests`` session) on the process's pooled
connections (:mod:`rp.oidc.http`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.integrations.requests_client import OAuthError

from rp.oidc.errors import PROVIDER_ERRORS
from rp.oidc.errors import OidcError
from rp.oidc.http import http
from rp.oidc.http import use_pool
from rp.oidc.tokens import verify_id_token


@dataclass(frozen=True)
class ClientConfig:
    """One region's view of its provider: who we are there and where the provider sends people back."""

    issuer: str
    client_id: str
    client_secret: str
    scope: str
    redirect_uri: str
    timeout: float


@dataclass(frozen=True)
class AuthRequest:
    """An authorization request: the URL to send the browser to and the secrets to keep until the callback."""

    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class LoginResult:
    """What a successful callback yields: the verified ID token claims and the userinfo claims."""

    id_claims: dict[str, Any]
    userinfo: dict[str, Any]

    @property
    def subject(self) -> str:
        """Return the provider's subject identifier."""
        return self.id_claims["sub"]

    @property
    def claims(self) -> dict[str, Any]:
        """Return the ID token claims overlaid with the userinfo claims."""
        return {**self.id_claims, **self.userinfo}


def _http_get_json(url: str, timeout: float, what: str) -> dict[str, Any]:
    try:
        resp = http().get(url, timeout=timeout, headers={"Accept": "application/json"})
    except requests.Timeout as exc:
        raise OidcError("timeout", f"{what}: {exc}") from None
    except requests.RequestException as exc:
        raise OidcError("network", f"{what}: {exc}") from None
    if resp.status_code != 200:
        raise OidcError("provider_http", f"{what}: HTTP {resp.status_code} from {url}")
    try:
        data = resp.json()
    except ValueError:
        raise OidcError("provider_http", f"{what}: not JSON from {url}") from None
    if not isinstance(data, dict):
        raise OidcError("provider_http", f"{what}: JSON is not an object")
    return data


def discover(issuer: str, timeout: float) -> dict[str, Any]:
    """Fetch the provider's discovery document and check that it speaks for ``issuer``."""
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    metadata = _http_get_json(url, timeout, "discovery")
    if metadata.get("issuer") != issuer:
        raise OidcError("discovery", f"discovery names issuer {metadata.get('issuer')!r}, expected {issuer!r}")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(key):
            raise OidcError("discovery", f"discovery has no {key}")
    return metadata


def fetch_jwks(metadata: Mapping[str, Any], timeout: float) -> dict[str, Any]:
    """Fetch the provider's JSON Web Key Set."""
    jwks = _http_get_json(metadata["jwks_uri"], timeout, "jwks")
    if not isinstance(jwks.get("keys"), list):
        raise OidcError("provider_http", "jwks: no keys list")
    return jwks


def _session(cfg: ClientConfig) -> OAuth2Session:
    """Return a login's Authlib client (its own token) on the process's pooled connections (never closed)."""
    client = OAuth2Session(
        client_id=cfg.client_id,
        client_secret=cfg.client_secret,
        scope=cfg.scope,
        redirect_uri=cfg.redirect_uri,
        token_endpoint_auth_method="client_secret_basic",
        code_challenge_method="S256",
    )
    return use_pool(client)


def build_auth_request(cfg: ClientConfig, metadata: Mapping[str, Any], ui_locales: str | None = None) -> AuthRequest:
    """Create the authorization request: code flow with state, nonce and PKCE S256, in the diary's language."""
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    extra = {"ui_locales": ui_locales} if ui_locales else {}
    url, _ = _session(cfg).create_authorization_url(
        metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier, **extra
    )
    return AuthRequest(url=url, state=state, nonce=nonce, code_verifier=verifier)


def check_callback(params: Mapping[str, str], expected_state: str, issuer: str, metadata: Mapping[str, Any]) -> str:
    """Check the redirect back from the provider (errors, state, RFC 9207 ``iss``) and return the code."""
    if params.get("state") != expected_state:
        raise OidcError("state_mismatch", f"state {params.get('state')!r} does not match the pending login")
    if "iss" in params:
        if params["iss"] != issuer:
            raise OidcError("iss_parameter", f"iss response parameter {params['iss']!r}, expected {issuer!r}")
    elif metadata.get("authorization_response_iss_parameter_supported"):
        raise OidcError("iss_parameter", "the provider promises the iss response parameter but sent none")
    error = params.get("error")
    if error:
        code = error if error in PROVIDER_ERRORS else "provider_error"
        raise OidcError(code, f"{error}: {params.get('error_description', '')}".strip())
    code_value = params.get("code")
    if not code_value:
        raise OidcError("provider_error", "callback without code")
    return code_value


def finish_login(
    cfg: ClientConfig,
    metadata: Mapping[str, Any],
    code: str,
    *,
    nonce: str,
    code_verifier: str,
    load_jwks: Callable[[bool], dict[str, Any]],
) -> LoginResult:
    """Exchange the code (client_secret_basic, PKCE), verify the ID token and read userinfo."""
    client = _session(cfg)
    try:
        token = client.fetch_token(
            metadata["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=code_verifier,
            timeout=cfg.timeout,
        )
    except requests.Timeout as exc:
        raise OidcError("timeout", f"token endpoint: {exc}") from None
    except (requests.HTTPError, requests.exceptions.InvalidJSONError) as exc:
        # The provider answered (an HTTP 5xx, or a body that is not JSON): its failure, not the network's.
        raise OidcError("provider_error", f"token endpoint: {exc}") from None
    except requests.RequestException as exc:
        raise OidcError("network", f"token endpoint: {exc}") from None
    except OAuthError as exc:
        raise OidcError("token_endpoint", f"{exc.error}: {exc.description}") from None
    except ValueError as exc:
        raise OidcError("token_endpoint", f"unreadable token response: {exc}") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("id_token_missing", "the token response has no id_token")
    id_claims = verify_id_token(
        id_token,
        load_jwks,
        issuer=cfg.issuer,
        client_id=cfg.client_id,
        nonce=nonce,
        access_token=token.get("access_token"),
    )
    userinfo: dict[str, Any] = {}
    if metadata.get("userinfo_endpoint"):
        userinfo = _fetch_userinfo(client, metadata["userinfo_endpoint"], cfg.timeout)
        if userinfo.get("sub") != id_claims["sub"]:
            raise OidcError(
                "userinfo_sub",
                f"userinfo sub {userinfo.get('sub')!r} differs from ID token sub {id_claims['sub']!r}",
            )
    return LoginResult(id_claims=id_claims, userinfo=userinfo)


def _fetch_userinfo(client: OAuth2Session, url: str, timeout: float) -> dict[str, Any]:
    try:
        resp = client.get(url, timeout=timeout)
    except requests.Timeout as exc:
        raise OidcError("timeout", f"userinfo: {exc}") from None
    except requests.RequestException as exc:
        raise OidcError("network", f"userinfo: {exc}") from None
    if resp.status_code != 200:
        raise OidcError("userinfo", f"userinfo: HTTP {resp.status_code}")
    if resp.headers.get("Content-Type", "").split(";")[0].strip() == "application/jwt":
        raise OidcError("userinfo", "signed userinfo responses are not supported")
    try:
        data = resp.json()
    except ValueError:
        raise OidcError("userinfo", "userinfo: not JSON") from None
    if not isinstance(data, dict):
        raise OidcError("userinfo", "userinfo: JSON is not an object")
    return data
