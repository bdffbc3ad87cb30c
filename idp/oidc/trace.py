"""Recording the protocol trace: masking secrets, decoding JWTs, grouping exchanges per login.

A login's exchanges share a trace id: the authorization request derives it from
(client_id, state, nonce) so the hops of one request (first visit, return after log-in,
consent) land together; the code, and the tokens issued from it, carry the id onwards.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.orm import Session

from idp.clock import clock
from idp.models.trace import ProtocolTrace
from idp.models.trace import TraceEvent
from shared.names import mask_snils

#: Parameters whose values are secrets: only a short prefix is kept.
SECRET_PARAMS = {
    "client_secret",
    "code_verifier",
    "password",
    "code",
    "access_token",
    "refresh_token",
    "token",
    "client_assertion",
    "csrf_token",
}
JWT_PARAMS = {"id_token", "id_token_hint", "client_assertion"}
#: Parameters never shown at all, not even a prefix (the log-in form's password).
HIDDEN_PARAMS = {"password"}
HIDDEN = "(hidden)"


def mask(value: Any, keep: int = 6) -> Any:
    """Return ``value`` with all but a short prefix replaced (non-strings are returned as is)."""
    if not isinstance(value, str) or not value:
        return value
    if len(value) <= keep:
        return "…"
    return value[:keep] + "…"


def decode_jwt(token: str) -> dict[str, Any] | None:
    """Decode a compact JWS without verifying it (for display), or None if it is not one."""
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        return None
    try:
        decoded = []
        for part in parts[:2]:
            padded = part + "=" * (-len(part) % 4)
            decoded.append(json.loads(base64.urlsafe_b64decode(padded)))
        return {"header": decoded[0], "claims": decoded[1]}
    except (ValueError, json.JSONDecodeError):
        return None


def mask_params(params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (masked params, decoded JWTs found among them)."""
    masked: dict[str, Any] = {}
    decoded: dict[str, Any] = {}
    for key, value in params.items():
        if key in JWT_PARAMS and (jwt := decode_jwt(value)):
            if isinstance(jwt["claims"], dict):
                jwt["claims"] = mask_personal(jwt["claims"])
            decoded[key] = jwt
        if key in HIDDEN_PARAMS:
            masked[key] = HIDDEN
        else:
            masked[key] = mask(value) if key in SECRET_PARAMS or key in JWT_PARAMS else value
    return mask_personal(masked), decoded


#: Personal numbers shown only masked in the trace, as the diary's linking record shows them.
PERSONAL_CLAIMS = {"snils": mask_snils}


def mask_personal(claims: dict[str, Any]) -> dict[str, Any]:
    """Return ``claims`` with personal numbers (SNILS) masked: ``112-***-445 95``."""
    return {k: PERSONAL_CLAIMS[k](v) if k in PERSONAL_CLAIMS and isinstance(v, str) else v for k, v in claims.items()}


def mask_headers(headers: dict[str, str]) -> dict[str, str]:
    """Keep the protocol-relevant headers, with credentials masked (Basic auth shows the client id)."""
    kept: dict[str, str] = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower == "authorization":
            scheme, _, cred = value.partition(" ")
            if scheme.lower() == "basic":
                try:
                    user = base64.b64decode(cred).decode("utf-8", "replace").partition(":")[0]
                except ValueError:
                    user = "?"
                kept[name] = f"Basic {user}:***"
            else:
                kept[name] = f"{scheme} {mask(cred)}"
        elif lower in ("content-type", "location", "www-authenticate", "cache-control", "accept"):
            kept[name] = value
    return kept


#: Steps only a client's server calls (the others are the browser's, e.g. authorize and logout).
BACK_CHANNEL_STEPS = {"token", "userinfo", "revoke", "introspect", "register", "jwks", "discovery"}


