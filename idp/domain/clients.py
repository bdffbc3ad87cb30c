"""Registering, listing and removing OpenID Connect clients (no Flask; the caller commits)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.esia import certificates as esia_reg
from idp.esia.scopes import ESIA_SCOPES
from idp.models.esia import EsiaCode
from idp.models.esia import EsiaToken
from idp.models.oauth import AUTH_METHODS
from idp.models.oauth import SUPPORTED_SCOPES
from idp.models.oauth import AuthorizationCode
from idp.models.oauth import Consent
from idp.models.oauth import OAuth2Client
from idp.models.oauth import Token
from idp.models.oauth import hash_secret
from shared.esia_crypto import EsiaCryptoError

#: The shortest client secret accepted: shorter ones can be guessed, and some client libraries refuse them.
MIN_SECRET_LENGTH = 16

#: Scopes a client gets when none are given: everything the provider offers.
DEFAULT_SCOPE = " ".join(SUPPORTED_SCOPES)


@dataclass
class ClientInvalid(Exception):
    """The registration was refused; ``errors`` maps field name to a reason code."""

    errors: dict[str, str]

    def __str__(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.errors.items())


def _check_uri(uri: str) -> str | None:
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "uri_format"
    if parts.fragment or "#" in uri:
        return "uri_fragment"
    return None


def validate(
    client_id: str,
    secret: str | None,
    redirect_uris: list[str],
    auth_method: str,
    scope: str,
    min_level: int,
    post_logout_redirect_uris: list[str],
    jwks: dict | None,
    jwks_uri: str | None,
    esia: bool = False,
) -> dict[str, str]:
    """Return the problems of a registration, as field → reason code (empty when valid).

    A client with ESIA certificates (``esia``) needs no secret: ESIA clients sign their requests.
    """
    errors: dict[str, str] = {}
    if not client_id or len(client_id) > 100:
        errors["client_id"] = "required"
    if not redirect_uris:
        errors["redirect_uris"] = "required"
    for uri in redirect_uris:
        if problem := _check_uri(uri):
            errors["redirect_uris"] = problem
    for uri in post_logout_redirect_uris:
        if problem := _check_uri(uri):
            errors["post_logout_redirect_uris"] = problem
    if auth_method not in AUTH_METHODS:
        errors["token_endpoint_auth_method"] = "unsupported"
    elif auth_method in ("client_secret_basic", "client_secret_post") and not secret and not esia:
        errors["client_secret"] = "required"
    elif auth_method in ("client_secret_basic", "client_secret_post") and secret and len(secret) < MIN_SECRET_LENGTH:
        errors["client_secret"] = "too_short"
    elif auth_method == "private_key_jwt" and not (jwks or jwks_uri):
        errors["jwks"] = "required"
    if jwks_uri and (problem := _check_uri(jwks_uri)):
        errors["jwks_uri"] = problem  # http(s) only: never file: or another scheme
    unknown = [s for s in scope.split() if s not in SUPPORTED_SCOPES and s not in ESIA_SCOPES]
    if unknown:
        errors["scope"] = "unknown:" + ",".join(unknown)
    if min_level not in (1, 2, 3):
        errors["min_level"] = "range"
    return errors


def create_client(
    session: Session,
    client_id: str,
    secret: str | None,
    redirect_uris: list[str],
    *,
    auth_method: str = "client_secret_basic",
    scope: str | None = None,
    min_level: int = 1,
    post_logout_redirect_uris: list[str] | None = None,
    name: str | None = None,
    jwks: dict | None = None,
    jwks_uri: str | None = None,
    id_token_signed_response_alg: str | None = None,
    extra_metadata: dict[str, Any] | None = None,
    esia_certificates: list[str] | None = None,
    esia_access_token_alg: str = "RS256",
    esia_signature_mode: str = "lab",
) -> OAuth2Client:
    """Register a new client and flush it; raises :class:`ClientInvalid` on bad data or a taken id.

    ``esia_certificates`` are PEM texts (one or more certificates each) for ESIA's protocol.
    """
    return _store(
        session,
        None,
        client_id,
        secret,
        redirect_uris,
        auth_method=auth_method,
        scope=scope,
        min_level=min_level,
        post_logout_redirect_uris=post_logout_redirect_uris,
        name=name,
        jwks=jwks,
        jwks_uri=jwks_uri,
        id_token_signed_response_alg=id_token_signed_response_alg,
        extra_metadata=extra_metadata,
        esia_certificates=esia_certificates,
        esia_access_token_alg=esia_access_token_alg,
        esia_signature_mode=esia_signature_mode,
    )


def _esia_registration(
    pem_texts: list[str] | None, access_token_alg: str, signature_mode: str
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Return the parsed ESIA certificates and the problems of the ESIA part of a registration."""
    errors = esia_reg.validate_options(access_token_alg, signature_mode)
    try:
        entries = esia_reg.parse_certificates(list(pem_texts or []))
    except EsiaCryptoError as exc:
        return [], errors | {"esia_certificates": f"invalid: {exc}"}
    return entries, errors


