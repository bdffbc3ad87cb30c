"""Authlib wiring of the OpenID Provider: the authorization server, its grants and endpoints.

Grant subclasses only fill Authlib's hooks (storage, keys, claims); the endpoints in
``idp.oidc.endpoints`` adapt HTTP to these objects. What a request carries between its endpoint and
the grants (trace id, ``acr``, fired faults) is its :class:`idp.oidc.context.Exchange`.
"""

from __future__ import annotations

import os
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.integrations.flask_oauth2 import ResourceProtector
from authlib.integrations.flask_oauth2 import current_token
from authlib.oauth2.rfc6749 import InvalidClientError
from authlib.oauth2.rfc6749 import InvalidGrantError
from authlib.oauth2.rfc6749 import InvalidRequestError
from authlib.oauth2.rfc6749 import UnsupportedResponseTypeError
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc6749.authenticate_client import authenticate_client_secret_basic
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc9207 import IssuerParameter
from authlib.oidc.core import UserInfoEndpoint
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from flask import Flask
from flask import current_app
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy import update

from idp.auth_session import logout
from idp.clock import clock
from idp.db import db
from idp.domain import faults
from idp.domain import lab_cache
from idp.domain import labstate
from idp.domain.once import forget
from idp.domain.once import read_once
from idp.models.accounts import Account
from idp.models.oauth import AuthorizationCode
from idp.models.oauth import OAuth2Client
from idp.models.oauth import Token
from idp.models.oauth import token_digest
from idp.oidc import context
from idp.oidc import keys
from idp.oidc.claims import released_claims

#: Every client authentication method the token, revocation and introspection endpoints accept.
CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]


def note_faults(fired: list[faults.FiredFault]) -> None:
    """Remember the lab faults fired in this request, so the protocol trace shows them."""
    if fired:
        context.current().faults.extend(f.as_trace() for f in fired)


def issuer() -> str:
    """Return the configured issuer identifier (the public base URL, no trailing slash)."""
    return current_app.config["ISSUER"].rstrip("/")


def query_client(client_id: str) -> OAuth2Client | None:
    """Find a registered client by its identifier (cached per worker until the lab changes; unknown: asked again).

    A cached client is detached from any session: the protocol only reads it (a secret upgrade writes its own
    statement, see :meth:`OAuth2Client.check_client_secret`).
    """
    if not client_id:
        return None
    key = ("client", client_id)
    client = read_once(
        db.session, key, lambda: lab_cache.cached(db.session, key, lambda: _load_client(client_id), keep_none=False)
    )
    if client is None:
        forget(db.session, key)
    return client


def _load_client(client_id: str) -> OAuth2Client | None:
    client = db.session.scalar(select(OAuth2Client).where(OAuth2Client.client_id == client_id))
    if client is not None and lab_cache.token(db.session) is not None:
        db.session.expunge(client)
    return client