def channel_of(step: str, headers: dict[str, str], has_cookies: bool, params: dict[str, Any]) -> str:
    """Return how the IdP saw a request: ``browser`` (cookies, a browser's headers) or ``server`` (a back-channel call).

    Client authentication (HTTP Basic, a bearer token, ``client_secret``/``client_assertion``) means the
    diary's server; cookies or a browser's ``Sec-Fetch-*``/HTML ``Accept`` mean a browser; otherwise the step decides.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    scheme = lower.get("authorization", "").partition(" ")[0].lower()
    if scheme in ("basic", "bearer") or "client_secret" in params or "client_assertion" in params:
        return "server"
    if has_cookies or any(k.startswith("sec-fetch-") for k in lower) or "text/html" in lower.get("accept", ""):
        return "browser"
    return "server" if step in BACK_CHANNEL_STEPS else "browser"


def state_hash(state: str) -> str:
    """Return the SHA-256 (hex) of an authorization request's ``state``: how a client finds its login's trace."""
    return hashlib.sha256(state.encode()).hexdigest()


def authorize_trace_id(client_id: str | None, state: str | None, nonce: str | None) -> str:
    """Return the trace id of an authorization request (stable across its hops when state is given)."""
    if not state and not nonce:
        return uuid.uuid4().hex
    digest = hashlib.sha256(f"{client_id}\x00{state}\x00{nonce}".encode()).hexdigest()
    return digest[:32]


#: One statement for the trace row: created on its first exchange; later ones keep its first client,
#: account and state and move ``updated_at`` (SQLite and PostgreSQL both speak ``ON CONFLICT``).
_UPSERT_TRACE = text(
    "INSERT INTO protocol_trace (id, client_id, account_oid, state_sha256, started_at, updated_at) "
    "VALUES (:id, :client_id, :account_oid, :state_sha256, :now, :now) "
    "ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, "
    "client_id = COALESCE(protocol_trace.client_id, excluded.client_id), "
    "account_oid = COALESCE(protocol_trace.account_oid, excluded.account_oid), "
    "state_sha256 = COALESCE(protocol_trace.state_sha256, excluded.state_sha256)"
).bindparams(bindparam("now", type_=DateTime))
_INSERT_EVENT = text(
    "INSERT INTO protocol_trace_event (trace_id, at, step, method, path, status, request_json, response_json) "
    "VALUES (:trace_id, :now, :step, :method, :path, :status, :request_json, :response_json)"
).bindparams(bindparam("now", type_=DateTime))


def record(
    session: Session,
    trace_id: str,
    *,
    step: str,
    method: str,
    path: str,
    status: int,
    request: dict[str, Any],
    response: dict[str, Any],
    client_id: str | None = None,
    account_oid: str | None = None,
    state: str | None = None,
) -> None:
    """Append one exchange to a trace (creating the trace) in two prepared statements, no read; the caller commits.

    ``state`` (of an authorization request) is kept only as its SHA-256, for :func:`find_by_state_hash`.
    """
    now = clock.real()
    connection = session.connection()
    connection.execute(
        _UPSERT_TRACE,
        {
            "id": trace_id,
            "client_id": client_id,
            "account_oid": account_oid,
            "state_sha256": state_hash(state) if state else None,
            "now": now,
        },
    )
    connection.execute(
        _INSERT_EVENT,
        {
            "trace_id": trace_id,
            "now": now,
            "step": step,
            "method": method,
            "path": path,
            "status": status,
            "request_json": json.dumps(request, ensure_ascii=False, default=str),
            "response_json": json.dumps(response, ensure_ascii=False, default=str),
        },
    )


def recent_traces(session: Session, limit: int = 50) -> list[ProtocolTrace]:
    """Return the most recently active traces."""
    return list(session.scalars(select(ProtocolTrace).order_by(ProtocolTrace.updated_at.desc()).limit(limit)))


def find_by_state_hash(session: Session, state_sha256: str) -> list[ProtocolTrace]:
    """Return the traces whose authorization request had a ``state`` with this SHA-256 (hex), newest first."""
    return list(
        session.scalars(
            select(ProtocolTrace)
            .where(ProtocolTrace.state_sha256 == state_sha256.strip().lower())
            .order_by(ProtocolTrace.updated_at.desc())
        )
    )


def trace_events(session: Session, trace_id: str) -> list[TraceEvent]:
    """Return a trace's exchanges in order."""
    return list(session.scalars(select(TraceEvent).where(TraceEvent.trace_id == trace_id).order_by(TraceEvent.id)))


def _event_channel(event: TraceEvent) -> str:
    recorded = json.loads(event.request_json).get("channel")
    if recorded in ("browser", "server"):
        return recorded
    return "server" if event.step in BACK_CHANNEL_STEPS else "browser"  # recorded before channels were


def trace_json(trace: ProtocolTrace, events: list[TraceEvent] | None = None) -> dict[str, Any]:
    """Return a trace (with its exchanges when given) as a JSON-ready dict."""
    data: dict[str, Any] = {
        "id": trace.id,
        "client_id": trace.client_id,
        "sub": trace.account_oid,
        "state_sha256": trace.state_sha256,
        "started_at": trace.started_at.isoformat(),
        "updated_at": trace.updated_at.isoformat(),
    }
    if events is not None:
        data["exchanges"] = [
            {
                "seq": n,
                "at": e.at.isoformat(),
                "step": e.step,
                "method": e.method,
                "path": e.path,
                "status": e.status,
                "channel": _event_channel(e),
                "request": json.loads(e.request_json),
                "response": json.loads(e.response_json),
            }
            for n, e in enumerate(events, start=1)
        ]
    return data
