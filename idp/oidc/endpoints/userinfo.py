"""The userinfo endpoint: the claims of a Bearer access token."""

from __future__ import annotations

from flask import Blueprint
from flask import jsonify
from flask import request

from idp.db import db
from idp.extensions import csrf
from idp.oidc import context
from idp.oidc.endpoints.tracing import trace_of_token
from idp.oidc.server import access_token_row
from idp.oidc.server import authorization

bp = Blueprint("userinfo", __name__)


@bp.route("/userinfo", methods=["GET", "POST"])
@csrf.exempt
def userinfo():
    """Return the claims of a Bearer access token (header, or ``access_token`` in a POST body)."""
    exchange = context.begin("userinfo")
    header = request.headers.get("Authorization", "")
    if not header and request.method == "POST" and request.form.get("access_token"):
        request.environ["HTTP_AUTHORIZATION"] = "Bearer " + request.form["access_token"]
        header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        row = access_token_row(value.strip())  # the bearer validator reuses this read
        exchange.trace_id = row.trace_id if row is not None else trace_of_token(value.strip())
    if scheme.lower() != "bearer" or not value.strip():
        response = jsonify(error="invalid_token", error_description="Missing Bearer access token.")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token", error_description="Missing token"'
        return response
    response = authorization.create_endpoint_response("userinfo")
    db.session.commit()  # a fired lab fault counts down
    if response.status_code == 401 and "WWW-Authenticate" not in response.headers:
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response
