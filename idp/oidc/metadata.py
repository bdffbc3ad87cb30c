"""The discovery document (OpenID Connect Discovery 1.0 / RFC 8414) built from the issuer."""

from __future__ import annotations

from typing import Any

from idp.models.oauth import SUPPORTED_SCOPES
from idp.oidc.claims import ACR_VALUES
from idp.oidc.keys import SUPPORTED_ALGS

CLAIMS_SUPPORTED = [
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "at_hash",
    "family_name",
    "given_name",
    "middle_name",
    "name",
    "birthdate",
    "gender",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "snils",
    "inn",
    "birthplace",
    "citizenship",
    "id_doc",
    "trust_level",
]


def discovery_document(issuer: str, dynamic_registration: bool = False) -> dict[str, Any]:
    """Return the provider metadata for ``issuer`` (endpoints hang off the same base URL)."""
    auth_methods = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
    doc: dict[str, Any] = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks.json",
        "revocation_endpoint": f"{issuer}/revoke",
        "introspection_endpoint": f"{issuer}/introspect",
        "end_session_endpoint": f"{issuer}/logout",
        "scopes_supported": list(SUPPORTED_SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": list(SUPPORTED_ALGS),
        "userinfo_signing_alg_values_supported": list(SUPPORTED_ALGS),
        "token_endpoint_auth_methods_supported": auth_methods,
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256", "PS256"],
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "introspection_endpoint_auth_methods_supported": auth_methods,
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": CLAIMS_SUPPORTED,
        "claim_types_supported": ["normal"],
        "acr_values_supported": list(ACR_VALUES),
        "prompt_values_supported": ["none", "login", "consent"],
        "display_values_supported": ["page"],
        "ui_locales_supported": ["ru", "en"],
        "claims_parameter_supported": False,
        "request_parameter_supported": False,
        "request_uri_parameter_supported": False,
        "authorization_response_iss_parameter_supported": True,
    }
    if dynamic_registration:
        doc["registration_endpoint"] = f"{issuer}/register"
    return doc
