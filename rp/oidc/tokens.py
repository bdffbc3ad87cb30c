"""ID token verification: signature via the provider's JWKS, then Authlib's OpenID Connect claim checks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from authlib.oidc.core import CodeIDToken
from joserfc import jws
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

from rp.clock import clock
from rp.oidc.errors import OidcError

#: Only asymmetric signatures: ``none`` and HMAC (e.g. HS256 "signed" with the public key) are refused.
ALLOWED_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
#: Clock skew tolerated on ``exp``/``iat``/``nbf``, in seconds.
LEEWAY_SECONDS = 60


def _signing_keys(jwks: dict[str, Any]) -> list[dict[str, Any]]:
    return [k for k in jwks.get("keys", []) if k.get("use", "sig") == "sig"]


def _select_key(jwks: dict[str, Any], kid: str | None) -> Any:
    """Return the one key to verify with, or None when ``kid`` is unknown.

    Without ``kid`` the key is unambiguous only if the JWKS has a single signing key.
    """
    keys = _signing_keys(jwks)
    if kid is None:
        if len(keys) != 1:
            raise OidcError("id_token_kid", f"token has no kid and the JWKS holds {len(keys)} signing keys")
        chosen = dict(keys[0])
    else:
        matching = [k for k in keys if k.get("kid") == kid]
        if not matching:
            return None
        chosen = dict(matching[0])
    try:
        return JWKRegistry.import_key(chosen)
    except (JoseError, ValueError, TypeError) as exc:
        raise OidcError("id_token_kid", f"the provider's key cannot be read: {exc}") from None


def _decode(id_token: str, key: Any, alg: str) -> Any:
    """Verify the signature with ``key``; a failure is ``id_token_signature``."""
    try:
        return jwt.decode(id_token, key=key, algorithms=[alg])
    except JoseError as exc:
        raise OidcError("id_token_signature", f"{type(exc).__name__}: {exc}") from None
    except ValueError as exc:
        raise OidcError("id_token_signature", f"key does not fit the token: {exc}") from None


def verify_id_token(
    id_token: str,
    load_jwks: Callable[[bool], dict[str, Any]],
    *,
    issuer: str,
    client_id: str,
    nonce: str,
    access_token: str | None = None,
    now: int | None = None,
) -> dict[str, Any]:
    """Verify an ID token and return its claims, or raise :class:`OidcError`.

    ``load_jwks(force)`` returns the provider's JWKS; it is called again with ``force=True``
    when the token names a ``kid`` the cached set does not hold.
    """
    try:
        header = jws.extract_compact(id_token.encode("ascii")).protected
    except (JoseError, ValueError, UnicodeError) as exc:
        raise OidcError("id_token_format", f"not a compact JWS: {exc}") from None
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise OidcError("id_token_alg", f"signature algorithm {alg!r} is not accepted")
    kid = header.get("kid")
    key = _select_key(load_jwks(False), kid)
    if key is None:
        key = _select_key(load_jwks(True), kid)
        if key is None:
            raise OidcError("id_token_kid", f"no key with kid {kid!r} in the provider's JWKS")
        token = _decode(id_token, key, alg)
    else:
        try:
            token = _decode(id_token, key, alg)
        except OidcError:
            # The provider may have rotated the key (a token without kid, or one reusing it): refetch once
            # (load_jwks bounds how often) and try the key it now publishes.
            fresh = _select_key(load_jwks(True), kid)
            if fresh is None:
                raise
            token = _decode(id_token, fresh, alg)
    options = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": client_id},
        "sub": {"essential": True},
    }
    params: dict[str, Any] = {"nonce": nonce, "client_id": client_id}
    if access_token:
        params["access_token"] = access_token
    claims = CodeIDToken(token.claims, token.header, options, params)
    try:
        claims.validate(now=now or clock.timestamp(), leeway=LEEWAY_SECONDS)
    except JoseError as exc:
        raise OidcError("id_token_claims", f"{type(exc).__name__}: {exc}") from None
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise OidcError("id_token_claims", "sub is not a non-empty string")
    return dict(claims)