def save_token(token: dict, request) -> None:
    """Store an issued token; it remembers the code (for replay revocation) and the trace."""
    code = request.authorization_code
    previous = request.refresh_token
    row = Token(
        client_id=request.client.client_id,
        account_id=request.user.id,
        token_type=token.get("token_type", "Bearer"),
        access_token_sha256=token_digest(token["access_token"]),
        refresh_token_sha256=token_digest(token["refresh_token"]) if token.get("refresh_token") else None,
        scope=token.get("scope", ""),
        issued_at=clock.timestamp(),
        expires_in=int(token.get("expires_in", 3600)),
        code_id=code.id if code is not None else (previous.code_id if previous is not None else None),
        auth_time=code.auth_time if code is not None else (previous.auth_time if previous is not None else None),
        acr=code.acr if code is not None else (previous.acr if previous is not None else None),
        trace_id=code.trace_id if code is not None else (previous.trace_id if previous is not None else None),
    )
    db.session.add(row)
    db.session.flush()


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    """Code grant with single-use codes on the lab clock; a replayed code revokes its tokens."""

    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    @staticmethod
    def validate_authorization_redirect_uri(request, client) -> str:
        """Refuse an unregistered ``redirect_uri`` without echoing it (it may hold characters an error cannot carry)."""
        if request.payload.redirect_uri and not client.check_redirect_uri(request.payload.redirect_uri):
            raise InvalidRequestError("The redirect_uri is not registered for this client.")
        return grants.AuthorizationCodeGrant.validate_authorization_redirect_uri(request, client)

    def save_authorization_code(self, code: str, request) -> AuthorizationCode:
        """Store the code with everything the ID token will need."""
        from flask import session

        data = request.payload.data
        account = request.user
        exchange = context.current()
        ttl = current_app.config.get("OIDC_CODE_TTL_SECONDS", 60)
        row = AuthorizationCode(
            code_sha256=token_digest(code),
            client_id=request.client.client_id,
            account_id=account.id,
            redirect_uri=request.payload.redirect_uri or "",
            scope=request.scope or "",
            nonce=data.get("nonce"),
            auth_time=int(session.get("auth_time") or clock.timestamp()),
            acr=exchange.acr,
            amr=session.get("amr") or "pwd",
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
            expires_at=labstate.now(db.session) + timedelta(seconds=ttl),
            trace_id=exchange.trace_id,
        )
        db.session.add(row)
        db.session.flush()
        forget(db.session, ("nonce", row.client_id, row.nonce))
        return row

    def query_authorization_code(self, code: str, client: OAuth2Client) -> AuthorizationCode | None:
        """Return a usable code of this client; a reused one revokes the tokens it produced."""
        row = code_row(code)
        if row is None or row.client_id != client.client_id:
            return None
        if row.used_at is not None:
            _revoke_tokens_of_code(row.id)  # committed by the token endpoint with its error answer
            return None
        if row.expires_at < labstate.now(db.session):
            return None
        return row

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        """Nothing left to do: :meth:`authenticate_user` already marked the code used (atomically)."""

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Account | None:
        """Claim the code for this request, then return the account it was issued to.

        The claim is one conditional UPDATE (``used_at IS NULL``), so of several simultaneous
        redemptions exactly one wins; the others are treated as a replay.
        """
        claimed = db.session.execute(
            update(AuthorizationCode)
            .where(AuthorizationCode.id == authorization_code.id, AuthorizationCode.used_at.is_(None))
            .values(used_at=labstate.now(db.session))
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            _revoke_tokens_of_code(authorization_code.id)
            raise InvalidGrantError("The authorization code was already used.")
        return db.session.get(Account, authorization_code.account_id)


def _revoke_tokens_of_code(code_id: int) -> None:
    """Revoke every token issued for the code ``code_id`` (the caller commits)."""
    db.session.execute(
        update(Token)
        .where(Token.code_id == code_id)
        .values(access_revoked=True, refresh_revoked=True)
        .execution_options(synchronize_session=False)
    )


class OpenIDConnectCode(OpenIDCode):
    """ID tokens signed with the persisted key; claims from :func:`claims_for`."""

    def _key_row(self, client: OAuth2Client):
        # The client's registered algorithm (RS256 unless it chose ES256), whatever else is active.
        alg = client.id_token_signed_response_alg or keys.DEFAULT_ALG
        return keys.active_key(db.session, alg)

    def resolve_client_private_key(self, client: OAuth2Client):
        """Return the active private key of the client's registered ``id_token_signed_response_alg``."""
        return keys.private_key(self._key_row(client))

    def get_client_algorithm(self, client: OAuth2Client) -> str:
        """Sign with the algorithm of the key actually used."""
        return self._key_row(client).alg

    def get_encode_header(self, client: OAuth2Client) -> dict:
        """Put the signing key's ``kid`` in the JWS header."""
        row = self._key_row(client)
        return {"alg": row.alg, "kid": row.kid, "typ": "JWT"}

    def get_client_claims(self, client: OAuth2Client) -> dict:
        """Return ``iss``, ``aud``, ``iat`` and ``exp`` of the ID token (real time: relying parties check them)."""
        now = clock.timestamp()
        return {
            "iss": issuer(),
            "aud": client.client_id,
            "iat": now,
            "exp": now + current_app.config["OIDC_ID_TOKEN_TTL_SECONDS"],
        }

    def encode_id_token(self, token: dict, request) -> str:
        """Sign the ID token, then apply the lab's ID token faults for this client, if any."""
        context.current().id_token_client_id = request.client.client_id
        id_token = super().encode_id_token(token, request)
        fired = faults.take(db.session, faults.ID_TOKEN_KINDS, request.client.client_id)
        if not fired:
            return id_token
        note_faults(fired)
        key = keys.private_key(self._key_row(request.client))
        return faults.corrupt_id_token(id_token, fired, key, issuer())

    def exists_nonce(self, nonce: str, request) -> bool:
        """Refuse a nonce this client already used for a code."""
        client_id = request.payload.client_id
        return read_once(
            db.session,
            ("nonce", client_id, nonce),
            lambda: (
                db.session.scalar(
                    select(AuthorizationCode.id).where(
                        AuthorizationCode.client_id == client_id, AuthorizationCode.nonce == nonce
                    )
                )
                is not None
            ),
        )

    def generate_user_info(self, user: Account, scope: str) -> dict:
        """Return the account's claims for the granted scope (with the lab's scripted claims)."""
        return released_claims(db.session, user, scope, context.current().id_token_client_id)


class StrictCodeChallenge(CodeChallenge):
    """PKCE with S256 only: required for public clients, optional for confidential ones.

    A wrong or missing ``code_verifier`` after a challenge gives ``invalid_grant`` (RFC 7636 §4.6).
    """

    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"

    def validate_code_challenge(self, grant, redirect_uri):
        """Demand a challenge from public clients and accept only ``S256``."""
        data = grant.request.payload.data
        client = grant.request.client
        if client is not None and client.is_public and not data.get("code_challenge"):
            raise InvalidRequestError("Public clients must use PKCE (code_challenge with S256).")
        if data.get("code_challenge") and data.get("code_challenge_method", "plain") != "S256":
            raise InvalidRequestError("Only code_challenge_method=S256 is supported.")
        return super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result):
        """Turn a missing or malformed verifier for a challenged code into ``invalid_grant``."""
        try:
            return super().validate_code_verifier(grant, result)
        except InvalidRequestError as exc:
            if self.get_authorization_code_challenge(grant.request.authorization_code):
                raise InvalidGrantError(description=exc.description) from None
            raise

    def get_authorization_code_challenge(self, authorization_code):
        """Return the stored challenge."""
        return authorization_code.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code):
        """Return the stored challenge method."""
        return authorization_code.code_challenge_method


