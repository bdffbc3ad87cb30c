"""Fault injection for the OpenID Provider: add, list, clear, and take the faults that fire.

A fault applies to the next N matching requests (``remaining``) or until cleared (``remaining``
None), for one client or for every client. The protocol code asks :func:`take` at its narrowest
points; taking a fault counts it down and deletes it when it is used up.

Kinds and their parameters:

========================  ================================================================
authorize_error           ``error`` (default ``access_denied``), ``description``: the
                          authorization endpoint redirects this error to the client
token_error               ``error`` (none: HTTP 500 ``server_error``; else that OAuth error)
token_slow                ``delay`` seconds (at most ``MAX_DELAY_SECONDS``) before answering
id_token_unknown_key      the ID token is signed with a key the JWKS does not publish
id_token_wrong_iss        the ID token's ``iss`` is not the issuer
id_token_wrong_aud        the ID token's ``aud`` is another client
id_token_wrong_nonce      the ID token's ``nonce`` is not the one the client sent
id_token_expired          the ID token expired an hour ago
id_token_missing_claims   ``claims``: the ID token lacks these claims
userinfo_wrong_sub        userinfo returns another ``sub`` than the ID token
========================  ================================================================
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from idp.clock import clock
from idp.domain import lab_cache
from idp.domain.once import forget
from idp.domain.once import read_once
from idp.models.faults import Fault

MAX_DELAY_SECONDS = 30.0

AUTHORIZE_ERRORS = (
    "access_denied",
    "server_error",
    "temporarily_unavailable",
    "login_required",
    "interaction_required",
    "consent_required",
    "account_selection_required",
    "invalid_scope",
    "invalid_request",
    "unauthorized_client",
    "unsupported_response_type",
    "unmet_authentication_requirements",
)
TOKEN_ERRORS = (
    "server_error",
    "temporarily_unavailable",
    "invalid_grant",
    "invalid_client",
    "invalid_request",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
)
#: HTTP status of each token endpoint error (RFC 6749 §5.2; 5xx for the server ones).
TOKEN_ERROR_STATUS = {"server_error": 500, "temporarily_unavailable": 503, "invalid_client": 401}

ID_TOKEN_KINDS = (
    "id_token_unknown_key",
    "id_token_wrong_iss",
    "id_token_wrong_aud",
    "id_token_wrong_nonce",
    "id_token_expired",
    "id_token_missing_claims",
)
KINDS = ("authorize_error", "token_error", "token_slow", *ID_TOKEN_KINDS, "userinfo_wrong_sub")

_CLAIM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.:-]{0,99}$")


class FaultInvalid(ValueError):
    """A fault cannot be added: ``field`` names the bad input, ``code`` says why."""

    def __init__(self, field_name: str, code: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.code = code


@dataclass
class FiredFault:
    """A fault that applies to the current request (a detached copy of the row)."""

    id: int
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    client_id: str | None = None

    def as_trace(self) -> dict[str, Any]:
        """Return what the protocol trace records about it."""
        return {"id": self.id, "kind": self.kind, "params": self.params, "client_id": self.client_id}


def parse_delay(value: Any) -> float:
    """Return a delay in seconds from ``5``, ``2.5``, ``5s``, ``250ms`` (capped at ``MAX_DELAY_SECONDS``)."""
    if isinstance(value, bool):
        raise FaultInvalid("delay", "bad_delay", "delay must be a number of seconds")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        text = str(value or "").strip().lower()
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(ms|s)?", text)
        if not match:
            raise FaultInvalid("delay", "bad_delay", "delay must look like 5s, 2.5, or 250ms")
        seconds = float(match.group(1)) / (1000 if match.group(2) == "ms" else 1)
    if seconds < 0:
        raise FaultInvalid("delay", "bad_delay", "delay must not be negative")
    return min(seconds, MAX_DELAY_SECONDS)


def parse_claims(value: Any) -> list[str]:
    """Return claim names from ``"a,b"`` or a list, each checked."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    names = [str(item).strip() for item in items if str(item).strip()]
    if not names:
        raise FaultInvalid("claims", "claims_required", "name at least one claim, e.g. --claims nonce,sub")
    for name in names:
        if not _CLAIM_NAME.match(name):
            raise FaultInvalid("claims", "bad_claim", f"bad claim name {name!r}")
    return names


