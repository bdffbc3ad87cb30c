"""The token endpoint: a code or a refresh token for tokens (JSON; errors per RFC 6749 §5.2)."""

from __future__ import annotations

import time

from flask import Blueprint
from flask import jsonify
from flask import request

from idp.db import db
from idp.domain import faults
from idp.extensions import csrf
from idp.oidc import context
from idp.oidc import trace
from idp.oidc.endpoints.tracing import trace_of_token
from idp.oidc.server import authorization
from idp.oidc.server import code_row
from idp.oidc.server import note_faults

bp = Blueprint("token", __name__)


def _token_client_id() -> str | None:
    """Return the client a token request claims to be (Basic, form, or assertion issuer; unverified)."""
    auth = request.authorization
    if auth is not None and auth.type == "basic" and auth.username:
        return auth.username
    if request.form.get("client_id"):
        return request.form["client_id"]
    assertion = trace.decode_jwt(request.form.get("client_assertion") or "")
    return str(assertion["claims"].get("iss")) if assertion else None


def _token_fault_response():
    """Apply the lab's token endpoint faults: wait the chosen delay, or answer an error instead of tokens."""
    fired = faults.take(db.session, ("token_slow", "token_error"), _token_client_id())
    if not fired:
        return None
    note_faults(fired)
    db.session.commit()
    for fault in fired:
        if fault.kind == "token_slow":
            time.sleep(float(fault.params.get("delay", 0)))
    for fault in fired:
        if fault.kind == "token_error":
            error = fault.params.get("error") or "server_error"
            description = fault.params.get("description") or f"Injected by the lab (fault #{fault.id})."
            response = jsonify(error=error, error_description=description)
            response.status_code = faults.TOKEN_ERROR_STATUS.get(error, 400) if fault.params.get("error") else 500
            response.headers["Cache-Control"] = "no-store"
            return response
    return None


@bp.post("/token")
@csrf.exempt
def token():
    """Exchange a code or a refresh token for tokens (JSON; errors per RFC 6749 §5.2)."""
    code = request.form.get("code")
    if code:
        row = code_row(code)  # the grant reuses this read
        trace_id = row.trace_id if row is not None else None
    else:
        trace_id = trace_of_token(request.form.get("refresh_token"))
    context.begin("token", trace_id)
    failed = _token_fault_response()
    if failed is not None:
        return failed
    response = authorization.create_token_response()
    db.session.commit()
    return response