class RefreshTokenGrant(grants.RefreshTokenGrant):
    """Refresh with rotation: each refresh token works once and is replaced by a new one."""

    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token: str) -> Token | None:
        """Return the token row if its refresh token is still usable; a reused one revokes its whole family.

        A rotated refresh token presented again has leaked (RFC 9700 §4.14.2): every token issued
        from the same authorization code, the pair that replaced it included, is revoked.
        """
        row = db.session.scalar(select(Token).where(Token.refresh_token_sha256 == token_digest(refresh_token)))
        if row is None:
            return None
        if row.refresh_revoked and row.code_id is not None:
            _revoke_tokens_of_code(row.code_id)  # committed by the token endpoint with its error answer
            return None
        if not row.is_refresh_usable():
            return None
        return row

    def authenticate_user(self, refresh_token: Token) -> Account | None:
        """Retire the refresh token atomically, then return its account.

        One conditional UPDATE (``refresh_revoked`` still false) decides which of several
        simultaneous uses of one refresh token gets the new pair; the others get ``invalid_grant``.
        """
        claimed = db.session.execute(
            update(Token)
            .where(Token.id == refresh_token.id, Token.refresh_revoked.is_(False))
            .values(refresh_revoked=True, access_revoked=True)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            raise InvalidGrantError("The refresh token was already used.")
        return db.session.get(Account, refresh_token.account_id)

    def revoke_old_credential(self, refresh_token: Token) -> None:
        """Retire the old refresh token and its access token."""
        refresh_token.refresh_revoked = True
        refresh_token.access_revoked = True


class PrivateKeyJWT(JWTBearerClientAssertion):
    """``private_key_jwt`` client authentication against the client's registered JWKS.

    Authlib checks the assertion's ``exp``/``iat`` on wall time (``time.time()``), not on the IdP's clock.
    """

    CLIENT_AUTH_METHOD = "private_key_jwt"

    def __call__(self, query_client, request):
        """Authenticate; a refused assertion is ``invalid_client`` with 401, like every other auth failure."""
        try:
            return super().__call__(query_client, request)
        except InvalidClientError as exc:
            exc.status_code = 401
            raise

    def get_audiences(self) -> list[str]:
        """Accept the issuer and the token endpoint URL as audience."""
        base = issuer()
        return [base, f"{base}/token", f"{base}/revoke", f"{base}/introspect"]

    def validate_jti(self, claims, jti) -> bool:
        """Accept each assertion id once per client, remembered while the assertion is accepted (exp + leeway)."""
        from idp.models.assertions import use_assertion_once

        now = clock.real()
        if not jti or len(str(jti)) > 255:
            return False
        try:
            expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC).replace(tzinfo=None)
        except (KeyError, TypeError, ValueError, OverflowError, OSError):
            return False
        # Authlib accepts the assertion until exp + leeway: remember the jti that long, so it is never replayed.
        until = expires_at + timedelta(seconds=self.leeway)
        return use_assertion_once(db.session, str(claims["sub"]), str(jti), max(until, now), now)

    def resolve_client_public_key(self, client: OAuth2Client):
        """Return the client's registered JWKS (inline, or fetched from ``jwks_uri``)."""
        if client.jwks:
            return KeySet.import_key_set(client.jwks)
        if client.jwks_uri:
            from idp.oidc.client_jwks import client_key_set

            cfg = current_app.config
            return client_key_set(
                client.jwks_uri,
                _assertion_kid(),
                lab_mode=bool(cfg.get("LAB_MODE")),
                lifetime=float(cfg.get("OIDC_JWKS_CACHE_SECONDS", 300)),
                min_interval=float(cfg.get("OIDC_JWKS_REFETCH_SECONDS", 30)),
            )
        raise InvalidClientError(description="The client has no registered keys.", status_code=401)


