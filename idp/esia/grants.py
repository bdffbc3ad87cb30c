"""ESIA authorization codes and tokens: issue, redeem once, refresh with rotation, look up. No Flask; no commit.

Codes are single-use, live ``ESIA_CODE_TTL_SECONDS`` on the lab clock and are bound to the client
and the redirect URI; redeeming a used code again revokes what it produced. Refresh tokens work
once each. Only SHA-256 digests of codes and tokens are stored.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from idp.esia.errors import EsiaError
from idp.models.esia import EsiaCode
from idp.models.esia import EsiaToken


def digest(value: str) -> str:
    """Return the SHA-256 (hex) a code or token is stored as."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_sid() -> str:
    """Return a fresh ``urn:esia:sid`` (64 hex characters)."""
    return secrets.token_hex(32)


def issue_code(
    session: Session,
    *,
    client_id: str,
    account_id: int,
    redirect_uri: str,
    scope: str,
    protocol: str,
    auth_time: int,
    amr: str,
    now: datetime,
    ttl_seconds: int,
    trace_id: str | None,
) -> str:
    """Store a new code and return it (the caller commits)."""
    code = secrets.token_urlsafe(48)
    session.add(
        EsiaCode(
            code_sha256=digest(code),
            client_id=client_id,
            account_id=account_id,
            redirect_uri=redirect_uri,
            scope=scope,
            protocol=protocol,
            sid=new_sid(),
            auth_time=auth_time,
            amr=amr,
            expires_at=now + timedelta(seconds=ttl_seconds),
            trace_id=trace_id,
        )
    )
    session.flush()
    return code


def find_code(session: Session, code: str) -> EsiaCode | None:
    """Return the code row for a presented code (used or not), or None."""
    return session.scalar(select(EsiaCode).where(EsiaCode.code_sha256 == digest(code or "")))


def redeem_code(session: Session, code: str, client_id: str, redirect_uri: str, now: datetime) -> EsiaCode:
    """Claim a code for this client and redirect URI, or raise ESIA-007011; a replay revokes its tokens."""
    row = find_code(session, code)
    if row is None or row.client_id != client_id:
        raise EsiaError("ESIA-007011", "unknown authorization code")
    if row.used_at is not None:
        revoke_tokens_of_code(session, row.id)
        raise EsiaError("ESIA-007011", "the authorization code was already used")
    if row.expires_at < now:
        raise EsiaError("ESIA-007011", "the authorization code has expired")
    if row.redirect_uri != redirect_uri:
        raise EsiaError("ESIA-007011", "redirect_uri differs from the authorization request's")
    claimed = session.execute(
        update(EsiaCode)
        .where(EsiaCode.id == row.id, EsiaCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        revoke_tokens_of_code(session, row.id)
        raise EsiaError("ESIA-007011", "the authorization code was already used")
    return row


def revoke_tokens_of_code(session: Session, code_id: int) -> None:
    """Revoke every token issued from the code (the caller commits)."""
    session.execute(
        update(EsiaToken)
        .where(EsiaToken.code_id == code_id)
        .values(access_revoked=True, refresh_revoked=True)
        .execution_options(synchronize_session=False)
    )


def store_tokens(
    session: Session,
    access_token: str,
    *,
    client_id: str,
    account_id: int,
    scope: str,
    redirect_uri: str,
    sid: str,
    auth_time: int,
    amr: str,
    issued_at: int,
    expires_in: int,
    refresh_expires_in: int,
    code_id: int | None,
    trace_id: str | None,
) -> str:
    """Store an issued access token with a new refresh token and return the refresh token."""
    refresh = secrets.token_urlsafe(48)
    session.add(
        EsiaToken(
            access_sha256=digest(access_token),
            refresh_sha256=digest(refresh),
            client_id=client_id,
            account_id=account_id,
            scope=scope,
            redirect_uri=redirect_uri,
            sid=sid,
            auth_time=auth_time,
            amr=amr,
            issued_at=issued_at,
            expires_in=expires_in,
            refresh_expires_in=refresh_expires_in,
            code_id=code_id,
            trace_id=trace_id,
        )
    )
    session.flush()
    return refresh


def find_refresh(session: Session, refresh_token: str) -> EsiaToken | None:
    """Return the token row of a refresh token (usable or not), or None."""
    return session.scalar(select(EsiaToken).where(EsiaToken.refresh_sha256 == digest(refresh_token or "")))


def redeem_refresh(session: Session, refresh_token: str, client_id: str) -> EsiaToken:
    """Retire a refresh token of this client (once), or raise ESIA-007011."""
    row = find_refresh(session, refresh_token)
    if row is None or row.client_id != client_id:
        raise EsiaError("ESIA-007011", "unknown refresh token")
    if row.refresh_revoked or row.issued_at + row.refresh_expires_in < time.time():
        raise EsiaError("ESIA-007011", "the refresh token was used, revoked or has expired")
    claimed = session.execute(
        update(EsiaToken)
        .where(EsiaToken.id == row.id, EsiaToken.refresh_revoked.is_(False))
        .values(refresh_revoked=True, access_revoked=True)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise EsiaError("ESIA-007011", "the refresh token was already used")
    return row


def find_access(session: Session, access_token: str) -> EsiaToken | None:
    """Return the token row of a live access token (not revoked, not expired), or None."""
    row = session.scalar(select(EsiaToken).where(EsiaToken.access_sha256 == digest(access_token or "")))
    if row is None or row.access_revoked or row.issued_at + row.expires_in < time.time():
        return None
    return row


def find_trace_id(session: Session, code: str | None, refresh_token: str | None) -> str | None:
    """Return the trace id a token request belongs to (by its code or refresh token)."""
    if code:
        row = find_code(session, code)
        return row.trace_id if row else None
    if refresh_token:
        token = find_refresh(session, refresh_token)
        return token.trace_id if token else None
    return None
