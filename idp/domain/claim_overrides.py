"""Scripted claims: set, list, clear, and apply claim overrides for an account, a client or both.

Overrides apply to the ID token and to userinfo, after the normal claims, whatever the scope.
The most specific wins: client-wide, then account-wide, then the account at that client.
A JSON ``null`` value removes the claim.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.domain import lab_cache
from idp.models.claims import ClaimOverride

_CLAIM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$")


class OverrideInvalid(ValueError):
    """An override cannot be stored: ``field`` names the bad input."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


def parse_assignment(text: str) -> tuple[str, Any]:
    """Split ``NAME=JSONVALUE``; a value that is not JSON is taken as a string."""
    name, sep, raw = text.partition("=")
    if not sep:
        raise OverrideInvalid("claims", f"expected NAME=VALUE, got {text!r}")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


def _target(account_oid: str | None, client_id: str | None) -> tuple[str | None, str | None]:
    oid = (account_oid or "").strip() or None
    client = (client_id or "").strip() or None
    if oid is None and client is None:
        raise OverrideInvalid("target", "name an account (oid) or a client, or both")
    return oid, client


def set_claims(
    session: Session, claims: dict[str, Any], *, account_oid: str | None = None, client_id: str | None = None
) -> list[ClaimOverride]:
    """Store (or replace) overrides for the target and flush them (the caller commits)."""
    oid, client = _target(account_oid, client_id)
    if not claims:
        raise OverrideInvalid("claims", "give at least one claim")
    rows = []
    for name, value in claims.items():
        if not isinstance(name, str) or not _CLAIM_NAME.match(name):
            raise OverrideInvalid("claims", f"bad claim name {name!r}")
        row = session.scalar(
            select(ClaimOverride).where(
                ClaimOverride.name == name,
                ClaimOverride.account_oid.is_(None) if oid is None else ClaimOverride.account_oid == oid,
                ClaimOverride.client_id.is_(None) if client is None else ClaimOverride.client_id == client,
            )
        )
        if row is None:
            row = ClaimOverride(account_oid=oid, client_id=client, name=name)
            session.add(row)
        row.value_json = json.dumps(value, ensure_ascii=False)
        rows.append(row)
    session.flush()
    return rows


def list_overrides(session: Session) -> list[ClaimOverride]:
    """Return every override, in the order they were made."""
    return list(session.scalars(select(ClaimOverride).order_by(ClaimOverride.id)))


def clear(
    session: Session,
    *,
    account_oid: str | None = None,
    client_id: str | None = None,
    name: str | None = None,
    override_id: int | None = None,
) -> int:
    """Remove the overrides that match every given filter (all of them with no filter); caller commits."""
    query = select(ClaimOverride)
    if override_id is not None:
        query = query.where(ClaimOverride.id == override_id)
    if account_oid:
        query = query.where(ClaimOverride.account_oid == account_oid)
    if client_id:
        query = query.where(ClaimOverride.client_id == client_id)
    if name:
        query = query.where(ClaimOverride.name == name)
    rows = list(session.scalars(query))
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def override_json(row: ClaimOverride) -> dict[str, Any]:
    """Return an override as a JSON-ready dict."""
    return {
        "id": row.id,
        "account_oid": row.account_oid,
        "client_id": row.client_id,
        "name": row.name,
        "value": json.loads(row.value_json),
    }


def apply(session: Session, claims: dict[str, Any], account_oid: str, client_id: str | None) -> dict[str, Any]:
    """Return ``claims`` with the overrides for this account and client applied."""
    if not lab_cache.cached(session, "claim_overrides_any", lambda: session.scalar(select(ClaimOverride.id).limit(1))):
        return claims
    rows = session.scalars(
        select(ClaimOverride).where(
            (ClaimOverride.account_oid.is_(None)) | (ClaimOverride.account_oid == account_oid),
            (ClaimOverride.client_id.is_(None)) | (ClaimOverride.client_id == (client_id or "")),
        )
    ).all()
    if not rows:
        return claims
    result = dict(claims)

    def rank(row: ClaimOverride) -> tuple[int, int]:
        return ((row.account_oid is not None) * 2 + (row.client_id is not None and row.account_oid is not None), row.id)

    for row in sorted(rows, key=rank):
        value = json.loads(row.value_json)
        if value is None:
            result.pop(row.name, None)
        else:
            result[row.name] = value
    return result
