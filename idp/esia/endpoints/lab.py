"""The lab's ESIA verification keys and client registry.

Public (like the JWKS): ``/esia/certificates/rsa.pem`` and ``/gost.pem`` (the certificates ESIA tokens
verify with: RS256 id_tokens and access tokens; GOST access tokens), ``rsa-public-key.pem`` and
``gost-public-key.pem`` (the bare keys, e.g. esia-connector's ``esia_token_check_key``).
Lab-only: the page ``/lab/esia`` and the JSON API ``/api/lab/esia`` and ``/api/lab/clients``.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import abort
from flask import jsonify
from flask import render_template
from flask import request

from idp.db import db
from idp.domain import clients as client_domain
from idp.esia import certificates
from idp.esia.endpoints import common
from idp.extensions import csrf
from labkit.web import base_url
from labkit.web import check_lab
from shared import esia_crypto

bp = Blueprint("esia_lab", __name__)
csrf.exempt(bp)

FILES = {
    "rsa": ("rsa", "cert_pem"),
    "gost": ("gost", "cert_pem"),
    "rsa-public-key": ("rsa", "public_key_pem"),
    "gost-public-key": ("gost", "public_key_pem"),
}


def _material(kind: str):
    return common.gost_material() if kind == "gost" else common.rsa_material()


def verification_keys() -> dict:
    """Return the lab's ESIA verification certificates and keys (PEM) with their Streebog hashes."""
    data = {}
    for kind in ("rsa", "gost"):
        material = _material(kind)
        data[kind] = {
            "alg": material.algorithm,
            "kid": material.kid,
            "certificate": material.cert_pem,
            "public_key": material.public_key_pem,
            "certificate_hash": esia_crypto.certificate_hash(material.cert_pem),
        }
    db.session.commit()  # the RSA key is generated on first use
    return data


@bp.get("/esia/certificates/<name>.pem")
def certificate_file(name: str):
    """Download a verification certificate or public key as PEM."""
    if name not in FILES:
        abort(404)
    kind, attribute = FILES[name]
    pem = getattr(_material(kind), attribute)
    db.session.commit()
    response = Response(pem, mimetype="application/x-pem-file")
    response.headers["Content-Disposition"] = f'inline; filename="fedlab-esia-{name}.pem"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/lab/esia")
def page():
    """The lab page: where to point an ESIA integration, the verification keys, the ESIA clients."""
    refused = check_lab(api=False)
    if refused is not None:
        return refused
    keys = verification_keys()
    esia_clients = [c for c in client_domain.list_clients(db.session) if certificates.client_certificates(c)]
    return render_template(
        "esia/lab.html",
        keys=keys,
        issuer=common.esia_issuer(),
        base_url=base_url(),
        clients=[(c, certificates.esia_json(c)) for c in esia_clients],
        window=common.setting("ESIA_TIMESTAMP_WINDOW_SECONDS"),
    )


def _api_error(status: int, error: str, description: str, **extra):
    response = jsonify(error=error, error_description=description, **extra)
    response.status_code = status
    return response


@bp.get("/api/lab/esia")
def api_keys():
    """The ESIA issuer, base URL and verification keys as JSON."""
    refused = check_lab(api=True)
    if refused is not None:
        return refused
    return jsonify(issuer=common.esia_issuer(), base_url=base_url(), keys=verification_keys())


@bp.get("/api/lab/clients")
def api_clients():
    """Every registered client (OIDC and ESIA settings; never a secret)."""
    refused = check_lab(api=True)
    if refused is not None:
        return refused
    return jsonify([client_domain.client_json(c) for c in client_domain.list_clients(db.session)])


#: Longest text each field may hold (the columns' sizes); others: 2000 characters.
LIMITS = {"client_id": 100, "client_name": 200, "token_endpoint_auth_method": 40, "esia_access_token_alg": 20}
LIMITS |= {"esia_signature_mode": 10, "client_secret": 500}


def _sized(data: dict, texts: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = [(k, data.get(k) or "") for k in texts]
    pairs += [("uri", v) for name in ("redirect_uris", "post_logout_redirect_uris") for v in _strings(data, name) or []]
    return pairs


def _strings(data: dict, name: str) -> list[str] | None:
    value = data.get(name, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None
    return value


@bp.post("/api/lab/clients")
def api_create_client():
    """Register a client from JSON (``esia_certificates``: PEM texts; no secret needed for ESIA)."""
    refused = check_lab(api=True)
    if refused is not None:
        return refused
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _api_error(400, "invalid_request", "Expected a JSON object.")
    lists = {name: _strings(data, name) for name in ("redirect_uris", "post_logout_redirect_uris", "esia_certificates")}
    texts = ("client_id", "client_secret", "scope", "client_name", "token_endpoint_auth_method")
    texts += ("esia_access_token_alg", "esia_signature_mode")
    if any(v is None for v in lists.values()) or any(
        data.get(k) is not None and not isinstance(data.get(k), str) for k in texts
    ):
        return _api_error(400, "invalid_request", "Text fields are strings; URI and certificate fields are lists.")
    given = [data.get(k) or "" for k in texts] + [v for values in lists.values() for v in values]
    if any("\x00" in v for v in given) or any(len(v) > LIMITS.get(k, 2000) for k, v in _sized(data, texts)):
        return _api_error(400, "invalid_request", "A field is too long or holds a NUL character.")
    if sum(len(v) for v in lists["esia_certificates"]) > 200_000 or len(lists["redirect_uris"]) > 20:
        return _api_error(400, "invalid_request", "Too many redirect URIs or too much certificate text.")
    min_level = data.get("min_level", 1)
    if isinstance(min_level, bool) or not isinstance(min_level, int):
        return _api_error(400, "invalid_client", "invalid client", fields={"min_level": "range"})
    try:
        client = client_domain.create_client(
            db.session,
            data.get("client_id") or "",
            data.get("client_secret"),
            lists["redirect_uris"],
            auth_method=data.get("token_endpoint_auth_method") or "client_secret_basic",
            scope=data.get("scope"),
            min_level=min_level,
            post_logout_redirect_uris=lists["post_logout_redirect_uris"],
            name=data.get("client_name"),
            esia_certificates=lists["esia_certificates"],
            esia_access_token_alg=data.get("esia_access_token_alg") or "RS256",
            esia_signature_mode=data.get("esia_signature_mode") or "lab",
        )
    except client_domain.ClientInvalid as exc:
        db.session.rollback()
        return _api_error(400, "invalid_client", str(exc), fields=exc.errors)
    db.session.commit()
    return jsonify(client_domain.client_json(client)), 201


@bp.delete("/api/lab/clients/<client_id>")
def api_remove_client(client_id: str):
    """Remove a client with its codes, tokens and consents."""
    refused = check_lab(api=True)
    if refused is not None:
        return refused
    if not client_domain.remove_client(db.session, client_id):
        return _api_error(404, "not_found", f"No client {client_id}.")
    db.session.commit()
    return jsonify(removed=client_id)
