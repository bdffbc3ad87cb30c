"""OpenID Provider state: registered clients, authorization codes, tokens, consents, signing keys.

The client, code and token classes implement Authlib's model interfaces
(``ClientMixin``, ``AuthorizationCodeMixin``, ``TokenMixin``) on our own columns.
Protocol times (token ``issued_at``) are real epoch seconds, because relying parties
check them against their own clocks; code expiry is business time on the lab clock.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any
from typing import ClassVar

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749 import TokenMixin
from authlib.oauth2.rfc6749 import list_to_scope
from authlib.oauth2.rfc6749 import scope_to_list
from sqlalchemy import BigInteger
from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import inspect
from sqlalchemy import update
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from idp.clock import clock
from idp.db import db

#: Every scope the provider knows; requested scopes outside it are ignored.
SUPPORTED_SCOPES = (
    "openid",
    "profile",
    "email",
    "phone",
    "address",
    "offline_access",
    "fullname",
    "birthdate",
    "gender",
    "snils",
    "inn",
    "id_doc",
    "birthplace",
    "mobile",
    "contacts",
)

AUTH_METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")


#: The scheme of a stored client secret: ``hmac-sha256$<salt hex>$<HMAC-SHA256(salt, secret) hex>``.
SECRET_SCHEME = "hmac-sha256"


def hash_secret(secret: str) -> str:
    """Return the stored form of a client secret: HMAC-SHA256 under a random salt of its own.

    Secrets are random and at least 16 characters long, so no slow hash is needed; the salt makes equal
    secrets store differently and rules out precomputed tables.
    """
    salt = secrets.token_bytes(16)
    digest = hmac.new(salt, secret.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{SECRET_SCHEME}${salt.hex()}${digest}"


def verify_secret(stored: str, secret: str) -> bool:
    """Return whether ``secret`` matches ``stored`` (constant time); also the unsalted SHA-256 of older rows."""
    scheme, _, rest = stored.partition("$")
    if scheme == SECRET_SCHEME:
        salt_hex, _, digest = rest.partition("$")
        try:
            salt = bytes.fromhex(salt_hex)
        except ValueError:
            return False
        expected = hmac.new(salt, secret.encode("utf-8"), hashlib.sha256).hexdigest()
        return hmac.compare_digest(digest, expected)
    return hmac.compare_digest(stored, hashlib.sha256(secret.encode("utf-8")).hexdigest())


def secret_needs_rehash(stored: str) -> bool:
    """Return whether ``stored`` is an older unsalted SHA-256 (re-hashed at the next successful check)."""
    return not stored.startswith(SECRET_SCHEME + "$")


def token_digest(value: str) -> str:
    """Return the stored form of a code or token: its SHA-256 (hex); they are random, so it is enough."""
    return hashlib.sha256((value or "").encode("utf-8")).hexdigest()


def _json_list(text: str | None) -> list[str]:
    return json.loads(text) if text else []


class OAuth2Client(db.Model, ClientMixin):
    """An application registered to log people in through the IdP."""

    __tablename__ = "oauth2_client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    #: The salted HMAC of the secret (:func:`hash_secret`); None for public clients and private_key_jwt clients.
    client_secret_hash: Mapped[str | None] = mapped_column(String(160))
    client_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    #: JSON list; matched exactly (no prefix or query tolerance).
    redirect_uris_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    post_logout_redirect_uris_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(40), nullable=False, default="client_secret_basic")
    #: Space-separated scopes the client may ask for.
    scope: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: Lowest account level (1, 2 or 3) a person needs to log in to this client.
    min_level: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: Public JWKS (JSON) for private_key_jwt, or a URI to fetch it from.
    jwks_json: Mapped[str | None] = mapped_column(Text)
    jwks_uri: Mapped[str | None] = mapped_column(String(500))
    id_token_signed_response_alg: Mapped[str | None] = mapped_column(String(10))
    #: Extra RFC 7591 metadata as JSON (logo_uri, policy_uri, contacts ...).
    extra_metadata_json: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    #: ESIA protocol: JSON list of ``{"pem", "hash", "algorithm", "subject"}`` (hash: Streebog-256 of the DER).
    esia_certificates_json: Mapped[str] = mapped_column(Text, nullable=False, default="[]")
    #: ESIA access token signature: ``RS256`` or ``GOST3410_2012_256``.
    esia_access_token_alg: Mapped[str] = mapped_column(String(20), nullable=False, default="RS256")
    #: ``lab`` (also the variants real clients send) or ``strict`` (only what real ESIA takes).
    esia_signature_mode: Mapped[str] = mapped_column(String(10), nullable=False, default="lab")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.real, nullable=False)

    @property
    def redirect_uris(self) -> list[str]:
        """Return the registered redirect URIs."""
        return _json_list(self.redirect_uris_json)

    @property
    def post_logout_redirect_uris(self) -> list[str]:
        """Return the registered post-logout redirect URIs."""
        return _json_list(self.post_logout_redirect_uris_json)

    @property
    def is_public(self) -> bool:
        """Return whether the client has no credentials (auth method ``none``)."""
        return self.token_endpoint_auth_method == "none"

    @property
    def jwks(self) -> dict | None:
        """Return the client's registered public JWKS, if any."""
        return json.loads(self.jwks_json) if self.jwks_json else None

    @property
    def client_metadata(self) -> dict[str, Any]:
        """Return the RFC 7591 metadata view of the client."""
        data = json.loads(self.extra_metadata_json or "{}")
        data.update(
            client_name=self.client_name,
            redirect_uris=self.redirect_uris,
            post_logout_redirect_uris=self.post_logout_redirect_uris,
            token_endpoint_auth_method=self.token_endpoint_auth_method,
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            scope=self.scope,
        )
        if self.jwks_uri:
            data["jwks_uri"] = self.jwks_uri
        if self.id_token_signed_response_alg:
            data["id_token_signed_response_alg"] = self.id_token_signed_response_alg
        return data

    # Authlib's ClientMixin interface.
    def get_client_id(self) -> str:
        """Return the client identifier."""
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        """OpenID Connect requires ``redirect_uri`` in every request, so there is no default."""
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        """Keep the requested scopes that the provider knows and the client may use, in request order."""
        if not scope:
            return ""
        allowed = set(scope_to_list(self.scope)) if self.scope else set(SUPPORTED_SCOPES)
        kept = [s for s in dict.fromkeys(scope_to_list(scope)) if s in allowed and s in SUPPORTED_SCOPES]
        return list_to_scope(kept)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        """Return whether ``redirect_uri`` exactly equals a registered one."""
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        """Check the presented secret against the stored HMAC in constant time; an older unsalted row is upgraded.

        The upgrade is written with the request's transaction (the token endpoint commits it).
        """
        if not self.client_secret_hash or not client_secret:
            return False
        if not verify_secret(self.client_secret_hash, client_secret):
            return False
        if secret_needs_rehash(self.client_secret_hash):
            upgraded = hash_secret(client_secret)
            if inspect(self).detached:  # a worker's cached copy: write the row itself
                db.session.execute(
                    update(OAuth2Client).where(OAuth2Client.id == self.id).values(client_secret_hash=upgraded)
                )
            self.client_secret_hash = upgraded
        return True

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        """Accept only the registered authentication method (all endpoints alike)."""
        return self.token_endpoint_auth_method == method

    def check_response_type(self, response_type: str) -> bool:
        """Only the authorization code flow is offered."""
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        """Allow the code and refresh grants."""
        return grant_type in ("authorization_code", "refresh_token")