def _params(kind: str, error: str | None, delay: Any, claims: Any, description: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if kind == "authorize_error":
        code = error or "access_denied"
        if code not in AUTHORIZE_ERRORS:
            raise FaultInvalid("error", "bad_error", f"unknown authorization error {code!r}")
        params["error"] = code
        if description:
            params["description"] = description[:300]
    elif kind == "token_error":
        if error:
            if error not in TOKEN_ERRORS:
                raise FaultInvalid("error", "bad_error", f"unknown token error {error!r}")
            params["error"] = error
        if description:
            params["description"] = description[:300]
    elif kind == "token_slow":
        params["delay"] = parse_delay(delay if delay not in (None, "") else 5)
    elif kind == "id_token_missing_claims":
        params["claims"] = parse_claims(claims)
    return params


def add_fault(
    session: Session,
    kind: str,
    *,
    client_id: str | None = None,
    count: int | None = None,
    error: str | None = None,
    delay: Any = None,
    claims: Any = None,
    description: str | None = None,
) -> Fault:
    """Check and store a new fault, and flush it (the caller commits)."""
    if kind not in KINDS:
        raise FaultInvalid("kind", "bad_kind", f"unknown fault kind {kind!r}; one of: {', '.join(KINDS)}")
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise FaultInvalid("count", "bad_count", "count must be a positive whole number")
    params = _params(kind, error or None, delay, claims, description or None)
    row = Fault(
        kind=kind,
        params_json=json.dumps(params, ensure_ascii=False),
        client_id=(client_id or "").strip() or None,
        remaining=count,
    )
    session.add(row)
    session.flush()
    forget(session, "faults")
    return row


def active_faults(session: Session) -> list[Fault]:
    """Return every fault still in force, oldest first."""
    return list(session.scalars(select(Fault).order_by(Fault.id)))


def active_targets(session: Session) -> tuple[tuple[str, str | None], ...]:
    """Return ``(kind, client_id)`` of every fault in force (cached per worker until the lab changes)."""
    return lab_cache.cached(
        session, "fault_targets", lambda: tuple((k, c) for k, c in session.execute(select(Fault.kind, Fault.client_id)))
    )


def any_active(session: Session) -> bool:
    """Return whether any fault is in force (no query while the lab has not changed)."""
    return bool(active_targets(session))


def clear(session: Session, fault_id: int | None = None) -> int:
    """Remove one fault (or all of them when ``fault_id`` is None); return how many went (caller commits)."""
    rows = active_faults(session) if fault_id is None else [r for r in [session.get(Fault, fault_id)] if r]
    for row in rows:
        session.delete(row)
    session.flush()
    forget(session, "faults")
    return len(rows)


def fault_params(row: Fault) -> dict[str, Any]:
    """Return a fault's parameters."""
    try:
        data = json.loads(row.params_json or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def fault_json(row: Fault) -> dict[str, Any]:
    """Return a fault as a JSON-ready dict."""
    return {
        "id": row.id,
        "kind": row.kind,
        "client_id": row.client_id,
        "remaining": row.remaining,
        "fired": row.fired,
        "params": fault_params(row),
        "created_at": row.created_at.isoformat() + "Z" if row.created_at else None,
    }


def take(session: Session, kinds: str | tuple[str, ...], client_id: str | None) -> list[FiredFault]:
    """Fire the active faults of ``kinds`` that match ``client_id`` (one per kind, the oldest).

    Each fired fault counts down one request; used-up ones are deleted. The active faults are read
    once per transaction (a request asks for several kinds). The caller commits.
    """
    wanted = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    targets = active_targets(session)
    if not any(kind in wanted and target in (None, client_id or None) for kind, target in targets):
        return []
    active = read_once(session, "faults", lambda: active_faults(session))
    rows = [row for row in active if row.kind in wanted and row.client_id in (None, client_id or None)]
    fired: list[FiredFault] = []
    seen: set[str] = set()
    for row in rows:
        if row.kind in seen:
            continue
        seen.add(row.kind)
        fired.append(FiredFault(id=row.id, kind=row.kind, params=fault_params(row), client_id=row.client_id))
        row.fired = (row.fired or 0) + 1
        if row.remaining is not None:
            row.remaining -= 1
            if row.remaining <= 0:
                session.delete(row)
                active.remove(row)
    session.flush()
    return fired


def take_one(session: Session, kind: str, client_id: str | None) -> FiredFault | None:
    """Fire the oldest matching fault of one kind, or return None."""
    fired = take(session, kind, client_id)
    return fired[0] if fired else None


def other_sub(sub: Any) -> str:
    """Return a subject identifier that differs from ``sub`` (same shape: digits)."""
    text = str(sub or "0")
    if text.isdigit():
        return str((int(text) + 1) % (10 ** len(text))).zfill(len(text))
    return text + "-other"


def _unknown_key(alg: str):
    from joserfc.jwk import ECKey
    from joserfc.jwk import RSAKey

    params = {"alg": alg, "use": "sig"}
    if alg.startswith("ES"):
        key = ECKey.generate_key("P-256", parameters=params, private=True)
    else:
        key = RSAKey.generate_key(2048, parameters=params, private=True)
    key.ensure_kid()
    return key


def corrupt_id_token(id_token: str, fired: list[FiredFault], signing_key: Any, issuer: str) -> str:
    """Return ``id_token`` re-signed with the changes the fired faults ask for.

    ``signing_key`` is the key that signed it (a joserfc key); the result is signed with it
    again, or with a fresh key the JWKS does not publish for ``id_token_unknown_key``.
    """
    import secrets

    from joserfc import jwt

    token = jwt.decode(id_token, signing_key)
    header = dict(token.header)
    claims = dict(token.claims)
    key = signing_key
    now = clock.timestamp()
    for fault in fired:
        if fault.kind == "id_token_unknown_key":
            key = _unknown_key(header.get("alg", "RS256"))
            header["kid"] = "unknown-" + secrets.token_hex(4)
        elif fault.kind == "id_token_wrong_iss":
            claims["iss"] = issuer.rstrip("/") + "/wrong-issuer"
        elif fault.kind == "id_token_wrong_aud":
            claims["aud"] = "another-client"
        elif fault.kind == "id_token_wrong_nonce":
            claims["nonce"] = "wrong-" + secrets.token_urlsafe(8)
        elif fault.kind == "id_token_expired":
            claims["iat"] = now - 7200
            claims["exp"] = now - 3600
        elif fault.kind == "id_token_missing_claims":
            for name in fault.params.get("claims", []):
                claims.pop(name, None)
    return jwt.encode(header, claims, key, algorithms=[header.get("alg", "RS256")])
