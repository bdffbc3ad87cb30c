"""The protocol trace of the endpoints: which login a request belongs to, and the recorder after each response."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit

from flask import current_app
from flask import request
from sqlalchemy import select

from idp.clock import clock
from idp.db import db
from idp.models.oauth import Token
from idp.models.oauth import token_digest
from idp.oidc import context
from idp.oidc import trace

log = logging.getLogger(__name__)


def trace_of_token(token_value: str | None) -> str | None:
    """Return the trace of the login that issued this access or refresh token (None if unknown)."""
    if not token_value:
        return None
    digest = token_digest(token_value)
    return db.session.scalar(
        select(Token.trace_id).where((Token.access_token_sha256 == digest) | (Token.refresh_token_sha256 == digest))
    )


def _masked_location(location: str) -> str:
    parts = urlsplit(location)
    masked, _ = trace.mask_params(dict(parse_qsl(parts.query)))
    base = location.split("?", 1)[0]
    return base + ("?" + urlencode(masked) if masked else "")


#: The path ESIA's authorization endpoint sends the log-in page back to, with its signed ticket.
ESIA_CONTINUE = "/aas/oauth2/lab/continue/"


def trace_of_next(next_url: str | None) -> str | None:
    """Return the trace of the authorization request a log-in page leads back to (None: not a login for a client).

    The log-in form's POST belongs to that login's trace: OIDC ``/authorize`` (client, state and nonce) or
    ESIA's ``/aas/oauth2/…`` (client and state), the same id their endpoints compute.
    """
    if not next_url:
        return None
    parts = urlsplit(next_url)
    if parts.netloc or parts.scheme:
        return None
    query = dict(parse_qsl(parts.query))
    if parts.path.endswith("/authorize"):
        return trace.authorize_trace_id(query.get("client_id"), query.get("state"), query.get("nonce"))
    if parts.path.startswith(ESIA_CONTINUE):
        from idp.esia.endpoints.authorize import trace_of_ticket  # the ESIA side carries on a signed ticket

        return trace_of_ticket(parts.path.removeprefix(ESIA_CONTINUE))
    if parts.path.startswith("/aas/oauth2/"):
        return trace.authorize_trace_id(query.get("client_id"), query.get("state"), None)
    return None


def begin_login_step(next_url: str | None, account_oid: str | None = None) -> None:
    """Make this request (the log-in form's POST) an exchange ``login`` of the trace its ``next`` leads to."""
    trace_id = trace_of_next(next_url)
    if trace_id is None:
        return
    exchange = context.begin("login", trace_id)
    exchange.channel = "browser"
    exchange.account_oid = account_oid


def buffered() -> bool:
    """Return whether exchanges wait for the trace writer's thread (served apps) or are written at once (tests)."""
    return not current_app.testing


def record_exchange(response):
    """Queue this request and its response for the login's trace (never failing the response).

    The request's path only copies what it saw; masking, decoding and JSON happen when the trace
    writer builds the rows (:func:`exchange_rows`), off the response's path.
    """
    exchange = context.current()
    step = exchange.step
    if not step or not current_app.config.get("OIDC_TRACE", True):
        return response
    try:
        values = request.values.to_dict()
        json_body = response.get_data() if response.mimetype == "application/json" else None
        seen = dict(
            step=step,
            values=values,
            headers=_raw_headers(request.environ),
            has_cookies=bool(request.cookies),
            method=request.method,
            path=request.path,
            status=response.status_code,
            response_headers=dict(response.headers),
            location=response.location,
            mimetype=response.mimetype,
            json_body=json_body,
            faults=list(exchange.faults),
            trace_id=exchange.trace_id or uuid.uuid4().hex,
            account_oid=exchange.account_oid,
        )
        now = clock.real()
        # The endpoints commit their own writes (as with the trace off): the trace commits nothing here.
        trace.record_later(db.session, lambda: exchange_rows(now, **seen), buffered=buffered())
    except Exception:  # noqa: BLE001  (tracing must never break the protocol)
        log.exception("could not record the protocol trace")
    return response


def _raw_headers(environ: dict) -> dict[str, str]:
    """Copy the request's header values from the WSGI environ (named by :func:`_header_names` in the writer)."""
    return {k: v for k, v in environ.items() if k.startswith("HTTP_") or k in ("CONTENT_TYPE", "CONTENT_LENGTH")}


def _header_names(raw: dict[str, str]) -> dict[str, str]:
    """Return the headers under the names werkzeug's ``request.headers`` gives them (``HTTP_X_Y`` → ``X-Y``)."""
    return {(k[5:] if k.startswith("HTTP_") else k).replace("_", "-").title(): v for k, v in raw.items()}


def exchange_rows(
    now: datetime,
    *,
    step: str,
    values: dict[str, str],
    headers: dict[str, str],
    has_cookies: bool,
    method: str,
    path: str,
    status: int,
    response_headers: dict[str, str],
    location: str | None,
    mimetype: str,
    json_body: bytes | None,
    faults: list[dict],
    trace_id: str,
    account_oid: str | None,
) -> trace.Rows:
    """Return the trace's rows of one exchange, secrets masked and JWTs decoded (run by the trace writer)."""
    params, decoded = trace.mask_params(values)
    headers = _header_names(headers)
    req: dict = {"params": params, "headers": trace.mask_headers(headers)}
    req["channel"] = trace.channel_of(step, headers, has_cookies, values)
    if decoded:
        req["decoded"] = decoded
    resp: dict = {"headers": trace.mask_headers(response_headers)}
    if location:
        resp["location"] = _masked_location(location)
        resp["headers"].pop("Location", None)
    if json_body is not None:
        try:
            body = json.loads(json_body)
        except ValueError:
            body = None
        if isinstance(body, dict):
            resp["body"], decoded_body = trace.mask_params(body)
            if decoded_body:
                resp["decoded"] = decoded_body
    elif mimetype == "text/html":
        resp["body"] = "(HTML page)"
    if faults:
        resp["faults"] = faults
    return trace.rows(
        now,
        trace_id,
        step=step,
        method=method,
        path=path,
        status=status,
        request=req,
        response=resp,
        client_id=values.get("client_id") or None,
        account_oid=account_oid,
        state=values.get("state") if step == "authorize" else None,
    )
