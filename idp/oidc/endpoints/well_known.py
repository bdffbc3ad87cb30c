"""Discovery (``/.well-known/openid-configuration``) and the public signing keys (``/jwks.json``)."""

from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import jsonify

from idp.db import db
from idp.oidc import keys
from idp.oidc.metadata import discovery_document
from idp.oidc.server import issuer

bp = Blueprint("well_known", __name__)


@bp.get("/.well-known/openid-configuration")
def discovery():
    """Publish the provider metadata."""
    response = jsonify(discovery_document(issuer(), bool(current_app.config.get("DYNAMIC_REGISTRATION"))))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/jwks.json")
def jwks():
    """Publish the public signing keys (active and recently retired)."""
    document = keys.public_jwks(db.session)
    db.session.commit()
    response = jsonify(document)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
