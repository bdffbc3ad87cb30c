"""Token revocation (RFC 7009) and introspection (RFC 7662)."""

from __future__ import annotations

from flask import Blueprint
from flask import request

from idp.db import db
from idp.extensions import csrf
from idp.oidc import context
from idp.oidc.endpoints.tracing import trace_of_token
from idp.oidc.server import authorization

bp = Blueprint("revocation", __name__)


@bp.post("/revoke")
@csrf.exempt
def revoke():
    """RFC 7009 token revocation."""
    context.begin("revoke", trace_of_token(request.form.get("token")))
    response = authorization.create_endpoint_response("revocation")
    db.session.commit()
    return response


@bp.post("/introspect")
@csrf.exempt
def introspect():
    """RFC 7662 token introspection."""
    context.begin("introspect", trace_of_token(request.form.get("token")))
    return authorization.create_endpoint_response("introspection")
