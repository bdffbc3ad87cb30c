"""The protocol trace of the endpoints: which login a request belongs to, and the recorder after each response."""

from __future__ import annotations

import logging
import uuid
from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit

from flask import current_app
from flask import request
from sqlalchemy import select

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


def record_exchange(response):
    """Append this request and its response to the login's trace (never failing the response)."""
    exchange = context.current()
    step = exchange.step
    if not step or not current_app.config.get("OIDC_TRACE", True):
        return response
    try:
        params, decoded = trace.mask_params(request.values.to_dict())
        req = {"params": params, "headers": trace.mask_headers(dict(request.headers))}
        req["channel"] = trace.channel_of(step, dict(request.headers), bool(request.cookies), request.values)
        if decoded:
            req["decoded"] = decoded
        resp: dict = {"headers": trace.mask_headers(dict(response.headers))}
        if response.location:
            resp["location"] = _masked_location(response.location)
            resp["headers"].pop("Location", None)
        if response.mimetype == "application/json":
            body = response.get_json(silent=True)
            if isinstance(body, dict):
                resp["body"], decoded_body = trace.mask_params(body)
                if decoded_body:
                    resp["decoded"] = decoded_body
        elif response.mimetype == "text/html":
            resp["body"] = "(HTML page)"
        if exchange.faults:
            resp["faults"] = exchange.faults
        trace.record(
            db.session,
            exchange.trace_id or uuid.uuid4().hex,
            step=step,
            method=request.method,
            path=request.path,
            status=response.status_code,
            request=req,
            response=resp,
            client_id=request.values.get("client_id") or None,
            account_oid=exchange.account_oid,
            state=request.values.get("state") if step == "authorize" else None,
        )
        session = db.session
        if not (session.new or session.dirty or session.deleted):
            # The response is built and nothing is pending: let go of the loaded rows rather than
            # have the commit expire each of them (the session ends with the request).
            session.expunge_all()
        session.commit()
    except Exception:  # noqa: BLE001  (tracing must never break the protocol)
        db.session.rollback()
        log.exception("could not record the protocol trace")
    return response
