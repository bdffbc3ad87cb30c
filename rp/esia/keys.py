"""Where the diary finds an ESIA provider's verification keys: its JWKS (RSA) and its published certificates.

The lab IdP publishes its RSA keys in the JWKS named by its discovery document and its RSA and GOST
certificates as PEM; real ESIA hands its certificate out on registration. No Flask here.
"""

from __future__ import annotations

from typing import Any

import requests

from rp.oidc.errors import OidcError
from shared import esia_crypto

#: Where the lab publishes its verification certificates (PEM), relative to its base URL.
CERTIFICATE_PATHS = ("/esia/certificates/rsa.pem", "/esia/certificates/gost.pem")


def _get(url: str, timeout: float, what: str) -> requests.Response:
    try:
        return requests.get(url, timeout=timeout)
    except requests.Timeout as exc:
        raise OidcError("timeout", f"{what}: {exc}") from None
    except requests.RequestException as exc:
        raise OidcError("network", f"{what}: {exc}") from None


def fetch_provider_keys(base_url: str, timeout: float) -> dict[str, Any]:
    """Return ``{"keys": [JWK ...], "certificates": [PEM ...]}`` as the provider at ``base_url`` publishes them."""
    base = base_url.rstrip("/")
    keys: list[dict[str, Any]] = []
    resp = _get(base + "/.well-known/openid-configuration", timeout, "discovery")
    jwks_uri = None
    if resp.status_code == 200:
        try:
            jwks_uri = resp.json().get("jwks_uri")
        except (ValueError, AttributeError):
            jwks_uri = None
    if isinstance(jwks_uri, str) and jwks_uri:
        jwks = _get(jwks_uri, timeout, "jwks")
        try:
            found = jwks.json().get("keys") if jwks.status_code == 200 else None
        except (ValueError, AttributeError):
            found = None
        keys = [k for k in found or [] if isinstance(k, dict)]
    certificates: list[str] = []
    for path in CERTIFICATE_PATHS:
        pem = _get(base + path, timeout, "certificates")
        if pem.status_code == 200 and "BEGIN CERTIFICATE" in pem.text:
            certificates.extend(esia_crypto.split_certificates(pem.text))
    if not keys and not certificates:
        raise OidcError("id_token_kid", f"the provider at {base} publishes no verification key")
    return {"keys": keys, "certificates": certificates}
