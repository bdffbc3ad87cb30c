"""Recording the protocol trace: masking secrets, decoding JWTs, grouping exchanges per login.

A login's exchanges share a trace id: the authorization request derives it from
(client_id, state, nonce) so the hops of one request (first visit, return after log-in,
consent) land together; the code, and the tokens issued from it, carry the id onwards.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from typing import ParamSpec
from typing import TypeVar

from sqlalchemy import DateTime
from sqlalchemy import bindparam
from sqlalchemy import select
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from idp.clock import clock
from idp.models.trace import ProtocolTrace
from idp.models.trace import TraceEvent
from shared.names import mask_snils
from shared.validators import ValidationError
from shared.validators import canonical_snils

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

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


def mask_typed_login(login: str) -> str:
    """Return the log-in form's login masked when it is a SNILS (``112-***-445 95``); a phone or e-mail as typed."""
    try:
        canonical_snils(login)
    except ValidationError:
        return login
    return mask_snils(login)


#: Personal numbers shown only masked in the trace, as the diary's linking record shows them (the
#: log-in form's ``login`` when a person typed their SNILS there).
PERSONAL_CLAIMS = {"snils": mask_snils, "login": mask_typed_login}


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
#: account and state, and its earliest start and latest update (batches of different workers may land out of
#: order); SQLite and PostgreSQL both speak ``ON CONFLICT``.
_UPSERT_TRACE = text(
    "INSERT INTO protocol_trace (id, client_id, account_oid, state_sha256, started_at, updated_at) "
    "VALUES (:id, :client_id, :account_oid, :state_sha256, :started_at, :updated_at) "
    "ON CONFLICT (id) DO UPDATE SET "
    "updated_at = CASE WHEN excluded.updated_at > protocol_trace.updated_at "
    "THEN excluded.updated_at ELSE protocol_trace.updated_at END, "
    "started_at = CASE WHEN excluded.started_at < protocol_trace.started_at "
    "THEN excluded.started_at ELSE protocol_trace.started_at END, "
    "client_id = COALESCE(protocol_trace.client_id, excluded.client_id), "
    "account_oid = COALESCE(protocol_trace.account_oid, excluded.account_oid), "
    "state_sha256 = COALESCE(protocol_trace.state_sha256, excluded.state_sha256)"
).bindparams(bindparam("started_at", type_=DateTime), bindparam("updated_at", type_=DateTime))
_INSERT_EVENT = text(
    "INSERT INTO protocol_trace_event (trace_id, at, step, method, path, status, request_json, response_json) "
    "VALUES (:trace_id, :now, :step, :method, :path, :status, :request_json, :response_json)"
).bindparams(bindparam("now", type_=DateTime))


#: What the writer stores for one exchange: (trace row, event row).
Rows = tuple[dict[str, Any], dict[str, Any]]


def rows(
    now: datetime,
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
) -> Rows:
    """Return the trace row and the event row of one exchange at ``now`` (``state`` kept only as its SHA-256)."""
    trace_row = {
        "id": trace_id,
        "client_id": client_id,
        "account_oid": account_oid,
        "state_sha256": state_hash(state) if state else None,
        "started_at": now,
        "updated_at": now,
    }
    event_row = {
        "trace_id": trace_id,
        "now": now,
        "step": step,
        "method": method,
        "path": path,
        "status": status,
        "request_json": json.dumps(request, ensure_ascii=False, default=str),
        "response_json": json.dumps(response, ensure_ascii=False, default=str),
    }
    return trace_row, event_row


def record(session: Session, trace_id: str, *, buffered: bool = True, **exchange: Any) -> None:
    """Append one exchange (the keywords of :func:`rows`) to a trace, creating the trace; the caller commits nothing.

    Written by :data:`writer` in a transaction of its own, never in ``session``: with ``buffered`` by the
    worker's background thread (with the exchanges of the same moment), otherwise before this returns.
    ``state`` (of an authorization request) is kept only as its SHA-256, for :func:`find_by_state_hash`.
    """
    now = clock.real()
    record_later(session, lambda: rows(now, trace_id, **exchange), buffered=buffered)


def record_later(session: Session, build: Callable[[], Rows], *, buffered: bool = True) -> None:
    """Queue an exchange whose rows ``build`` returns when written (masking and JSON off the request's path)."""
    writer.add(session.get_bind(), build, buffered=buffered)


