"""Dynamic client registration (RFC 7591), when ``DYNAMIC_REGISTRATION`` is on."""

from __future__ import annotations

import secrets
import uuid

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request

from idp.clock import clock
from idp.db import db
from idp.domain import clients as client_domain
from idp.extensions import csrf
from idp.oidc import context
from idp.oidc import keys
from idp.oidc import registration_policy

bp = Blueprint("registration", __name__)


@bp.post("/register")
@csrf.exempt
def register():
    """Register a client from JSON metadata when ``DYNAMIC_REGISTRATION`` is on."""
    context.begin("register", uuid.uuid4().hex)
    if not current_app.config.get("DYNAMIC_REGISTRATION"):
        return jsonify(error="access_denied", error_description="Dynamic registration is disabled."), 404
    if not registration_policy.token_accepted(current_app.config, request.headers.get("Authorization")):
        response = jsonify(error="invalid_token", error_description="A valid initial access token is required.")
        response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response, 401
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="invalid_client_metadata", error_description="Expected a JSON object."), 400
    method = data.get("token_endpoint_auth_method") or "client_secret_basic"
    client_id = "dyn-" + secrets.token_urlsafe(12)
    secret = secrets.token_urlsafe(32) if method in ("client_secret_basic", "client_secret_post") else None
    redirect_uris = data.get("redirect_uris")
    if not isinstance(redirect_uris, list) or not all(isinstance(u, str) for u in redirect_uris) or not redirect_uris:
        return jsonify(error="invalid_redirect_uri", error_description="redirect_uris is required."), 400
    post_logout = data.get("post_logout_redirect_uris") or []
    if not isinstance(post_logout, list) or not all(isinstance(u, str) for u in post_logout):
        return jsonify(
            error="invalid_client_metadata", error_description="post_logout_redirect_uris must be a list of strings."
        ), 400
    jwks_uri = data.get("jwks_uri") if isinstance(data.get("jwks_uri"), str) else None
    if problems := registration_policy.metadata_problems(
        redirect_uris, jwks_uri, lab_mode=bool(current_app.config.get("LAB_MODE"))
    ):
        error = "invalid_redirect_uri" if "redirect_uris" in problems else "invalid_client_metadata"
        return jsonify(error=error, error_description="; ".join(f"{k}: {v}" for k, v in problems.items())), 400
    extra = {k: data[k] for k in ("logo_uri", "policy_uri", "tos_uri", "client_uri", "contacts") if k in data}
    try:
        client = client_domain.create_client(
            db.session,
            client_id,
            secret,
            redirect_uris,
            auth_method=method,
            scope=data.get("scope") if isinstance(data.get("scope"), str) else None,
            post_logout_redirect_uris=post_logout,
            name=data.get("client_name") if isinstance(data.get("client_name"), str) else None,
            jwks=data.get("jwks") if isinstance(data.get("jwks"), dict) else None,
            jwks_uri=jwks_uri,
            id_token_signed_response_alg=data.get("id_token_signed_response_alg")
            if data.get("id_token_signed_response_alg") in keys.SUPPORTED_ALGS
            else None,
            extra_metadata=extra,
        )
    except client_domain.ClientInvalid as exc:
        db.session.rollback()
        error = "invalid_redirect_uri" if "redirect_uris" in exc.errors else "invalid_client_metadata"
        return jsonify(error=error, error_description=str(exc)), 400
    db.session.commit()
    body = {
        **client.client_metadata,
        "client_id": client.client_id,
        "client_id_issued_at": clock.timestamp(),
        "client_secret_expires_at": 0,
    }
    if secret:
        body["client_secret"] = secret
    return jsonify(body), 201