def _assertion_kid() -> str | None:
    """Return the ``kid`` in the (not yet verified) header of the request's client assertion."""
    from flask import request as flask_request

    from idp.oidc import trace

    decoded = trace.decode_jwt(flask_request.form.get("client_assertion") or "")
    header = decoded["header"] if decoded else None
    kid = header.get("kid") if isinstance(header, dict) else None
    return kid if isinstance(kid, str) else None


def authenticate_basic(query_client, request) -> OAuth2Client | None:
    """``client_secret_basic`` as Authlib does it, but a header that is not UTF-8 is simply no credentials."""
    try:
        return authenticate_client_secret_basic(query_client, request)
    except UnicodeDecodeError:
        return None


def _query_token(token_string: str, token_type_hint: str | None) -> Token | None:
    if token_type_hint != "refresh_token":
        row = db.session.scalar(select(Token).where(Token.access_token_sha256 == token_digest(token_string)))
        if row is not None:
            return row
    return db.session.scalar(select(Token).where(Token.refresh_token_sha256 == token_digest(token_string)))


class TokenRevocation(RevocationEndpoint):
    """RFC 7009: revoking either token of a pair revokes both."""

    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        """Find a token by its access or refresh value."""
        return _query_token(token_string, token_type_hint)

    def revoke_token(self, token: Token, request) -> None:
        """Mark both tokens of the pair revoked."""
        token.access_revoked = True
        token.refresh_revoked = True


class TokenIntrospection(IntrospectionEndpoint):
    """RFC 7662: a client may introspect the tokens issued to it."""

    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def query_token(self, token_string, token_type_hint):
        """Find a token by its access or refresh value."""
        return _query_token(token_string, token_type_hint)

    def check_permission(self, token: Token, client: OAuth2Client, request) -> bool:
        """Only the client the token was issued to may introspect it."""
        return token.client_id == client.client_id

    def introspect_token(self, token: Token) -> dict:
        """Describe an active token."""
        account = db.session.get(Account, token.account_id)
        return {
            "active": True,
            "client_id": token.client_id,
            "token_type": token.token_type,
            "scope": token.scope,
            "sub": str(account.oid) if account else None,
            "aud": token.client_id,
            "iss": issuer(),
            "exp": token.get_expires_at(),
            "iat": token.issued_at,
            "acr": token.acr,
        }


class BearerValidator(BearerTokenValidator):
    """Access tokens looked up in the database."""

    def authenticate_token(self, token_string: str) -> Token | None:
        """Find the token row of an access token (by its hash)."""
        return access_token_row(token_string)


def code_row(code: str) -> AuthorizationCode | None:
    """Return the row of an authorization code, read once per transaction (the token endpoint's trace asks it too)."""
    return read_once(
        db.session,
        ("authorization_code", code),
        lambda: db.session.scalar(select(AuthorizationCode).where(AuthorizationCode.code_sha256 == token_digest(code))),
    )


def access_token_row(token_string: str) -> Token | None:
    """Return the token row of an access token, read once per transaction (userinfo's trace asks it too)."""
    return read_once(
        db.session,
        ("access_token", token_string),
        lambda: db.session.scalar(select(Token).where(Token.access_token_sha256 == token_digest(token_string))),
    )


class UserInfo(UserInfoEndpoint):
    """OIDC userinfo: the claims of the token's scope."""

    def get_issuer(self) -> str:
        """Return the issuer (for signed userinfo)."""
        return issuer()

    def generate_user_info(self, user: Account, scope: str) -> dict:
        """Return the account's claims for the token's scope; a lab fault may swap the ``sub``."""
        client_id = current_token.client_id if current_token else None
        claims = released_claims(db.session, user, scope, client_id)
        fired = faults.take_one(db.session, "userinfo_wrong_sub", client_id)
        if fired is not None:
            note_faults([fired])
            claims["sub"] = faults.other_sub(claims.get("sub"))
        return claims

    def resolve_private_key(self):
        """Sign with the active key."""
        return keys.private_key(keys.active_key(db.session))