class AuthorizationCode(db.Model, AuthorizationCodeMixin):
    """A single-use authorization code, bound to its client and redirect URI."""

    __tablename__ = "oauth2_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: SHA-256 (hex) of the code (:func:`token_digest`); the code itself is never stored.
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    client_id: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), nullable=False)
    redirect_uri: Mapped[str] = mapped_column(Text, nullable=False, default="")
    scope: Mapped[str] = mapped_column(Text, nullable=False, default="")
    nonce: Mapped[str | None] = mapped_column(Text)
    #: When the person authenticated (epoch seconds), for the ``auth_time`` claim.
    auth_time: Mapped[int] = mapped_column(BigInteger, nullable=False)
    acr: Mapped[str | None] = mapped_column(String(40))
    amr: Mapped[str | None] = mapped_column(String(40))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(10))
    #: Lab-clock expiry.
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    #: Set when exchanged; a second exchange revokes what the first one issued.
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    trace_id: Mapped[str | None] = mapped_column(String(40), index=True)

    def get_redirect_uri(self) -> str:
        """Return the redirect URI the code was issued for."""
        return self.redirect_uri

    def get_scope(self) -> str:
        """Return the granted scope."""
        return self.scope

    def get_auth_time(self) -> int:
        """Return when the person authenticated."""
        return self.auth_time

    def get_acr(self) -> str | None:
        """Return the authentication context class (the account level)."""
        return self.acr

    def get_amr(self) -> list[str]:
        """Return the authentication methods used."""
        return self.amr.split() if self.amr else []

    def get_nonce(self) -> str | None:
        """Return the nonce of the authorization request."""
        return self.nonce