def ensure_client(
    session: Session,
    client_id: str,
    secret: str | None,
    redirect_uris: list[str],
    *,
    auth_method: str = "client_secret_basic",
    scope: str | None = None,
    min_level: int = 1,
    post_logout_redirect_uris: list[str] | None = None,
    name: str | None = None,
    esia_certificates: list[str] | None = None,
    esia_access_token_alg: str = "RS256",
    esia_signature_mode: str = "lab",
) -> OAuth2Client:
    """Create the client, or bring an existing one with this id up to the given settings (idempotent).

    ``esia_certificates`` None leaves an existing client's ESIA registration as it is.
    """
    return _store(
        session,
        find_client(session, client_id),
        client_id,
        secret,
        redirect_uris,
        auth_method=auth_method,
        scope=scope,
        min_level=min_level,
        post_logout_redirect_uris=post_logout_redirect_uris,
        name=name,
        esia_certificates=esia_certificates,
        esia_access_token_alg=esia_access_token_alg,
        esia_signature_mode=esia_signature_mode,
    )


def _store(
    session: Session,
    existing: OAuth2Client | None,
    client_id: str,
    secret: str | None,
    redirect_uris: list[str],
    *,
    auth_method: str,
    scope: str | None,
    min_level: int,
    post_logout_redirect_uris: list[str] | None,
    name: str | None,
    jwks: dict | None = None,
    jwks_uri: str | None = None,
    id_token_signed_response_alg: str | None = None,
    extra_metadata: dict[str, Any] | None = None,
    esia_certificates: list[str] | None = None,
    esia_access_token_alg: str = "RS256",
    esia_signature_mode: str = "lab",
) -> OAuth2Client:
    """Validate, then create a client (``existing`` is None) or update ``existing``, and flush it."""
    scope = scope if scope is not None and scope.strip() else DEFAULT_SCOPE
    post_logout = list(post_logout_redirect_uris or [])
    esia_entries, errors = _esia_registration(esia_certificates, esia_access_token_alg, esia_signature_mode)
    if esia_certificates is None and existing is not None:
        esia_entries = esia_reg.client_certificates(existing)
    errors |= validate(
        client_id,
        secret,
        list(redirect_uris),
        auth_method,
        scope,
        min_level,
        post_logout,
        jwks,
        jwks_uri,
        esia=bool(esia_entries),
    )
    if existing is None and not errors and find_client(session, client_id) is not None:
        errors["client_id"] = "taken"
    if errors:
        raise ClientInvalid(errors)
    client = existing
    if client is None:
        # Keys, signing algorithm and extra metadata are set at registration only.
        client = OAuth2Client(
            client_id=client_id,
            jwks_json=json.dumps(jwks) if jwks else None,
            jwks_uri=jwks_uri,
            id_token_signed_response_alg=id_token_signed_response_alg,
            extra_metadata_json=json.dumps(extra_metadata or {}),
        )
        session.add(client)
    if esia_certificates is not None or existing is None:
        client.esia_certificates_json = json.dumps(esia_entries)
        client.esia_access_token_alg = esia_access_token_alg
        client.esia_signature_mode = esia_signature_mode
    client.client_secret_hash = hash_secret(secret) if secret and auth_method != "none" else None
    client.client_name = name or client.client_name or client_id
    client.redirect_uris_json = json.dumps(list(redirect_uris))
    client.post_logout_redirect_uris_json = json.dumps(post_logout)
    client.token_endpoint_auth_method = auth_method
    client.scope = scope
    client.min_level = min_level
    session.flush()
    return client


def find_client(session: Session, client_id: str) -> OAuth2Client | None:
    """Return the client with this id, or None."""
    return session.scalar(select(OAuth2Client).where(OAuth2Client.client_id == client_id))


def list_clients(session: Session) -> list[OAuth2Client]:
    """Return every registered client, oldest first."""
    return list(session.scalars(select(OAuth2Client).order_by(OAuth2Client.id)))


def remove_client(session: Session, client_id: str) -> bool:
    """Remove a client with its codes, tokens and consents; return whether it existed."""
    client = find_client(session, client_id)
    if client is None:
        return False
    for model in (AuthorizationCode, Token, Consent, EsiaCode, EsiaToken):
        session.execute(delete(model).where(model.client_id == client_id))
    session.delete(client)
    session.flush()
    return True


def client_json(client: OAuth2Client) -> dict[str, Any]:
    """Return the client as a JSON-ready dict (never the secret or its hash)."""
    return {
        "client_id": client.client_id,
        "client_name": client.client_name,
        "redirect_uris": client.redirect_uris,
        "post_logout_redirect_uris": client.post_logout_redirect_uris,
        "token_endpoint_auth_method": client.token_endpoint_auth_method,
        "public": client.is_public,
        "scope": client.scope,
        "min_level": client.min_level,
        "jwks_uri": client.jwks_uri,
        "has_jwks": bool(client.jwks_json),
        "id_token_signed_response_alg": client.id_token_signed_response_alg or "RS256",
        "created_at": client.created_at.isoformat() if client.created_at else None,
        "esia": esia_reg.esia_json(client),
    }