class EndSession(EndSessionEndpoint):
    """RP-initiated logout: ``post_logout_redirect_uri`` must be registered; ``state`` is echoed."""

    def get_server_jwks(self):
        """Verify ``id_token_hint`` with every published key."""
        return keys.public_jwks(db.session)

    def end_session(self, end_session_request) -> None:
        """End the person's IdP session."""
        logout()

    def is_post_logout_redirect_uri_legitimate(self, request, post_logout_redirect_uri, client, logout_hint) -> bool:
        """Without ``id_token_hint``, redirect only after the person confirmed on the IdP's own page.

        OIDC RP-Initiated Logout 1.0 §3 allows the redirect when the OP has other means of confirming
        it: the confirmation form is CSRF-protected and the URI is one the client registered.
        """
        from flask import request as flask_request

        from idp.oidc.forms import EndSessionForm

        return flask_request.method == "POST" and EndSessionForm().validate_on_submit()


class Issuer(IssuerParameter):
    """RFC 9207: the ``iss`` parameter on every authorization response."""

    def get_issuer(self) -> str:
        """Return the issuer identifier."""
        return issuer()


class Server(AuthorizationServer):
    """Authlib's authorization server, refusing any ``response_type`` without crashing."""

    def get_authorization_grant(self, request):
        """Return the grant for the request; an unsupported ``response_type`` is ``unsupported_response_type``."""
        try:
            return super().get_authorization_grant(request)
        except ValueError:
            # Authlib passes the requested response_type as error_description, which must be ASCII:
            # a non-ASCII value ("код", full-width letters) made the error itself raise ValueError.
            raise UnsupportedResponseTypeError(
                request.payload.response_type, description="The response type is not supported by the server."
            ) from None


authorization = Server()
require_oauth = ResourceProtector()

#: The grants registered on :data:`authorization`, which every app of the process shares (registered once).
REGISTERED_GRANTS: list[type[grants.BaseGrant]] = []


def _token_generator(app: Flask):
    """Return a bearer generator that issues refresh tokens only for ``offline_access``."""
    access_ttl = app.config.get("OIDC_ACCESS_TOKEN_TTL_SECONDS", 3600)
    bearer = BearerTokenGenerator(
        access_token_generator=lambda **kw: _random(42),
        refresh_token_generator=lambda **kw: _random(48),
        expires_generator=lambda client, grant_type: access_ttl,
    )

    def generate(grant_type, client, user=None, scope=None, expires_in=None, include_refresh_token=True):
        wants_refresh = include_refresh_token and "offline_access" in (scope or "").split()
        return bearer(
            grant_type=grant_type,
            client=client,
            user=user,
            scope=scope,
            expires_in=expires_in,
            include_refresh_token=wants_refresh,
        )

    return generate


def _random(length: int) -> str:
    from authlib.common.security import generate_token

    return generate_token(length)


def setup_oauth(app: Flask) -> None:
    """Bind the authorization server and resource protector to ``app`` and register everything."""
    if app.config["ISSUER"].startswith("http://"):
        # The lab serves plain HTTP on loopback; Authlib refuses that unless told otherwise.
        os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    authorization.init_app(app, query_client=query_client, save_token=save_token)
    Token.client_lookup = staticmethod(query_client)
    authorization.register_token_generator("default", _token_generator(app))
    if not REGISTERED_GRANTS:
        authorization.register_grant(
            AuthorizationCodeGrant, [OpenIDConnectCode(require_nonce=False), StrictCodeChallenge(required=True)]
        )
        authorization.register_grant(RefreshTokenGrant)
        REGISTERED_GRANTS.extend([AuthorizationCodeGrant, RefreshTokenGrant])
        authorization.register_client_auth_method("private_key_jwt", PrivateKeyJWT())
        authorization.register_client_auth_method("client_secret_basic", authenticate_basic)
        authorization.register_endpoint(TokenRevocation)
        authorization.register_endpoint(TokenIntrospection)
        require_oauth.register_token_validator(BearerValidator())
        authorization.register_endpoint(UserInfo(resource_protector=require_oauth))
        authorization.register_endpoint(EndSession)
        authorization.register_extension(Issuer())