class Token(db.Model, TokenMixin):
    """An opaque access token and, for ``offline_access``, a refresh token; rotated on refresh."""

    __tablename__ = "oauth2_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(100), nullable=False, index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), nullable=False)
    token_type: Mapped[str] = mapped_column(String(40), nullable=False, default="Bearer")
    #: SHA-256 (hex) of the access token; the token itself is never stored.
    access_token_sha256: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: SHA-256 (hex) of the refresh token, if one was issued.
    refresh_token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(Text, nullable=False, default="")
    issued_at: Mapped[int] = mapped_column(BigInteger, nullable=False, default=clock.timestamp)
    expires_in: Mapped[int] = mapped_column(Integer, nullable=False, default=3600)
    refresh_expires_in: Mapped[int] = mapped_column(Integer, nullable=False, default=30 * 86400)
    access_revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    refresh_revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: The code this token came from (revoked together if the code is replayed).
    code_id: Mapped[int | None] = mapped_column(Integer, index=True)
    auth_time: Mapped[int | None] = mapped_column(BigInteger)
    acr: Mapped[str | None] = mapped_column(String(40))
    trace_id: Mapped[str | None] = mapped_column(String(40), index=True)

    def check_client(self, client: ClientMixin) -> bool:
        """Return whether the token was issued to ``client``."""
        return self.client_id == client.get_client_id()

    def get_scope(self) -> str:
        """Return the token's scope."""
        return self.scope

    def get_expires_in(self) -> int:
        """Return the access token lifetime in seconds."""
        return self.expires_in

    def get_expires_at(self) -> int:
        """Return when the access token expires (epoch seconds)."""
        return self.issued_at + self.expires_in

    def is_expired(self) -> bool:
        """Return whether the access token has expired."""
        return self.get_expires_at() < clock.timestamp()

    def is_revoked(self) -> bool:
        """Return whether the access token was revoked."""
        return self.access_revoked

    def is_refresh_usable(self) -> bool:
        """Return whether the refresh token can still be exchanged."""
        return (
            bool(self.refresh_token_sha256)
            and not self.refresh_revoked
            and self.issued_at + self.refresh_expires_in >= clock.timestamp()
        )

    def get_user(self):
        """Return the account the token speaks for."""
        from idp.models.accounts import Account

        return db.session.get(Account, self.account_id)

    #: How :meth:`get_client` finds a client; the provider sets its cached lookup (``idp.oidc.server.query_client``).
    client_lookup: ClassVar[Callable[[str], OAuth2Client | None] | None] = None

    def get_client(self):
        """Return the client the token was issued to."""
        if Token.client_lookup is not None:
            return Token.client_lookup(self.client_id)
        return db.session.query(OAuth2Client).filter_by(client_id=self.client_id).first()


class Consent(db.Model):
    """A person's permission for a client to receive the data of a set of scopes."""

    __tablename__ = "oauth2_consent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True)
    client_id: Mapped[str] = mapped_column(String(100), nullable=False)
    #: Space-separated scopes granted.
    scope: Mapped[str] = mapped_column(Text, nullable=False, default="")
    granted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=clock.real)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def scopes(self) -> list[str]:
        """Return the granted scopes as a list."""
        return scope_to_list(self.scope) or []


class SigningKey(db.Model):
    """A persisted private JWK the provider signs ID tokens with."""

    __tablename__ = "oauth2_signing_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kid: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    alg: Mapped[str] = mapped_column(String(10), nullable=False)
    #: Private JWK as JSON (the lab keeps it in the database; a real deployment would use an HSM).
    private_jwk: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=clock.real)
    #: When the key stopped signing; it stays published until tokens it signed have expired.
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