def _merged(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return one trace row per trace id: its first client, account and state, earliest start, latest update."""
    merged: dict[str, dict[str, Any]] = {}
    for row in rows:
        seen = merged.get(row["id"])
        if seen is None:
            merged[row["id"]] = dict(row)
            continue
        for key in ("client_id", "account_oid", "state_sha256"):
            if seen[key] is None:
                seen[key] = row[key]
        seen["started_at"] = min(seen["started_at"], row["started_at"])
        seen["updated_at"] = max(seen["updated_at"], row["updated_at"])
    return list(merged.values())


def write(engine: Engine, trace_rows: list[dict[str, Any]], event_rows: list[dict[str, Any]]) -> None:
    """Write exchanges in one transaction of their own: one upsert per trace, the events in one executemany."""
    with engine.begin() as connection:
        connection.execute(_UPSERT_TRACE, _merged(trace_rows))
        connection.execute(_INSERT_EVENT, event_rows)


class TraceWriter:
    """The worker's exchanges waiting to be written, per database; a background thread writes them in batches.

    A request only appends what it saw (no masking, no JSON, no statement, no commit); the thread
    wakes, waits ``delay`` seconds for more, builds the rows and writes what has gathered in one
    transaction per database. Readers of the
    trace call :meth:`flush` first, so this worker's exchanges are complete when read; another
    worker's are written within ``delay`` of their response. Written at exit too; a write that fails
    is logged and dropped (the trace never fails the protocol).
    """

    def __init__(self, delay: float = 0.2) -> None:
        self.delay = delay
        self._pending: list[tuple[Engine, Callable[[], Rows]]] = []
        self._lock = threading.Lock()  # guards _pending
        self._writing = threading.Lock()  # one batch at a time, in order
        self._wake = threading.Event()
        self._drained = threading.Event()
        self._drained.set()
        self._thread: threading.Thread | None = None

    def add(self, engine: Engine, build: Callable[[], Rows], buffered: bool = True) -> None:
        """Queue one exchange (``build`` returns its rows); write it now unless ``buffered``."""
        with self._lock:
            self._pending.append((engine, build))
            self._drained.clear()
        if not buffered:
            self.flush()
            return
        self._ensure_thread()
        self._wake.set()

    def pending(self) -> int:
        """Return how many exchanges wait to be written."""
        with self._lock:
            return len(self._pending)

    def wait_written(self, timeout: float) -> bool:
        """Wait until every exchange queued so far is written (or ``timeout`` seconds); return whether it is."""
        return self._drained.wait(timeout)

    def flush(self) -> None:
        """Write every waiting exchange now (in order, after any batch being written)."""
        with self._writing:
            self._write_pending()

    def _write_pending(self) -> None:
        try:
            self._write_batch()
        finally:
            with self._lock:
                if not self._pending:
                    self._drained.set()

    def _write_batch(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        if batch:
            by_engine: dict[Engine, tuple[list, list]] = {}
            for engine, build in batch:
                try:
                    trace_row, event_row = build()
                except Exception:  # noqa: BLE001  (tracing must never break the protocol)
                    log.exception("could not record an exchange of the protocol trace")
                    continue
                traces, events = by_engine.setdefault(engine, ([], []))
                traces.append(trace_row)
                events.append(event_row)
            for engine, (traces, events) in by_engine.items():
                try:
                    write(engine, traces, events)
                except Exception:  # noqa: BLE001  (tracing must never break the protocol)
                    log.exception("could not write %d exchanges of the protocol trace", len(events))

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="protocol-trace-writer", daemon=True)
                self._thread.start()

    def _after_fork(self) -> None:
        """In a forked process: fresh locks, no thread, an empty queue (the parent writes its own)."""
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        self._wake = threading.Event()
        self._drained = threading.Event()
        self._drained.set()
        self._thread = None
        self._pending = []

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.delay)  # let the exchanges of this moment share one transaction
            self._wake.clear()
            self.flush()


#: The worker's one trace writer (readers below flush it first).
writer = TraceWriter()
atexit.register(writer.flush)
os.register_at_fork(after_in_child=writer._after_fork)


def flush() -> None:
    """Write this worker's waiting exchanges now (before reading or wiping traces)."""
    writer.flush()


def flushed_first(wipe: Callable[P, R]) -> Callable[P, R]:
    """Return ``wipe`` that first writes this worker's waiting exchanges (so none lands after a reset)."""

    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        flush()
        return wipe(*args, **kwargs)

    return wrapped


def recent_traces(session: Session, limit: int = 50) -> list[ProtocolTrace]:
    """Return the most recently active traces."""
    flush()
    return list(session.scalars(select(ProtocolTrace).order_by(ProtocolTrace.updated_at.desc()).limit(limit)))


def find_by_state_hash(session: Session, state_sha256: str) -> list[ProtocolTrace]:
    """Return the traces whose authorization request had a ``state`` with this SHA-256 (hex), newest first."""
    flush()
    return list(
        session.scalars(
            select(ProtocolTrace)
            .where(ProtocolTrace.state_sha256 == state_sha256.strip().lower())
            .order_by(ProtocolTrace.updated_at.desc())
        )
    )


def trace_events(session: Session, trace_id: str) -> list[TraceEvent]:
    """Return a trace's exchanges in order (of their time, then of their writing)."""
    flush()
    return list(
        session.scalars(
            select(TraceEvent).where(TraceEvent.trace_id == trace_id).order_by(TraceEvent.at, TraceEvent.id)
        )
    )


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
