"""What dynamic client registration (RFC 7591) requires: the initial access token and safe URIs."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from idp.oidc.client_jwks import is_loopback_host
from idp.oidc.client_jwks import jwks_uri_problem


def initial_access_token(config: Mapping[str, Any]) -> str:
    """Return the initial access token (RFC 7591 §3): the configured one, or one derived from ``SECRET_KEY``."""
    configured = str(config.get("DYNAMIC_REGISTRATION_TOKEN") or "")
    if configured:
        return configured
    secret = str(config.get("SECRET_KEY") or "").encode()
    return hmac.new(secret, b"fedlab dynamic registration initial access token", hashlib.sha256).hexdigest()


def token_accepted(config: Mapping[str, Any], authorization: str | None) -> bool:
    """Return whether the request may register: open registration, or the right ``Bearer`` token."""
    if config.get("DYNAMIC_REGISTRATION_OPEN"):
        return True
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return False
    return hmac.compare_digest(value.strip().encode(), initial_access_token(config).encode())


def redirect_uri_problem(uri: str, *, lab_mode: bool) -> str | None:
    """Return why a self-registered client may not use ``uri``: https, or http to loopback in lab mode."""
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment or "#" in uri:
        return "uri_format"
    if parts.username or parts.password:
        return "uri_format"
    if parts.scheme == "https":
        return None
    if lab_mode and is_loopback_host(parts.hostname):
        return None
    return "uri_scheme"


def metadata_problems(redirect_uris: list[str], jwks_uri: str | None, *, lab_mode: bool) -> dict[str, str]:
    """Return the problems of self-registered metadata, as field → reason code."""
    errors: dict[str, str] = {}
    for uri in redirect_uris:
        if problem := redirect_uri_problem(uri, lab_mode=lab_mode):
            errors["redirect_uris"] = problem
    if jwks_uri is not None and (problem := jwks_uri_problem(jwks_uri, lab_mode=lab_mode)):
        errors["jwks_uri"] = problem
    return errors
